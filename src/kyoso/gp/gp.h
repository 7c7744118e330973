// Front header of the gp module (the GP surrogate on the unit cube): kernels, data and
// hyperparameters, the posterior, the likelihood with its prior, and fitting. Other modules
// include only this header. Methods and references: docs/methods/gp.md.
#pragma once

#include "kyoso/gp/data.h"        // IWYU pragma: export
#include "kyoso/gp/fit.h"         // IWYU pragma: export
#include "kyoso/gp/kernel.h"      // IWYU pragma: export
#include "kyoso/gp/likelihood.h"  // IWYU pragma: export
#include "kyoso/gp/posterior.h"   // IWYU pragma: export
#include "kyoso/gp/warp.h"        // IWYU pragma: export

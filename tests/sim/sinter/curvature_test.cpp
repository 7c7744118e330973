// Oracle: a circular grain shrinking by curvature in a dense matrix (ρ = 1, no diffusion).
// Sharp-interface Allen-Cahn limit (Allen & Cahn 1979; Moelans, Blanpain & Wollants 2008):
// v = L κ_η K, so the area follows A(t) = A0 − 2π M_gb γ t with M_gb γ = L κ_η.
#include <gtest/gtest.h>

#include <numbers>

#include "kyoso/sim/sinter/fd_kernel.h"
#include "kyoso/sim/sinter/structures.h"
#include "support/expect_close.h"

namespace kyoso::sim::sinter {
namespace {

using kyoso::testing::ExpectClose;

// Area = ∫η₀ dA. The slope dA/dt between t = 4 (profile relaxed) and t = 24 is within 4 % of
// −2π L κ_η; δ = sqrt(4κ_η/3B) = 4 cells resolves the interface.
TEST(CurvatureDrivenGrain, AreaShrinksLinearlyAtTwoPiLKappa) {
  Grid g{.dims = 2, .n = {96, 96, 1}, .dx = 1.0};
  State state = MakeState(g, 2);
  FillState({{{48.0, 48.0, 0.0}, 30.0}}, {0}, 4.0, true, state);
  const StepModel model{.coefficients = {.a = 16.0, .b = 1.0, .kappa_rho = 10.0, .kappa_eta = 12.0},
                        .mobility = {},
                        .l = 1.0};
  FdKernel kernel(g, 2, 1);
  const double dt = 0.8 * FdStableStep(g, model);
  auto area = [&]() {
    double a = 0.0;
    for (std::size_t c = 0; c < g.size(); ++c) a += state.Eta(0)[c];
    return a;
  };
  double a4 = 0.0;
  double t4 = 0.0;
  while (state.time < 24.0) {
    kernel.Step(state, model, std::min(dt, 24.0 - state.time), nullptr);
    if (t4 == 0.0 && state.time >= 4.0) {
      a4 = area();
      t4 = state.time;
    }
  }
  const double slope = (area() - a4) / (state.time - t4);
  ExpectClose(slope, -2.0 * std::numbers::pi * model.l * model.coefficients.kappa_eta, 0.04);
  for (double v : state.rho) ExpectClose(v, 1.0, 0.0, 1e-15);  // ρ untouched with M = 0
}

}  // namespace
}  // namespace kyoso::sim::sinter

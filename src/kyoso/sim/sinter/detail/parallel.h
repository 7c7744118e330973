// OpenMP helpers that compile to plain serial code when OpenMP is not available, so kernels
// carry one annotated loop and no #ifdef.
#pragma once

#ifdef _OPENMP
#include <omp.h>
#define KYOSO_PRAGMA(x) _Pragma(#x)
#define KYOSO_OMP_PARALLEL(threads) KYOSO_PRAGMA(omp parallel num_threads(threads))
#define KYOSO_OMP_FOR_STATIC KYOSO_PRAGMA(omp for schedule(static))
#define KYOSO_OMP_CRITICAL KYOSO_PRAGMA(omp critical)
#else
#define KYOSO_OMP_PARALLEL(threads) if ((void)(threads), true)
#define KYOSO_OMP_FOR_STATIC
#define KYOSO_OMP_CRITICAL
#endif

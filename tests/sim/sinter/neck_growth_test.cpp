// Two-particle neck growth in 3-D with surface diffusion only (issue 6, Nichols & Mullins 1965):
// the measured growth law x/a ∝ t^(1/n) of the neck radius (cross-section of {ρ ≥ ½},
// observables.h), from the full use case (sinter.h). Slow: two 3-D runs of ~10 s CPU each.
// What this can and cannot show is discussed in docs/methods/sinter.md, "Neck growth in 3-D".
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "kyoso/sim/sinter/sinter.h"
#include "neck_fit.h"
#include "support/expect_close.h"

namespace kyoso::sim::sinter {
namespace {

using kyoso::testing::ExpectClose;

constexpr double kRadius = 14.0;

// Two touching spheres (a = 14 cells, δ = 2.6 cells), only M_surf on, log-spaced samples.
nlohmann::json SurfaceDiffusionPair(const std::string& kernel) {
  nlohmann::json j = nlohmann::json::parse(R"({
    "grid": {"dims": 3, "n": [64, 36, 36], "dx": 1},
    "model": {"A": 16, "B": 1, "kappa_rho": 10, "kappa_eta": 5, "L": 1,
              "mobility": {"volume": 0, "vapor": 0, "surface": 4, "grain_boundary": 0}},
    "structure": {"type": "two_particles", "radius": 14, "overlap": 0},
    "numerics": {"end_time": 5, "num_order_parameters": 2, "num_samples": 40,
                 "sample_spacing": "log", "first_sample": 0.0005, "max_change": 0.001}
  })");
  j["numerics"]["kernel"] = kernel;
  return j;
}

// Inverse slope n of log(x/a) against log t over lo ≤ x/a ≤ hi (0 with fewer than 4 samples).
double InverseSlope(const Series& s, double lo, double hi) {
  return testing::NeckInverseSlope(s, kRadius, lo, hi).n;
}

// Oracles: touching spheres have no neck at t = 0 (the ρ = ½ surfaces meet in a point; the
// cross-section measure finds < 0.05 a); surface diffusion makes the neck grow monotonically;
// ∫ρ is conserved (1e-12); and the explicit FD kernel and the spectral kernel give the same
// growth law: inverse slopes over 0.25 ≤ x/a ≤ 0.45 within 10 % of each other (measured: FD 8.0,
// spectral 8.5; the two discretizations differ in the O(h²) and O(Δt) errors only).
// The issue's band 5.5 ≤ n ≤ 6.5 for 0.05 ≤ x/a ≤ 0.3 needs a ≳ 40 δ and is asserted on the
// axisymmetric grid (axisymmetric_test.cpp, NeckGrowthNicholsMullins); at a = 14 (5 δ) the
// window is the diffuse-interface bridging of the touching profiles (n ≈ 3–4) and the later
// n ≈ 8 its memory (methods page, "Neck growth").
TEST(NeckGrowth3d, SurfaceDiffusionNeckGrowthLawAgreesBetweenKernels) {
  double inverse_slope[2] = {0.0, 0.0};
  int index = 0;
  for (const std::string kernel : {"fd", "spectral"}) {
    const Result r = sinter::Run(ParseSpec(SurfaceDiffusionPair(kernel)), {.num_threads = 1});
    ASSERT_EQ(r.summary.termination, Termination::kCompleted) << kernel << r.summary.message;
    EXPECT_LT(r.summary.mass_drift, 1e-12) << kernel;
    const Series& s = r.series;
    EXPECT_LT(s.neck_radius.front(), 0.05 * kRadius) << kernel;
    for (std::size_t k = 2; k < s.time.size(); ++k) {
      EXPECT_GE(s.neck_radius[k], s.neck_radius[k - 1] - 1e-9) << kernel << " sample " << k;
    }
    EXPECT_GT(s.neck_radius.back(), 0.4 * kRadius) << kernel;
    inverse_slope[index] = InverseSlope(s, 0.25, 0.45);
    ASSERT_GT(inverse_slope[index], 0.0) << kernel << ": too few samples in the window";
    RecordProperty(kernel + "_inverse_slope", std::to_string(inverse_slope[index]));
    RecordProperty(kernel + "_inverse_slope_issue_window",
                   std::to_string(InverseSlope(s, 0.05, 0.3)));
    ++index;
  }
  ExpectClose(inverse_slope[1], inverse_slope[0], 0.1);
}

}  // namespace
}  // namespace kyoso::sim::sinter

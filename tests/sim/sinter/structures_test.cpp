// Initial structures (structures.h): polycrystalline particles (seeded Voronoi grains inside each
// particle) and the cross-section neck radius of the observables (observables.h).
#include "kyoso/sim/sinter/structures.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "kyoso/sim/sinter/grains.h"
#include "kyoso/sim/sinter/observables.h"
#include "kyoso/sim/sinter/sinter.h"
#include "support/expect_close.h"

namespace kyoso::sim::sinter {
namespace {

using kyoso::testing::ExpectClose;

nlohmann::json PairJson(int dims, int grains_per_particle) {
  nlohmann::json j = nlohmann::json::parse(R"({
    "model": {"A": 16, "B": 1, "kappa_rho": 10, "kappa_eta": 5, "L": 1,
              "mobility": {"volume": 0.01, "vapor": 0.001, "surface": 4, "grain_boundary": 0.4}},
    "structure": {"type": "two_particles", "radius": 16, "seed": 5},
    "numerics": {"kernel": "spectral", "end_time": 1, "num_order_parameters": 10,
                 "num_samples": 1}
  })");
  j["grid"] = dims == 2 ? nlohmann::json{{"dims", 2}, {"n", {96, 64}}, {"dx", 1}}
                        : nlohmann::json{{"dims", 3}, {"n", {80, 48, 48}}, {"dx", 1}};
  j["structure"]["grains_per_particle"] = grains_per_particle;
  return j;
}

// Counts the grains the run's tracker finds at t = 0 (same threshold and minimum volume as Run).
int TrackedGrains(const Spec& spec, State& state) {
  const double width = spec.InterfaceWidth();
  GrainTracker tracker({.threshold = 0.05,
                        .min_volume = 0.5 * std::pow(width, spec.grid.dims),
                        .remap_buffer = spec.remap_buffer});
  EXPECT_EQ(tracker.Update(state), 0);  // the slot assignment already keeps the buffer
  return static_cast<int>(tracker.grains().size());
}

// Each particle split into N Voronoi grains: the tracker finds 2N grains (sum over particles),
// ρ and hence ∫ρ are those of the one-grain structure exactly, Σ η_i² = ρ² at every point (one
// η carries the particle profile), and the grain boundaries inside the particles have area > 0,
// where the one-grain pair only has its small contact neck.
TEST(PolycrystallineParticles, GrainCountMassAndOrderParametersIn2dAnd3d) {
  for (int dims : {2, 3}) {
    const Spec single_spec = ParseSpec(PairJson(dims, 1));
    State single = InitialState(single_spec);
    EXPECT_EQ(TrackedGrains(single_spec, single), 2) << dims;
    const double single_gb = InterfaceAreas(single).grain_boundary;
    for (int n : {2, 4}) {
      const Spec spec = ParseSpec(PairJson(dims, n));
      ASSERT_EQ(spec.grain_seeds.size(), static_cast<std::size_t>(2 * n));
      ASSERT_EQ(spec.slots.size(), static_cast<std::size_t>(2 * n));
      State state = InitialState(spec);
      EXPECT_EQ(TrackedGrains(spec, state), 2 * n) << dims << "-D, N = " << n;
      EXPECT_EQ(state.rho, single.rho);
      ExpectClose(Mass(state), Mass(single), 1e-15);
      double max_error = 0.0;
      for (std::size_t c = 0; c < state.grid.size(); ++c) {
        double s2 = 0.0;
        for (int s = 0; s < state.num_slots; ++s) s2 += state.Eta(s)[c] * state.Eta(s)[c];
        max_error = std::max(max_error, std::fabs(s2 - state.rho[c] * state.rho[c]));
      }
      EXPECT_LT(max_error, 1e-14);
      // N grains per sphere of radius 16: the internal boundaries alone are at least one
      // cross-section disc (2-D: one chord) far from the centre, ≥ the contact neck.
      EXPECT_GT(InterfaceAreas(state).grain_boundary, single_gb + (dims == 3 ? 100.0 : 10.0))
          << dims << "-D, N = " << n;
    }
  }
}

// An isolated one-grain particle has no grain boundary (coarea: Σ|∇η| = |∇ρ|); split into two
// grains its boundary is the chord of the seeds' bisector, length 2 sqrt(R² − h²) (h: distance of
// the bisector from the centre). The discrete coarea of a sharp (one-cell) η step on a
// staircased line overestimates an oblique chord by up to ~25 % (√2 · cos(π/8)); 30 % tolerance.
TEST(PolycrystallineParticles, GrainBoundaryOfTwoGrainDiscIsTheBisectorChord) {
  nlohmann::json j = PairJson(2, 1);
  j["structure"] = {
      {"type", "particles"}, {"particles", {{{"center", {48, 32}}, {"radius", 20}}}}, {"seed", 11}};
  const Spec one = ParseSpec(j);
  State one_state = InitialState(one);
  const Areas one_areas = InterfaceAreas(one_state);
  ExpectClose(one_areas.grain_boundary, 0.0, 0.0, 1e-9 * one_areas.surface);
  ExpectClose(one_areas.surface, 2.0 * std::numbers::pi * 20.0, 0.01);

  j["structure"]["grains_per_particle"] = 2;
  const Spec two = ParseSpec(j);
  ASSERT_EQ(two.grain_seeds.size(), 2u);
  const auto& a = two.grain_seeds[0].seed;
  const auto& b = two.grain_seeds[1].seed;
  const double dx = b[0] - a[0];
  const double dy = b[1] - a[1];
  const double mx = 0.5 * (a[0] + b[0]) - 48.0;
  const double my = 0.5 * (a[1] + b[1]) - 32.0;
  const double h = std::fabs(mx * dx + my * dy) / std::hypot(dx, dy);
  const double chord = 2.0 * std::sqrt(20.0 * 20.0 - h * h);
  State state = InitialState(two);
  EXPECT_EQ(TrackedGrains(two, state), 2);
  ExpectClose(InterfaceAreas(state).grain_boundary, chord, 0.3);
}

// The same seed gives the same structure bit for bit; another seed another one.
TEST(PolycrystallineParticles, SameSeedSameStructure) {
  const State a = InitialState(ParseSpec(PairJson(2, 4)));
  const State b = InitialState(ParseSpec(PairJson(2, 4)));
  EXPECT_EQ(a.eta, b.eta);
  nlohmann::json j = PairJson(2, 4);
  j["structure"]["seed"] = 6;
  const State c = InitialState(ParseSpec(j));
  EXPECT_NE(a.eta, c.eta);
  EXPECT_EQ(a.rho, c.rho);
}

TEST(PolycrystallineParticles, BadInputNamesThePointer) {
  nlohmann::json j = PairJson(2, 0);
  EXPECT_THROW(ParseSpec(j), InputError);
  try {
    ParseSpec(j);
  } catch (const InputError& e) {
    EXPECT_EQ(e.issues().front().path, "/structure/grains_per_particle");
    EXPECT_EQ(e.issues().front().code, "sinter.range");
  }
  // 6 grains per particle cannot live in 4 slots (grains of one particle touch).
  j = PairJson(2, 6);
  j["numerics"]["num_order_parameters"] = 4;
  try {
    ParseSpec(j);
    ADD_FAILURE() << "expected sinter.too_few_order_parameters";
  } catch (const InputError& e) {
    EXPECT_EQ(e.issues().front().code, "sinter.too_few_order_parameters");
    EXPECT_EQ(e.issues().front().path, "/numerics/num_order_parameters");
  }
}

// Grain growth inside a polycrystalline particle (2-D, one disc of radius 20 split into 6 grains,
// spectral kernel): curvature-driven boundary motion removes grains, so the grain count and the
// grain-boundary area fall monotonically (sampled every 5 time units), while ∫ρ is conserved.
TEST(PolycrystallineParticles, IntraParticleGrainGrowthReducesGrainsAndBoundaryArea) {
  nlohmann::json j = PairJson(2, 6);
  j["grid"]["n"] = {64, 64};
  j["structure"] = {{"type", "particles"},
                    {"particles", {{{"center", {32, 32}}, {"radius", 22}}}},
                    {"grains_per_particle", 6},
                    {"seed", 3}};
  j["numerics"]["end_time"] = 60;
  j["numerics"]["num_samples"] = 12;
  j["numerics"]["tracking_every"] = 10;
  const Result r = sinter::Run(ParseSpec(j), {});
  ASSERT_EQ(r.summary.termination, Termination::kCompleted) << r.summary.message;
  EXPECT_EQ(r.series.grains.front(), 6);
  EXPECT_LT(r.series.grains.back(), 6);
  for (std::size_t k = 1; k < r.series.time.size(); ++k) {
    EXPECT_LE(r.series.grains[k], r.series.grains[k - 1]) << "sample " << k;
    EXPECT_LE(r.series.gb_area[k], r.series.gb_area[k - 1] * (1.0 + 1e-9)) << "sample " << k;
  }
  EXPECT_LT(r.series.gb_area.back(), 0.7 * r.series.gb_area.front());
  EXPECT_LT(r.summary.mass_drift, 1e-12);
}

// The cross-section neck radius of two sharp-profile spheres that overlap is the radius of
// their intersection circle, sqrt(R² − (d/2)²) (here R = 16, d = 30: 5.568), within a tenth of a
// cell (tanh profiles of width 2 are symmetric about ρ = ½ on the plane).
TEST(NeckCrossSection, EqualsIntersectionCircleOfOverlappingSpheres) {
  for (int dims : {2, 3}) {
    Grid g{.dims = dims, .n = {80, 48, dims == 3 ? 48 : 1}, .dx = 1.0};
    State state = MakeState(g, 2);
    const double z = dims == 3 ? 24.0 : 0.0;
    const std::vector<Particle> p = {{{25.0, 24.0, z}, 16.0}, {{55.0, 24.0, z}, 16.0}};
    FillState(p, {0, 1}, 2.0, false, state);
    const double x = NeckCrossSectionRadius(state, {40.0, 24.0, z}, {1.0, 0.0, 0.0}, 16.0);
    ExpectClose(x, std::sqrt(16.0 * 16.0 - 15.0 * 15.0), 0.0, 0.1);
  }
}

}  // namespace
}  // namespace kyoso::sim::sinter

// Partial sums of the observables over planes (observables.h, SumObservables), which the MPI run
// adds over the ranks: over every plane they are the whole-box observables, and over the owned
// planes of a slab copied with one ghost plane per side (the layout of detail::SlabFields) they
// add up to the whole box.
#include <gtest/gtest.h>

#include <vector>

#include "kyoso/sim/sinter/observables.h"
#include "kyoso/sim/sinter/structures.h"
#include "support/expect_close.h"

namespace kyoso::sim::sinter {
namespace {

using kyoso::testing::ExpectClose;

constexpr Coefficients kCoefficients{.a = 16.0, .b = 1.0, .kappa_rho = 10.0, .kappa_eta = 5.0};

// Two touching particles (η slots 0, 1) on an odd slab axis.
State Pair(int dims) {
  Grid g{.dims = dims, .n = {40, 27, 1}, .dx = 0.5};
  if (dims == 3) g.n = {20, 16, 15};
  State s = MakeState(g, 2);
  const double r = dims == 3 ? 2.0 : 4.5;
  const std::array<double, 3> c{0.5 * g.Length(0), 0.5 * g.Length(1),
                                dims == 3 ? 0.5 * g.Length(2) : 0.0};
  FillState({{{c[0] - r, c[1], c[2]}, r}, {{c[0] + r, c[1], c[2]}, r}}, {0, 1}, 1.0, false, s);
  return s;
}

// A slab of planes [first, first + planes) of the last axis with one ghost plane per side
// (periodic), as a rank of a slab decomposition holds it.
State Slab(const State& whole, int first, int planes) {
  const Grid& g = whole.grid;
  const int axis = g.dims == 3 ? 2 : 1;
  const int n = g.n[axis];
  Grid local = g;
  local.n[axis] = planes + 2;
  State slab = MakeState(local, whole.num_slots);
  const std::size_t plane = g.size() / static_cast<std::size_t>(n);
  for (int p = 0; p < planes + 2; ++p) {
    const std::size_t from = static_cast<std::size_t>((first - 1 + p + n) % n) * plane;
    const std::size_t to = static_cast<std::size_t>(p) * plane;
    for (std::size_t c = 0; c < plane; ++c) {
      slab.rho[to + c] = whole.rho[from + c];
      for (int s = 0; s < whole.num_slots; ++s) slab.Eta(s)[to + c] = whole.Eta(s)[from + c];
    }
  }
  return slab;
}

// Over every plane of the whole box: the same terms in the same order as Mass, FreeEnergy,
// InterfaceAreas and RelativeDensity; only G's final scaling differs (0.5 (a − b) ΔV against
// 0.5 (a ΔV − b ΔV)), so 1e-14 relative.
TEST(SumObservables, OverEveryPlaneAreTheWholeBoxObservables) {
  for (int dims : {2, 3}) {
    SCOPED_TRACE(dims);
    const State s = Pair(dims);
    const int n = s.grid.n[dims - 1];
    const std::array<double, 3> lo{2.0, 3.0, dims == 3 ? 1.5 : 0.0};
    const std::array<double, 3> hi{15.0, 9.0, dims == 3 ? 6.0 : 0.0};
    const ObservableSums sums = SumObservables(s, kCoefficients, lo, hi, 0, n, n, 0);
    ExpectClose(sums.mass, Mass(s), 1e-14);
    ExpectClose(sums.free_energy, FreeEnergy(s, kCoefficients), 1e-14);
    const Areas areas = InterfaceAreas(s);
    ExpectClose(AreasFromSums(sums).surface, areas.surface, 1e-14);
    ExpectClose(AreasFromSums(sums).grain_boundary, areas.grain_boundary, 1e-14);
    ExpectClose(sums.density_sum / sums.density_count, RelativeDensity(s, lo, hi), 1e-14);
    EXPECT_GT(areas.grain_boundary, 0.0);  // the two grains touch: G is not trivially 0
  }
}

// Three uneven slabs with one ghost plane per side (2-D 27 = 10 + 10 + 7 planes, 3-D 15 = 6 + 6 +
// 3), each summed over its owned planes with its global plane offset, add up to the whole box:
// the same non-negative terms grouped in three, ≤ (points) × ε ≈ 1e-13 relative, asserted 1e-12.
// The control volume cuts through the slabs, so the offset decides which planes count.
TEST(SumObservables, SlabsWithGhostPlanesAddUpToTheWholeBox) {
  for (int dims : {2, 3}) {
    SCOPED_TRACE(dims);
    const State s = Pair(dims);
    const int n = s.grid.n[dims - 1];
    const std::array<double, 3> lo{2.0, 3.0, dims == 3 ? 1.5 : 0.0};
    const std::array<double, 3> hi{15.0, dims == 3 ? 6.5 : 11.0, dims == 3 ? 6.0 : 0.0};
    const int block = n / 3 + 1;
    ObservableSums total;
    for (int first = 0; first < n; first += block) {
      const int planes = std::min(block, n - first);
      const ObservableSums part = SumObservables(Slab(s, first, planes), kCoefficients, lo, hi, 1,
                                                 1 + planes, n, first - 1);
      total.mass += part.mass;
      total.free_energy += part.free_energy;
      total.rho_gradient += part.rho_gradient;
      total.eta_gradient += part.eta_gradient;
      total.density_sum += part.density_sum;
      total.density_count += part.density_count;
    }
    const ObservableSums whole = SumObservables(s, kCoefficients, lo, hi, 0, n, n, 0);
    ExpectClose(total.mass, whole.mass, 1e-12);
    ExpectClose(total.free_energy, whole.free_energy, 1e-12);
    ExpectClose(total.rho_gradient, whole.rho_gradient, 1e-12);
    ExpectClose(total.eta_gradient, whole.eta_gradient, 1e-12);
    ExpectClose(total.density_sum, whole.density_sum, 1e-12);
    EXPECT_EQ(total.density_count, whole.density_count);  // counts: exact integers
    EXPECT_GT(whole.density_count, 0.0);
  }
}

}  // namespace
}  // namespace kyoso::sim::sinter

// Initial microstructures: two particles (equal or unequal radii), chains, seeded random packings
// of discs/spheres with a size distribution, or an explicit list; each particle is one grain.
// Particles become smooth tanh profiles of ρ, and each grain is put into an order-parameter slot
// so that grains sharing a slot stay apart (greedy graph colouring).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "kyoso/base/error.h"
#include "kyoso/sim/sinter/state.h"

namespace kyoso::sim::sinter {

struct Particle {
  std::array<double, 3> center{0.0, 0.0, 0.0};  // position (same length unit as Grid::dx)
  double radius = 0.0;
};

enum class StructureKind { kTwoParticles, kChain, kPacking, kParticles, kCircularGrain };

struct StructureSpec {
  StructureKind kind = StructureKind::kTwoParticles;
  double radius = 10.0;               // particle radius (second radius for two particles: radius2)
  double radius2 = 0.0;               // two particles: radius of the second one (0: same)
  int count = 2;                      // chain / packing: number of particles
  double radius_stddev = 0.0;         // packing: standard deviation of radii (normal, clipped)
  double overlap = 0.05;              // initial contact overlap (R1 + R2 − d)/min(R1, R2)
  double max_overlap = 0.3;           // largest overlap accepted in an explicit list
  std::uint64_t seed = 1;             // packing: RNG seed
  std::vector<Particle> particles{};  // explicit list (kParticles)
  double interface_width = 2.0;       // width of the initial tanh profiles (length unit)
};

// The particles of a structure in a box, centred in the box. Throws InputError ("sinter.particle_
// outside", "sinter.overlap", "sinter.packing_failed") with the pointer under `path`.
std::vector<Particle> MakeParticles(const StructureSpec& spec, const Grid& grid,
                                    const std::string& path);

// Slot of each particle: grains in one slot are separated by at least `buffer` (surface to
// surface). Throws InputError "sinter.too_few_order_parameters" when num_slots do not suffice.
std::vector<int> AssignSlots(const std::vector<Particle>& particles, int num_slots, double buffer,
                             const std::string& path);

// Fills ρ and η: each particle a tanh profile ½[1 − tanh(2(|r − c| − R)/w)], a point's η only in
// the slot of its dominant particle, ρ the largest profile. For kCircularGrain, ρ = 1 everywhere
// and slot 1 holds the matrix grain 1 − η₀.
void FillState(const std::vector<Particle>& particles, const std::vector<int>& slots,
               double interface_width, bool dense_matrix, State& state);

}  // namespace kyoso::sim::sinter

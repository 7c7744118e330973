// Initial microstructures: two particles (equal or unequal radii), chains, seeded random packings
// of discs/spheres with a size distribution, or an explicit list; each particle is one grain or
// polycrystalline (a seeded Voronoi tessellation of the particle into grains). Particles become
// smooth tanh profiles of ρ, and each grain is put into an order-parameter slot so that grains
// sharing a slot stay apart (greedy graph colouring).
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
  int grains_per_particle = 1;  // > 1: each particle a Voronoi polycrystal of this many grains
};

// One grain of a polycrystalline particle: the Voronoi cell of `seed` among the seeds of the same
// particle, clipped to the particle.
struct GrainSeed {
  int particle = 0;                     // index into the particle list
  std::array<double, 3> seed{0, 0, 0};  // Voronoi seed (inside the particle)
};

// The particles of a structure in a box, centred in the box. Throws InputError ("sinter.particle_
// outside", "sinter.overlap", "sinter.packing_failed") with the pointer under `path`.
std::vector<Particle> MakeParticles(const StructureSpec& spec, const Grid& grid,
                                    const std::string& path);

// Voronoi seeds of `grains_per_particle` grains in every particle (particle-major), drawn
// uniformly in each particle with a minimum spacing R·N^(−1/dims) (random sequential addition),
// from Rng(seed).Split(1); empty when grains_per_particle is 1 (each particle is one grain).
std::vector<GrainSeed> MakeGrainSeeds(const StructureSpec& spec, int dims,
                                      const std::vector<Particle>& particles);

// Bounding spheres of the grains on the grid (centre: mean of the grid points of the grain's
// Voronoi cell inside its particle's initial profile, radius: their largest distance from it plus
// half a cell), for AssignSlots; conservative, so grains sharing a slot keep at least the buffer.
std::vector<Particle> GrainBounds(const std::vector<Particle>& particles,
                                  const std::vector<GrainSeed>& seeds, double interface_width,
                                  const Grid& grid);

// Slot of each particle (or grain bounding sphere): grains in one slot are separated by at least
// `buffer` (surface to surface). Throws InputError "sinter.too_few_order_parameters" when num_slots
// do not suffice.
std::vector<int> AssignSlots(const std::vector<Particle>& particles, int num_slots, double buffer,
                             const std::string& path);

// Fills ρ and η: each particle a tanh profile ½[1 − tanh(2(|r − c| − R)/w)], a point's η only in
// the slot of its dominant particle, ρ the largest profile. For kCircularGrain, ρ = 1 everywhere
// and slot 1 holds the matrix grain 1 − η₀. `slots`: one per particle.
void FillState(const std::vector<Particle>& particles, const std::vector<int>& slots,
               double interface_width, bool dense_matrix, State& state);

// Polycrystalline particles: as above, but a point's η goes to the slot of the grain whose seed
// (among the seeds of the dominant particle) is nearest, so Σ η_i² = ρ² everywhere and grain
// boundaries inside a particle are sharp at t = 0. `slots`: one per seed. With no seeds this is
// the one-grain-per-particle fill.
void FillState(const std::vector<Particle>& particles, const std::vector<GrainSeed>& seeds,
               const std::vector<int>& slots, double interface_width, State& state);

}  // namespace kyoso::sim::sinter

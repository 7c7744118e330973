// Seeded random numbers that are identical on every platform and standard library: xoshiro256**
// seeded through SplitMix64 (Blackman & Vigna 2018), with our own uniform and normal transforms
// because std::*_distribution output differs between library implementations. Every random choice
// in kyoso takes an Rng built from an Options::seed; there is no global generator.
#pragma once

#include <cstdint>

namespace kyoso {

class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  // A generator for an independent stream derived from this seed and `stream` (does not advance
  // this generator): use it to give each restart/thread/batch slot its own reproducible numbers.
  Rng Split(std::uint64_t stream) const;

  std::uint64_t NextU64();
  // Uniform on [0, 1) with 53 random bits.
  double Uniform();
  // Uniform on [low, high).
  double Uniform(double low, double high);
  // Uniform integer in [0, n); n > 0. Unbiased (Lemire's rejection method).
  std::uint64_t UniformInt(std::uint64_t n);
  // Standard normal by the polar Box-Muller method.
  double Normal();

 private:
  Rng() = default;
  std::uint64_t state_[4] = {0, 0, 0, 0};
  std::uint64_t seed_ = 0;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace kyoso

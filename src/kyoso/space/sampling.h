// Space-filling designs on the unit cube and feasible initial designs of a Space: scrambled Sobol
// sequences (Joe-Kuo 2008 direction numbers; random linear scrambling with a digital shift,
// Matousek 1998) and maximin Latin hypercubes (McKay, Beckman & Conover 1979; Morris & Mitchell
// 1995). SampleFeasible decodes such points, snaps them to grids and keeps the distinct feasible
// ones (rejection). It is the engine's initial design and the optimizer's candidate source.
// See docs/methods/space.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "kyoso/space/space.h"

namespace kyoso::space {

enum class SamplingMethod { kSobol, kLatinHypercube };
std::string ToString(SamplingMethod method);  // "sobol", "lhs"
std::optional<SamplingMethod> ParseSamplingMethod(std::string_view text);

// Largest dimension with tabulated direction numbers.
int SobolMaxDimension();

// A Sobol sequence in [0, 1)^dim, 32-bit digits, generated in Gray-code order (Antonov & Saleev
// 1979). Unscrambled, point 0 is the origin and the points equal Joe & Kuo's published sequence;
// scrambled (a seed given), each coordinate is multiplied by a random lower-triangular binary
// matrix and XOR-ed with a random digital shift, which keeps the (t, s)-net structure.
// Throws InputError "sampling.dimension" when dim < 1 or dim > SobolMaxDimension().
class SobolSequence {
 public:
  explicit SobolSequence(int dim, std::optional<std::uint64_t> scramble_seed = std::nullopt);
  int dim() const { return dim_; }
  // Writes the next point into out[0..dim).
  void Next(double* out);
  // The next n points as an n x dim matrix.
  Eigen::MatrixXd Draw(int n);

 private:
  int dim_;
  std::uint64_t index_ = 0;
  std::vector<std::uint32_t> directions_;  // dim x 32, row-major
  std::vector<std::uint32_t> state_;
};

// An n x dim Latin hypercube in [0, 1)^dim: each coordinate has one point per stratum
// [k/n, (k+1)/n). Among `num_tries` random ones, the one with the largest minimum pairwise distance
// (maximin, Morris & Mitchell 1995) is returned.
Eigen::MatrixXd LatinHypercube(int n, int dim, std::uint64_t seed, int num_tries = 10);

enum class SampleStatus {
  kComplete,         // n points found
  kPartial,          // fewer than n distinct feasible points found within the draw budget
  kNoFeasiblePoint,  // none found
};
std::string ToString(SampleStatus status);  // "complete", "partial", "no_feasible_point"

struct SampleResult {
  std::vector<std::vector<double>> points;  // distinct, snapped, feasible raw points
  SampleStatus status = SampleStatus::kComplete;
  long long num_draws = 0;  // candidate points tried
  std::string message;
};

// Up to n distinct feasible raw points, snapped to grids, in the order drawn: space-filling points
// of the encoding decoded by Space::Decode, rejected when infeasible, equal to an earlier point or
// to one of `exclude` (e.g. measured and pending experiments). Draws at most `max_draws` candidates
// (0: max(4096, 256 n)). Never throws for an infeasible or small space; the status says so.
SampleResult SampleFeasible(const Space& space, int n, std::uint64_t seed,
                            SamplingMethod method = SamplingMethod::kSobol,
                            const std::vector<std::vector<double>>& exclude = {},
                            long long max_draws = 0);

}  // namespace kyoso::space

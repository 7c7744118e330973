// Sobol and Latin-hypercube designs, and feasible sampling by rejection (sampling.h).
#include "kyoso/space/sampling.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <set>

#include "kyoso/base/error.h"
#include "kyoso/base/rng.h"
#include "kyoso/space/detail/sobol_directions.h"

namespace kyoso::space {

namespace {
constexpr int kBits = 32;
constexpr double kTwoToMinus32 = 1.0 / 4294967296.0;
}  // namespace

std::string ToString(SamplingMethod method) {
  return method == SamplingMethod::kSobol ? "sobol" : "lhs";
}

std::optional<SamplingMethod> ParseSamplingMethod(std::string_view text) {
  if (text == "sobol") return SamplingMethod::kSobol;
  if (text == "lhs") return SamplingMethod::kLatinHypercube;
  return std::nullopt;
}

std::string ToString(SampleStatus status) {
  switch (status) {
    case SampleStatus::kComplete:
      return "complete";
    case SampleStatus::kPartial:
      return "partial";
    case SampleStatus::kNoFeasiblePoint:
      return "no_feasible_point";
  }
  return "?";
}

int SobolMaxDimension() { return detail::kSobolMaxDim; }

SobolSequence::SobolSequence(int dim, std::optional<std::uint64_t> scramble_seed) : dim_(dim) {
  if (dim < 1 || dim > detail::kSobolMaxDim) {
    throw InputError("", "sampling.dimension",
                     "Sobol dimension must be in [1, " + std::to_string(detail::kSobolMaxDim) +
                         "], got " + std::to_string(dim));
  }
  directions_.assign(static_cast<std::size_t>(dim) * kBits, 0);
  for (int j = 0; j < dim; ++j) {
    std::uint32_t* v = &directions_[static_cast<std::size_t>(j) * kBits];
    if (j == 0) {
      for (int k = 0; k < kBits; ++k) v[k] = 1u << (kBits - 1 - k);
      continue;
    }
    // Joe & Kuo (2008): degree s, coefficients a, initial m_1..m_s; v_k = m_k / 2^k.
    const std::uint32_t poly = detail::kSobolPoly[j];
    const int s = std::bit_width(poly) - 1;
    const std::uint32_t a = (poly >> 1) & ((1u << (s - 1)) - 1u);
    for (int k = 0; k < std::min(s, kBits); ++k) {
      v[k] = static_cast<std::uint32_t>(detail::kSobolInit[j][k]) << (kBits - 1 - k);
    }
    for (int k = s; k < kBits; ++k) {
      v[k] = v[k - s] ^ (v[k - s] >> s);
      for (int l = 1; l < s; ++l) {
        if ((a >> (s - 1 - l)) & 1u) v[k] ^= v[k - l];
      }
    }
  }
  state_.assign(static_cast<std::size_t>(dim), 0);
  if (scramble_seed) {
    // Matousek (1998) random linear scramble: digit r (most significant first) of the scrambled
    // direction is sum_{t <= r} L[r][t] digit_t mod 2, L random lower triangular with unit
    // diagonal; then a random digital shift (XOR) of the whole sequence.
    Rng rng(*scramble_seed);
    for (int j = 0; j < dim; ++j) {
      std::uint32_t masks[kBits];
      for (int r = 0; r < kBits; ++r) {
        const std::uint32_t above = r == 0 ? 0u : ~0u << (kBits - r);
        masks[r] = (1u << (kBits - 1 - r)) | (static_cast<std::uint32_t>(rng.NextU64()) & above);
      }
      std::uint32_t* v = &directions_[static_cast<std::size_t>(j) * kBits];
      for (int k = 0; k < kBits; ++k) {
        std::uint32_t scrambled = 0;
        for (int r = 0; r < kBits; ++r) {
          if (std::popcount(masks[r] & v[k]) & 1) scrambled |= 1u << (kBits - 1 - r);
        }
        v[k] = scrambled;
      }
      state_[static_cast<std::size_t>(j)] = static_cast<std::uint32_t>(rng.NextU64() >> 32);
    }
  }
}

void SobolSequence::Next(double* out) {
  for (int j = 0; j < dim_; ++j) out[j] = state_[static_cast<std::size_t>(j)] * kTwoToMinus32;
  // Gray-code update: x_{i+1} = x_i XOR v_c, c = index of the lowest set bit of i + 1.
  ++index_;
  if (index_ >= (std::uint64_t{1} << kBits)) index_ = 1;  // the period is exhausted; wrap
  const int c = std::countr_zero(index_);
  for (int j = 0; j < dim_; ++j) {
    state_[static_cast<std::size_t>(j)] ^= directions_[static_cast<std::size_t>(j) * kBits + c];
  }
}

Eigen::MatrixXd SobolSequence::Draw(int n) {
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> points(n, dim_);
  for (int i = 0; i < n; ++i) Next(points.row(i).data());
  return points;
}

Eigen::MatrixXd LatinHypercube(int n, int dim, std::uint64_t seed, int num_tries) {
  if (n < 1 || dim < 1) return Eigen::MatrixXd(std::max(n, 0), std::max(dim, 0));
  Rng rng(seed);
  Eigen::MatrixXd best;
  double best_distance = -1;
  const int tries = n > 2000 ? 1 : std::max(num_tries, 1);
  std::vector<int> perm(static_cast<std::size_t>(n));
  for (int t = 0; t < tries; ++t) {
    Eigen::MatrixXd x(n, dim);
    for (int j = 0; j < dim; ++j) {
      for (int i = 0; i < n; ++i) perm[static_cast<std::size_t>(i)] = i;
      for (int i = n - 1; i > 0; --i) {  // Fisher-Yates
        const auto k = static_cast<std::size_t>(rng.UniformInt(static_cast<std::uint64_t>(i) + 1));
        std::swap(perm[static_cast<std::size_t>(i)], perm[k]);
      }
      for (int i = 0; i < n; ++i) x(i, j) = (perm[static_cast<std::size_t>(i)] + rng.Uniform()) / n;
    }
    double min_distance = std::numeric_limits<double>::infinity();
    for (int a = 0; a < n && tries > 1; ++a) {
      for (int b = a + 1; b < n; ++b)
        min_distance = std::min(min_distance, (x.row(a) - x.row(b)).squaredNorm());
    }
    if (min_distance > best_distance) {
      best_distance = min_distance;
      best = std::move(x);
    }
  }
  return best;
}

SampleResult SampleFeasible(const Space& space, int n, std::uint64_t seed, SamplingMethod method,
                            const std::vector<std::vector<double>>& exclude, long long max_draws) {
  SampleResult result;
  if (n <= 0 || space.num_parameters() == 0) {
    result.message = "no points requested";
    return result;
  }
  if (max_draws <= 0) max_draws = std::max<long long>(4096, 256LL * n);
  const int dim = space.encoded_dim();
  if (dim > SobolMaxDimension()) method = SamplingMethod::kLatinHypercube;
  std::set<std::vector<double>> seen;
  for (const auto& x : exclude) {
    if (static_cast<int>(x.size()) == space.num_parameters()) seen.insert(space.Snap(x));
  }
  std::optional<SobolSequence> sobol;
  if (method == SamplingMethod::kSobol) sobol.emplace(dim, seed);
  Eigen::VectorXd u(dim);
  Eigen::MatrixXd block;
  int block_row = 0;
  std::uint64_t block_index = 0;
  const Rng streams(seed);
  while (static_cast<int>(result.points.size()) < n && result.num_draws < max_draws) {
    if (sobol) {
      sobol->Next(u.data());
    } else {
      if (block_row >= block.rows()) {
        block = LatinHypercube(std::max(n, 64), dim, streams.Split(block_index++).NextU64());
        block_row = 0;
      }
      u = block.row(block_row++).transpose();
    }
    ++result.num_draws;
    std::vector<double> x = space.Decode(u);
    if (!space.IsFeasible(x)) continue;
    if (!seen.insert(x).second) continue;
    result.points.push_back(std::move(x));
  }
  const int found = static_cast<int>(result.points.size());
  if (found == n) {
    result.status = SampleStatus::kComplete;
  } else {
    result.status = found == 0 ? SampleStatus::kNoFeasiblePoint : SampleStatus::kPartial;
    result.message = "found " + std::to_string(found) + " of " + std::to_string(n) +
                     " distinct feasible points in " + std::to_string(result.num_draws) +
                     " draws (constraints too tight or grid too small?)";
  }
  return result;
}

}  // namespace kyoso::space

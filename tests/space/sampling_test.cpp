// Tests of the designs: the unscrambled Sobol sequence against Joe & Kuo's published one, the net
// property of scrambled Sobol points, Latin-hypercube stratification, and feasible sampling on
// random constrained mixed spaces.
#include "kyoso/space/sampling.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "kyoso/base/error.h"
#include "kyoso/base/rng.h"
#include "support/expect_close.h"

namespace kyoso::space {
namespace {

using kyoso::testing::ExpectClose;

TEST(Sobol, FirstPointsMatchPublishedJoeKuoSequence) {
  // Unscrambled Sobol points with the new-joe-kuo-6.21201 direction numbers (Joe & Kuo 2008),
  // Gray-code order, as tabulated by Joe & Kuo's sobol.cc and reproduced by
  // scipy.stats.qmc.Sobol(d, scramble=False). Exact dyadic rationals.
  const double expected[8][4] = {
      {0, 0, 0, 0},
      {0.5, 0.5, 0.5, 0.5},
      {0.75, 0.25, 0.25, 0.25},
      {0.25, 0.75, 0.75, 0.75},
      {0.375, 0.375, 0.625, 0.875},
      {0.875, 0.875, 0.125, 0.375},
      {0.625, 0.125, 0.875, 0.625},
      {0.125, 0.625, 0.375, 0.125},
  };
  SobolSequence sobol(4);
  Eigen::MatrixXd x = sobol.Draw(8);
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 4; ++j) ExpectClose(x(i, j), expected[i][j], 0, 0);
  }
}

TEST(Sobol, HigherDimensionsMatchPublishedSequence) {
  // Points 5, 13, 31 in dimensions 5, 10, 20, 40 (0-based 4, 9, 19, 39) of the same sequence,
  // as integers times 2^-32 (scipy.stats.qmc.Sobol(40, scramble=False)).
  SobolSequence sobol(40);
  Eigen::MatrixXd x = sobol.Draw(32);
  const int rows[3] = {5, 13, 31};
  const int cols[4] = {4, 9, 19, 39};
  const double expected[3][4] = {{3758096384., 536870912., 2684354560., 1610612736.},
                                 {1879048192., 1879048192., 4026531840., 4026531840.},
                                 {4160749568., 2550136832., 3087007744., 1476395008.}};
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 4; ++c) {
      ExpectClose(x(rows[r], cols[c]) * 4294967296.0, expected[r][c], 0, 0);
    }
  }
}

TEST(Sobol, ScrambledPointsKeepOnePointPerDyadicInterval) {
  // A linear scramble with digital shift preserves the (0, m, 1)-net property of each coordinate
  // (Matousek 1998): the first 2^m points put exactly one point in each [k/2^m, (k+1)/2^m).
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    SobolSequence sobol(7, seed);
    Eigen::MatrixXd x = sobol.Draw(64);
    for (int j = 0; j < 7; ++j) {
      std::set<int> cells;
      for (int i = 0; i < 64; ++i) {
        ASSERT_GE(x(i, j), 0.0);
        ASSERT_LT(x(i, j), 1.0);
        cells.insert(static_cast<int>(x(i, j) * 64));
      }
      EXPECT_EQ(cells.size(), 64u) << "seed " << seed << " dim " << j;
    }
  }
  SobolSequence a(3, 5), b(3, 5), c(3, 6);
  Eigen::MatrixXd xa = a.Draw(10), xb = b.Draw(10), xc = c.Draw(10);
  EXPECT_EQ(xa, xb);
  EXPECT_NE(xa, xc);
  EXPECT_THROW(SobolSequence(SobolMaxDimension() + 1), InputError);
}

TEST(LatinHypercube, OnePointPerStratumInEveryCoordinate) {
  Eigen::MatrixXd x = LatinHypercube(17, 4, 9);
  for (int j = 0; j < 4; ++j) {
    std::set<int> strata;
    for (int i = 0; i < 17; ++i) strata.insert(static_cast<int>(x(i, j) * 17));
    EXPECT_EQ(strata.size(), 17u);
  }
  EXPECT_EQ(LatinHypercube(17, 4, 9), x);
}

// A random mixed space with random linear and nonlinear constraints that keep some feasible room
// (each constraint is satisfied by a hidden reference point).
Space RandomSpace(Rng& rng) {
  std::vector<Parameter> params;
  const int d = 2 + static_cast<int>(rng.UniformInt(4));
  for (int i = 0; i < d; ++i) {
    Parameter p;
    p.name = "p" + std::to_string(i);
    const double low = rng.Uniform(0.5, 10);
    const double high = low + rng.Uniform(1, 50);
    switch (rng.UniformInt(4)) {
      case 0:
        p.kind = ParameterKind::kContinuous;
        p.low = low, p.high = high;
        if (rng.Uniform() < 0.3) p.scale = Scale::kLog;
        break;
      case 1:
        p.kind = ParameterKind::kInteger;
        p.low = std::floor(low), p.high = std::floor(high);
        break;
      case 2:
        p.kind = ParameterKind::kDiscrete;
        p.low = low, p.high = high,
        p.step = (high - low) / (2 + static_cast<double>(rng.UniformInt(20)));
        break;
      default:
        p.kind = ParameterKind::kCategorical;
        p.choices = {"a", "b", "c"};
        break;
    }
    params.push_back(p);
  }
  std::vector<std::string> constraints;
  std::vector<int> numeric;
  for (int i = 0; i < d; ++i) {
    if (params[static_cast<std::size_t>(i)].kind != ParameterKind::kCategorical)
      numeric.push_back(i);
  }
  if (numeric.size() >= 2) {
    const std::string a = params[static_cast<std::size_t>(numeric[0])].name;
    const std::string b = params[static_cast<std::size_t>(numeric[1])].name;
    const double mid_a = (params[static_cast<std::size_t>(numeric[0])].low +
                          params[static_cast<std::size_t>(numeric[0])].high) /
                         2;
    const double mid_b = (params[static_cast<std::size_t>(numeric[1])].low +
                          params[static_cast<std::size_t>(numeric[1])].high) /
                         2;
    constraints.push_back(a + " + 0.5*" + b + " <= " + std::to_string(mid_a + 0.5 * mid_b));
    constraints.push_back(a + " * " + b + " >= " + std::to_string(0.3 * mid_a * mid_b));
    constraints.push_back("sqrt(" + a + ") - log(" + b + ") < " + std::to_string(std::sqrt(mid_a)));
  }
  return Space::Create(params, constraints);
}

TEST(SampleFeasible, EveryPointIsSnappedFeasibleAndDistinctOnRandomProblems) {
  Rng rng(31337);
  for (int problem = 0; problem < 25; ++problem) {
    Space space = RandomSpace(rng);
    for (SamplingMethod method : {SamplingMethod::kSobol, SamplingMethod::kLatinHypercube}) {
      SampleResult result =
          SampleFeasible(space, 20, 100 + static_cast<std::uint64_t>(problem), method);
      std::set<std::vector<double>> distinct;
      for (const auto& x : result.points) {
        EXPECT_EQ(space.Snap(x), x);
        for (const Constraint& c : space.constraints()) {
          EXPECT_TRUE(c.IsSatisfied(x)) << c.text() << " at " << space.Format(x);
        }
        distinct.insert(x);
      }
      EXPECT_EQ(distinct.size(), result.points.size());
      if (result.status == SampleStatus::kComplete) {
        EXPECT_EQ(result.points.size(), 20u);
      }
    }
  }
}

TEST(SampleFeasible, ReportsPartialAndInfeasibleInsteadOfFailing) {
  Space small =
      Space::Create({{.name = "n", .kind = ParameterKind::kInteger, .low = 1, .high = 3}}, {});
  SampleResult partial = SampleFeasible(small, 5, 1);
  EXPECT_EQ(partial.status, SampleStatus::kPartial);
  EXPECT_EQ(partial.points.size(), 3u);  // the whole grid
  SampleResult excluded = SampleFeasible(small, 5, 1, SamplingMethod::kSobol, {{2}, {7}});
  // 2 and the snapped 7 (= 3) are excluded, leaving only 1.
  ASSERT_EQ(excluded.points.size(), 1u);
  EXPECT_EQ(excluded.points[0], std::vector<double>{1});

  Space infeasible = Space::Create(
      {{.name = "x", .kind = ParameterKind::kContinuous, .low = 0, .high = 1}}, {"x >= 2"});
  SampleResult none = SampleFeasible(infeasible, 4, 1, SamplingMethod::kSobol, {}, 500);
  EXPECT_EQ(none.status, SampleStatus::kNoFeasiblePoint);
  EXPECT_TRUE(none.points.empty());
  EXPECT_EQ(none.num_draws, 500);
  EXPECT_FALSE(none.message.empty());
}

TEST(SampleFeasible, SameSeedSamePoints) {
  Rng rng(5);
  Space space = RandomSpace(rng);
  EXPECT_EQ(SampleFeasible(space, 10, 3).points, SampleFeasible(space, 10, 3).points);
  EXPECT_NE(SampleFeasible(space, 10, 3).points, SampleFeasible(space, 10, 4).points);
}

}  // namespace
}  // namespace kyoso::space

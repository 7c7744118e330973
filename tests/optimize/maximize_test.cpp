// Tests of MaximizeAcquisition against brute force: on pure-grid spaces every feasible point can be
// enumerated, so the best feasible (non-excluded, fixed-respecting) point is a closed-form oracle.
// The acquisition here is an analytic test function on the unit cube (no GP), so the tests check
// the optimizer alone.
#include "kyoso/optimize/maximize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "kyoso/base/rng.h"
#include "support/expect_close.h"

namespace kyoso::optimize {
namespace {

using kyoso::testing::ExpectClose;
using space::ParameterKind;

// a(u) = -sum_k w_k (u_k - c_k)^2 + sum_k b_k sin(3 u_k): smooth, multimodal enough, analytic
// gradient.
class TestAcquisition final : public acquisition::Acquisition {
 public:
  TestAcquisition(Eigen::VectorXd center, Eigen::VectorXd weight, Eigen::VectorXd wave)
      : c_(std::move(center)), w_(std::move(weight)), b_(std::move(wave)) {}
  int dim() const override { return static_cast<int>(c_.size()); }
  acquisition::Scale scale() const override { return acquisition::Scale::kLinear; }
  double Evaluate(const Eigen::VectorXd& u, Eigen::VectorXd* gradient) const override {
    double value = 0;
    if (gradient != nullptr) gradient->resize(u.size());
    for (Eigen::Index k = 0; k < u.size(); ++k) {
      const double d = u[k] - c_[k];
      value += -w_[k] * d * d + b_[k] * std::sin(3 * u[k]);
      if (gradient != nullptr) (*gradient)[k] = -2 * w_[k] * d + 3 * b_[k] * std::cos(3 * u[k]);
    }
    return value;
  }
  Eigen::VectorXd EvaluateMany(const Eigen::MatrixXd& x) const override {
    Eigen::VectorXd values(x.rows());
    for (Eigen::Index i = 0; i < x.rows(); ++i) values[i] = Evaluate(x.row(i).transpose(), nullptr);
    return values;
  }

 private:
  Eigen::VectorXd c_, w_, b_;
};

TestAcquisition RandomAcquisition(int dim, Rng& rng) {
  Eigen::VectorXd c(dim), w(dim), b(dim);
  for (int k = 0; k < dim; ++k) {
    c[k] = rng.Uniform(-0.2, 1.2);
    w[k] = rng.Uniform(0.5, 3);
    b[k] = rng.Uniform(-0.3, 0.3);
  }
  return TestAcquisition(c, w, b);
}

// Best value over every feasible grid point that is not excluded and respects `fixed`.
double BruteForce(const space::Space& space, const acquisition::Acquisition& a,
                  const FixedValues& fixed, const std::set<std::vector<double>>& exclude) {
  double best = -std::numeric_limits<double>::infinity();
  std::vector<long long> k(static_cast<std::size_t>(space.num_parameters()), 0);
  while (true) {
    std::vector<double> x;
    for (int i = 0; i < space.num_parameters(); ++i)
      x.push_back(space.GridValue(i, k[static_cast<std::size_t>(i)]));
    bool respects = true;
    for (std::size_t i = 0; i < fixed.size(); ++i) {
      if (fixed[i] && *fixed[i] != x[i]) respects = false;
    }
    if (respects && space.IsFeasible(x) && exclude.count(x) == 0) {
      best = std::max(best, a.Evaluate(space.Encode(x), nullptr));
    }
    int i = 0;
    while (i < space.num_parameters() && ++k[static_cast<std::size_t>(i)] == space.GridSize(i)) {
      k[static_cast<std::size_t>(i)] = 0;
      ++i;
    }
    if (i == space.num_parameters()) break;
  }
  return best;
}

space::Space GridSpace() {
  return space::Space::Create(
      {{.name = "n", .kind = ParameterKind::kInteger, .low = 1, .high = 9},
       {.name = "t", .kind = ParameterKind::kDiscrete, .low = 500, .high = 700, .step = 25},
       {.name = "gas", .kind = ParameterKind::kCategorical, .choices = {"Ar", "N2", "vac"}},
       {.name = "r", .kind = ParameterKind::kDiscrete, .low = 0.1, .high = 1.0, .step = 0.1}},
      {"t - 30*n <= 520", "n * r >= 1.5"});
}

TEST(MaximizeAcquisition, FindsTheBruteForceOptimumOnConstrainedGrids) {
  // Oracle: exhaustive enumeration of the 9 * 9 * 3 * 10 grid; the optimizer must match it
  // exactly (same point value) on most random acquisitions and never return an infeasible point.
  space::Space space = GridSpace();
  Rng rng(77);
  int exact = 0;
  for (int trial = 0; trial < 20; ++trial) {
    TestAcquisition a = RandomAcquisition(space.encoded_dim(), rng);
    MaximizeOptions options;
    options.num_candidates = 256;
    options.seed = static_cast<std::uint64_t>(trial);
    auto best = MaximizeAcquisition(space, a, {}, {}, options);
    ASSERT_TRUE(best.has_value());
    EXPECT_TRUE(space.IsFeasible(best->params));
    EXPECT_EQ(space.Snap(best->params), best->params);
    const double oracle = BruteForce(space, a, {}, {});
    EXPECT_LE(best->value, oracle + 1e-12);
    if (best->value >= oracle - 1e-12) ++exact;
  }
  EXPECT_GE(exact, 19);  // hill climbing may stop at a grid-local optimum at most once in 20
}

TEST(MaximizeAcquisition, RespectsExclusionAndFixedValues) {
  space::Space space = GridSpace();
  Rng rng(5);
  TestAcquisition a = RandomAcquisition(space.encoded_dim(), rng);
  MaximizeOptions options;
  auto first = MaximizeAcquisition(space, a, {}, {}, options);
  ASSERT_TRUE(first.has_value());
  std::set<std::vector<double>> exclude = {first->params};
  auto second = MaximizeAcquisition(space, a, {}, exclude, options);
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(second->params, first->params);
  ExpectClose(second->value, BruteForce(space, a, {}, exclude), 0, 1e-12);

  FixedValues fixed(4);
  fixed[1] = 600.0;  // t
  fixed[2] = 2.0;    // gas = vac
  auto constrained = MaximizeAcquisition(space, a, fixed, {}, options);
  ASSERT_TRUE(constrained.has_value());
  EXPECT_EQ(constrained->params[1], 600.0);
  EXPECT_EQ(constrained->params[2], 2.0);
  ExpectClose(constrained->value, BruteForce(space, a, fixed, {}), 0, 1e-12);
}

TEST(MaximizeAcquisition, ContinuousOptimumIsFoundByLbfgs) {
  // Concave quadratic, optimum c = (0.3, 0.7) (in the cube), plus an integer coordinate with its
  // optimum at grid value 2 (c = 1/3 of [1, 4]); value at the optimum is 0 (no wave term).
  space::Space space =
      space::Space::Create({{.name = "x", .kind = ParameterKind::kContinuous, .low = 0, .high = 10},
                            {.name = "y", .kind = ParameterKind::kContinuous, .low = -1, .high = 1},
                            {.name = "k", .kind = ParameterKind::kInteger, .low = 1, .high = 4}},
                           {});
  Eigen::VectorXd c(3), w(3), b = Eigen::VectorXd::Zero(3);
  c << 0.3, 0.7, 1.0 / 3.0;
  w << 1, 2, 1;
  TestAcquisition a(c, w, b);
  auto best = MaximizeAcquisition(space, a, {}, {}, {});
  ASSERT_TRUE(best.has_value());
  ExpectClose(best->params[0], 3.0, 1e-5);  // x = 0.3 * 10
  ExpectClose(best->params[1], 0.4, 1e-5);  // y = -1 + 0.7 * 2
  EXPECT_EQ(best->params[2], 2.0);
}

TEST(MaximizeAcquisition, ResultIsBitwiseIdenticalForOneTwoAndThreeThreads) {
  // The L-BFGS starts run in parallel and are reduced in start order: the point, its value and
  // the counters must not depend on the thread count (mixed space: relaxation, snapping, climb).
  space::Space space = space::Space::Create(
      {{.name = "x", .kind = ParameterKind::kContinuous, .low = 0, .high = 10},
       {.name = "y", .kind = ParameterKind::kContinuous, .low = -1, .high = 1},
       {.name = "k", .kind = ParameterKind::kInteger, .low = 1, .high = 6},
       {.name = "gas", .kind = ParameterKind::kCategorical, .choices = {"Ar", "N2"}}},
      {"x + 5*y <= 9"});
  Rng rng(12);
  for (int trial = 0; trial < 5; ++trial) {
    TestAcquisition a = RandomAcquisition(space.encoded_dim(), rng);
    MaximizeOptions options;
    options.num_candidates = 200;
    options.num_restarts = 7;
    options.seed = static_cast<std::uint64_t>(trial);
    options.num_threads = 1;
    MaximizeStats stats_one;
    const auto one = MaximizeAcquisition(space, a, {}, {}, options, &stats_one);
    ASSERT_TRUE(one.has_value());
    for (int threads : {2, 3}) {
      options.num_threads = threads;
      MaximizeStats stats;
      const auto other = MaximizeAcquisition(space, a, {}, {}, options, &stats);
      ASSERT_TRUE(other.has_value());
      EXPECT_EQ(one->params, other->params) << "trial " << trial << ", threads " << threads;
      EXPECT_EQ(one->value, other->value);  // bitwise
      EXPECT_EQ(stats_one.num_evaluations, stats.num_evaluations);
      EXPECT_EQ(stats_one.num_starts, stats.num_starts);
    }
  }
}

TEST(MaximizeAcquisition, RepairsSnappedOptimaThatBreakAConstraint) {
  // The relaxed optimum (x, y) = (0.5, 0.5) on the line x + y <= 1 has a neighbourhood where
  // snapping y to its grid would push x + y above 1; every returned point is feasible.
  space::Space space = space::Space::Create(
      {{.name = "x", .kind = ParameterKind::kContinuous, .low = 0, .high = 1},
       {.name = "y", .kind = ParameterKind::kDiscrete, .low = 0, .high = 1, .step = 0.3}},
      {"x + y <= 0.95", "x*x + y >= 0.2"});
  Rng rng(3);
  for (int trial = 0; trial < 20; ++trial) {
    Eigen::VectorXd c(2), w(2), b = Eigen::VectorXd::Zero(2);
    c << rng.Uniform(0.3, 1.2), rng.Uniform(0.3, 1.2);
    w << 1, 1;
    TestAcquisition a(c, w, b);
    MaximizeOptions options;
    options.seed = static_cast<std::uint64_t>(trial);
    auto best = MaximizeAcquisition(space, a, {}, {}, options);
    ASSERT_TRUE(best.has_value());
    EXPECT_TRUE(space.IsFeasible(best->params)) << space.Format(best->params);
  }
}

TEST(MaximizeAcquisition, ReturnsNothingWhenNoPointIsAllowed) {
  space::Space space = space::Space::Create(
      {{.name = "n", .kind = ParameterKind::kInteger, .low = 1, .high = 2}}, {"n >= 3"});
  TestAcquisition a(Eigen::VectorXd::Zero(1), Eigen::VectorXd::Ones(1), Eigen::VectorXd::Zero(1));
  EXPECT_FALSE(MaximizeAcquisition(space, a, {}, {}, {}).has_value());
  space::Space two = space::Space::Create(
      {{.name = "n", .kind = ParameterKind::kInteger, .low = 1, .high = 2}}, {});
  EXPECT_FALSE(MaximizeAcquisition(two, a, {}, {{1.0}, {2.0}}, {}).has_value());
}

}  // namespace
}  // namespace kyoso::optimize

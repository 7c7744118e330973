// Small seeded datasets shared by the gp tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>

#include <Eigen/Core>

#include "kyoso/base/rng.h"
#include "kyoso/gp/data.h"

namespace kyoso::gp::testing {

// n uniform points in [0, 1]^d (seeded) with outputs f(x).
inline Dataset MakeDataset(int n, int d, std::uint64_t seed,
                           const std::function<double(const Eigen::VectorXd&)>& f) {
  Rng rng(seed);
  Dataset data{Eigen::MatrixXd(n, d), Eigen::VectorXd(n)};
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < d; ++k) data.x(i, k) = rng.Uniform();
    data.y(i) = f(data.x.row(i).transpose());
  }
  return data;
}

// A smooth test function of every coordinate.
inline double SmoothFunction(const Eigen::VectorXd& x) {
  double value = 0;
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    value +=
        std::sin(3.0 * x(k) + 0.5 * static_cast<double>(k)) * (1.0 + 0.3 * static_cast<double>(k));
  }
  return 10.0 + 2.0 * value;
}

inline Hyperparameters MakeHyperparameters(int d, double log_lengthscale, double log_signal,
                                           double log_noise) {
  Hyperparameters h;
  h.log_lengthscales = Eigen::VectorXd::LinSpaced(d, log_lengthscale - 0.3, log_lengthscale + 0.3);
  h.log_signal_variance = log_signal;
  h.log_noise_variance = log_noise;
  return h;
}

}  // namespace kyoso::gp::testing

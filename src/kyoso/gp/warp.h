// Output warping: a monotone transform of the observed outputs before the GP sees them, so a
// skewed objective (a flat plateau with a few much better values, a long tail of failed runs)
// gets closer to the Gaussian marginals the GP assumes. The transform is Yeo & Johnson's power
// family (Biometrika 87 (2000) 954), fitted by maximum likelihood as in HEBO (Cowen-Rivers et al.,
// JAIR 74 (2022) 1269). Predictions are mapped back to user units by Gauss-Hermite quadrature.
// See docs/methods/gp.md §8.
#pragma once

#include <Eigen/Core>
#include <nlohmann/json.hpp>

namespace kyoso::gp {

// The Yeo-Johnson transform psi_lambda(x) (Yeo & Johnson 2000, Eq. 2.1):
//   x >= 0: ((x + 1)^lambda - 1) / lambda   (log(x + 1) at lambda = 0)
//   x <  0: -((1 - x)^(2 - lambda) - 1) / (2 - lambda)   (-log(1 - x) at lambda = 2)
// Increasing in x for every lambda; psi_1 is the identity. For lambda in [0, 2] it maps the real
// line onto itself, so the inverse is defined for every z.
double YeoJohnson(double x, double lambda);
double YeoJohnsonInverse(double z, double lambda);  // lambda in [0, 2]

// The maximum-likelihood lambda for the sample x (Yeo & Johnson 2000, §3: the profile
// log-likelihood -n/2 log(sigma_hat^2(lambda)) + (lambda - 1) sum sign(x_i) log(|x_i| + 1)),
// searched over [low, high] on a 0.05 grid and refined by golden-section search around the best
// grid point (the profile is not always unimodal). Needs x.size() >= 2.
double YeoJohnsonLambda(const Eigen::VectorXd& x, double low, double high);

// A fitted warp y -> z = sign * psi_lambda(sign * (y - center) / scale). `sign` = +1 when larger
// outputs are better, -1 when smaller are: the transform acts on the better-is-larger orientation,
// so it treats a maximization and the same problem negated alike. z is increasing in y.
struct OutputWarp {
  bool active = false;  // false: the identity (too few or constant outputs, or warping off)
  double lambda = 1;    // in [0, 2]
  double center = 0;    // sample mean of y
  double scale = 1;     // sample standard deviation of y (n - 1)
  double sign = 1;      // +1 larger is better, -1 smaller is better

  // Fits center, scale and lambda to y (the identity when fewer than 3 outputs or fewer than two
  // distinct values).
  static OutputWarp Fit(const Eigen::VectorXd& y, double sign);
  double Forward(double y) const;
  Eigen::VectorXd Forward(const Eigen::VectorXd& y) const;
  double Inverse(double z) const;
  // Mean and standard deviation in user units of Inverse(Z), Z ~ Normal(mean, stddev^2): what a
  // Gaussian prediction of the warped output says about y. 40-point Gauss-Hermite quadrature.
  // Inverse is C^1 with a jump in its second derivative where sign * (y - center) = 0, so the rule
  // converges algebraically, not exponentially: <= 6e-6 relative (tests/gp/warp_test.cpp), far
  // below any model error. stddev = 0 gives (Inverse(mean), 0).
  void Moments(double mean, double stddev, double* out_mean, double* out_stddev) const;
  // {"kind": "yeo_johnson" | "none", "lambda", "center", "scale", "sign"}
  nlohmann::json ToJson() const;
  // Reads the ToJson form (a stored suggestion's model["output_warp"]); throws InputError naming
  // the JSON path (prefix `path`): spec.missing / spec.type / spec.unknown_key (ObjectReader),
  // gp.output_warp when kind is unknown or lambda is outside [0, 2], scale <= 0 or sign not +-1.
  static OutputWarp FromJson(const nlohmann::json& json, const std::string& path = "");
};

}  // namespace kyoso::gp

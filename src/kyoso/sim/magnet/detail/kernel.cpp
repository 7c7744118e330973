// Loop kernels and cell quadrature of kernel.h; the rules are derived in docs/methods/magnet.md §3.
#include "kyoso/sim/magnet/detail/kernel.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace kyoso::sim::magnet::detail {

namespace {

constexpr int kMaxGaussOrder = 16;

struct GaussTables {
  std::array<std::array<double, kMaxGaussOrder>, kMaxGaussOrder + 1> nodes{};
  std::array<std::array<double, kMaxGaussOrder>, kMaxGaussOrder + 1> weights{};
  GaussTables() {
    // Newton iteration on the Legendre polynomial P_n (Golub-Welsch would do as well).
    for (int n = 1; n <= kMaxGaussOrder; ++n) {
      for (int i = 0; i < n; ++i) {
        double x = std::cos(kPi * (i + 0.75) / (n + 0.5));
        double dp = 1;
        for (int iteration = 0; iteration < 100; ++iteration) {
          double p0 = 1, p1 = x;
          for (int k = 2; k <= n; ++k) {
            const double p2 = ((2.0 * k - 1) * x * p1 - (k - 1.0) * p0) / k;
            p0 = p1;
            p1 = p2;
          }
          dp = n * (x * p1 - p0) / (x * x - 1);
          const double dx = p1 / dp;
          x -= dx;
          if (std::fabs(dx) < 1e-16) break;
        }
        // Map [-1, 1] to [0, 1].
        nodes[n][i] = 0.5 * (1 - x);
        weights[n][i] = 1.0 / ((1 - x * x) * dp * dp);
      }
    }
  }
};

const GaussTables& Tables() {
  static const GaussTables tables;
  return tables;
}

// f(m) = (1 - m/2) K(m) - E(m), with its power series for small m where the difference cancels:
// f = (pi/2) sum_n m^n [c_n 2n/(2n-1) - c_{n-1}/2], c_n = (binom(2n, n) / 4^n)^2.
double FluxShape(double m) {
  if (m < 0.05) {
    double c_prev = 1;  // c_0
    double power = m;
    double sum = 0;
    for (int n = 1; n <= 16; ++n) {
      const double ratio = (2.0 * n - 1) / (2.0 * n);
      const double c = c_prev * ratio * ratio;
      sum += power * (c * 2.0 * n / (2.0 * n - 1) - 0.5 * c_prev);
      c_prev = c;
      power *= m;
    }
    return 0.5 * kPi * sum;
  }
  const EllipticKE ke = CompleteEllipticKE(m);
  return (1 - 0.5 * m) * ke.k - ke.e;
}

double Distance(const Rect& cell, double r, double z) {
  const double dr = std::max({cell.r1 - r, 0.0, r - cell.r2});
  const double dz = std::max({cell.z1 - z, 0.0, z - cell.z2});
  return std::hypot(dr, dz);
}

double Size(const Rect& cell) { return std::max(cell.r2 - cell.r1, cell.z2 - cell.z1); }

// Gauss order for a smooth integrand whose nearest singularity is `ratio` cell sizes away: the
// tensor rule errs like (4 ratio)^(-2 order) (Bernstein-ellipse bound), kept below ~1e-7.
int FarOrder(double ratio) {
  if (ratio >= 12) return 2;
  if (ratio >= 5) return 3;
  if (ratio >= 2.5) return 4;
  return 6;
}

template <class Value, class Kernel>
Value TensorGauss(const Rect& cell, int order, const Kernel& kernel) {
  const GaussRule rule = Gauss01(order);
  const double dr = cell.r2 - cell.r1, dz = cell.z2 - cell.z1;
  Value sum{};
  for (int i = 0; i < order; ++i) {
    const double rs = cell.r1 + dr * rule.nodes[i];
    for (int j = 0; j < order; ++j) {
      const double zs = cell.z1 + dz * rule.nodes[j];
      sum += (rule.weights[i] * rule.weights[j]) * kernel(rs, zs);
    }
  }
  return (dr * dz) * sum;
}

// Signed integral over the rectangle with opposite corners (p, q) and (x, y), singular at (p, q):
// two Duffy triangles with apex (p, q), radial coordinate graded s = sigma^2 so that the 1/rho and
// log rho singularities of the loop kernels become smooth (sigma^3, sigma^3 log sigma factors).
// The angle is uniform in the polar variant (used for the 1/rho field kernel, whose angular peak
// in thin rectangles it flattens) and uniform in t = v/u otherwise (log kernel).
template <class Value, bool kPolar, class Kernel>
Value CornerDuffy(double p, double q, double x, double y, int order, const Kernel& kernel) {
  const double du = x - p, dv = y - q;
  if (du == 0 || dv == 0) return Value{};
  const GaussRule rule = Gauss01(order);
  if constexpr (!kPolar) {
    Value sum{};
    for (int i = 0; i < order; ++i) {
      const double sigma = rule.nodes[i];
      const double s = sigma * sigma;
      const double weight_s = rule.weights[i] * 2 * sigma * s;
      for (int j = 0; j < order; ++j) {
        const double t = rule.nodes[j];
        const double w = weight_s * rule.weights[j];
        sum += w * kernel(p + du * s, q + dv * s * t);  // triangle v <= u
        sum += w * kernel(p + du * s * t, q + dv * s);  // triangle u <= v
      }
    }
    return (du * dv) * sum;
  }
  const double adu = std::fabs(du), adv = std::fabs(dv);
  // Triangle 1: u = s, v = s t with tan(phi) = adv t / adu; triangle 2 swaps the roles.
  const double phi1 = std::atan2(adv, adu), phi2 = std::atan2(adu, adv);
  Value sum{};
  for (int j = 0; j < order; ++j) {
    const double a1 = phi1 * rule.nodes[j], a2 = phi2 * rule.nodes[j];
    const double t1 = adu / adv * std::tan(a1), t2 = adv / adu * std::tan(a2);
    const double c1 = std::cos(a1), c2 = std::cos(a2);
    const double dt1 = rule.weights[j] * phi1 * adu / (adv * c1 * c1);
    const double dt2 = rule.weights[j] * phi2 * adv / (adu * c2 * c2);
    for (int i = 0; i < order; ++i) {
      const double sigma = rule.nodes[i];
      const double s = sigma * sigma;
      const double weight_s = rule.weights[i] * 2 * sigma * s;  // ds = 2 sigma dsigma; Jacobian s
      sum += (weight_s * dt1) * kernel(p + du * s, q + dv * s * t1);
      sum += (weight_s * dt2) * kernel(p + du * s * t2, q + dv * s);
    }
  }
  return (du * dv) * sum;
}

double AspectRatio(const Rect& cell) {
  const double dr = cell.r2 - cell.r1, dz = cell.z2 - cell.z1;
  return std::max(dr, dz) / std::min(dr, dz);
}

// Integral over `cell` of a loop kernel at the field point P = (r, z). In the complex plane of the
// source radius the kernels are singular at a = r +- i h and at a = -r +- i h, i.e. at P and at
// its mirror P' = (-r, z) across the axis, so a tensor Gauss rule is used only on pieces whose
// distance to both points is at least `near_ratio` times their size (order from FarOrder). Other
// pieces are split: at P's coordinates first (so that P becomes a corner), then in quadrants or
// halves; a piece with P at a corner that is far enough from P' takes the graded Duffy rule.
// docs/methods/magnet.md §3.
template <class Value, bool kPolar, class Kernel>
Value Adaptive(const Rect& cell, double r, double z, const Quadrature& quadrature,
               const Kernel& kernel, int depth) {
  const double size = Size(cell);
  const double d_point = Distance(cell, r, z);
  const double d_mirror = Distance(cell, -r, z);
  const double ratio = std::min(d_point, d_mirror) / size;
  if (ratio >= quadrature.near_ratio || depth > 40) {
    return TensorGauss<Value>(cell, FarOrder(ratio), kernel);
  }
  Value sum{};
  // Split at P's coordinates when they cut the piece.
  const bool cut_r = r > cell.r1 && r < cell.r2;
  const bool cut_z = z > cell.z1 && z < cell.z2;
  if (cut_r || cut_z) {
    const double rs[3] = {cell.r1, cut_r ? r : cell.r2, cell.r2};
    const double zs[3] = {cell.z1, cut_z ? z : cell.z2, cell.z2};
    for (int i = 0; i < (cut_r ? 2 : 1); ++i) {
      for (int k = 0; k < (cut_z ? 2 : 1); ++k) {
        sum += Adaptive<Value, kPolar>(Rect{rs[i], rs[i + 1], zs[k], zs[k + 1]}, r, z, quadrature,
                                       kernel, depth + 1);
      }
    }
    return sum;
  }
  const bool corner = (r == cell.r1 || r == cell.r2) && (z == cell.z1 || z == cell.z2);
  const double aspect = AspectRatio(cell);
  if (corner && aspect <= 2 && d_mirror / size >= quadrature.near_ratio) {
    const int n = kPolar ? quadrature.field_near_order : quadrature.flux_near_order;
    const double far_r = r == cell.r1 ? cell.r2 : cell.r1;
    const double far_z = z == cell.z1 ? cell.z2 : cell.z1;
    // The signed corner integral has the orientation of (far - P) in both directions.
    const double sign = ((far_r - r) > 0) == ((far_z - z) > 0) ? 1.0 : -1.0;
    return sign * CornerDuffy<Value, kPolar>(r, z, far_r, far_z, n, kernel);
  }
  // Split elongated pieces across their long side, others in quadrants.
  const double dr = cell.r2 - cell.r1, dz = cell.z2 - cell.z1;
  const bool split_r = aspect <= 2 || dr > dz;
  const bool split_z = aspect <= 2 || dz > dr;
  const double rm = 0.5 * (cell.r1 + cell.r2), zm = 0.5 * (cell.z1 + cell.z2);
  const double rs[3] = {cell.r1, split_r ? rm : cell.r2, cell.r2};
  const double zs[3] = {cell.z1, split_z ? zm : cell.z2, cell.z2};
  for (int i = 0; i < (split_r ? 2 : 1); ++i) {
    for (int k = 0; k < (split_z ? 2 : 1); ++k) {
      sum += Adaptive<Value, kPolar>(Rect{rs[i], rs[i + 1], zs[k], zs[k + 1]}, r, z, quadrature,
                                     kernel, depth + 1);
    }
  }
  return sum;
}

template <class Value, bool kPolar, class Kernel>
Value CellIntegral(const Rect& cell, double r, double z, const Quadrature& quadrature,
                   const Kernel& kernel) {
  return Adaptive<Value, kPolar>(cell, r, z, quadrature, kernel, 0);
}

struct FieldValue {
  double bz = 0, br = 0;
  FieldValue& operator+=(const FieldValue& o) {
    bz += o.bz;
    br += o.br;
    return *this;
  }
  FieldValue& operator-=(const FieldValue& o) {
    bz -= o.bz;
    br -= o.br;
    return *this;
  }
  friend FieldValue operator*(double w, const FieldValue& v) { return {w * v.bz, w * v.br}; }
};

double GOnAxis(double h, double a) {
  if (h == 0 || a == 0) return 0;
  return h * std::asinh(a / std::fabs(h));
}

}  // namespace

GaussRule Gauss01(int order) {
  order = std::clamp(order, 1, kMaxGaussOrder);
  const GaussTables& tables = Tables();
  return {tables.nodes[order].data(), tables.weights[order].data(), order};
}

EllipticKE CompleteEllipticKE(double m) {
  double a = 1, b = std::sqrt(1 - m);
  double c = std::sqrt(m);
  double sum = 0.5 * c * c;  // 2^{n-1} c_n^2 at n = 0
  double power = 0.5;
  for (int n = 1; n < 40; ++n) {
    c = 0.5 * (a - b);
    const double next_a = 0.5 * (a + b);
    b = std::sqrt(a * b);
    a = next_a;
    power *= 2;
    sum += power * c * c;
    // c_{n+1} ~ c_n^2 / (4 a): once c_n < 1e-9 a the mean is converged to rounding.
    if (std::fabs(c) <= 1e-9 * a) break;
  }
  const double k = 0.5 * kPi / a;
  return {k, k * (1 - sum)};
}

double LoopFlux(double a, double zs, double r, double z) {
  const double h = z - zs;
  const double rho_plus_sq = (a + r) * (a + r) + h * h;
  const double m = 4 * a * r / rho_plus_sq;
  return kMu0 * std::sqrt(rho_plus_sq) * FluxShape(std::min(m, 1 - 1e-16));
}

Field LoopField(double a, double zs, double r, double z) {
  const double h = z - zs;
  const double rho_plus_sq = (a + r) * (a + r) + h * h;
  const double rho_minus_sq = (a - r) * (a - r) + h * h;
  const double m = std::min(4 * a * r / rho_plus_sq, 1 - 1e-16);
  const EllipticKE ke = CompleteEllipticKE(m);
  const double scale = kMu0 / (2 * kPi * std::sqrt(rho_plus_sq));
  Field field;
  field.bz = scale * (ke.k + (a * a - r * r - h * h) / rho_minus_sq * ke.e);
  field.br = scale * h / r * (-ke.k + (a * a + r * r + h * h) / rho_minus_sq * ke.e);
  return field;
}

double LoopFieldOnAxis(double a, double zs, double z) {
  const double h = z - zs;
  const double d = a * a + h * h;
  return kMu0 * a * a / (2 * d * std::sqrt(d));
}

double CellFieldOnAxis(const Rect& cell, double z) {
  const double h1 = z - cell.z1, h2 = z - cell.z2;
  return 0.5 * kMu0 *
         (GOnAxis(h1, cell.r2) - GOnAxis(h1, cell.r1) - GOnAxis(h2, cell.r2) +
          GOnAxis(h2, cell.r1));
}

double CellFlux(const Rect& cell, double r, double z, const Quadrature& quadrature) {
  if (r <= 0) return 0;  // 2 pi r A_phi vanishes on the axis
  return CellIntegral<double, false>(cell, r, z, quadrature,
                                     [r, z](double a, double zs) { return LoopFlux(a, zs, r, z); });
}

Field CellField(const Rect& cell, double r, double z, const Quadrature& quadrature) {
  if (r <= 0) return {CellFieldOnAxis(cell, z), 0.0};
  const FieldValue value =
      CellIntegral<FieldValue, true>(cell, r, z, quadrature, [r, z](double a, double zs) {
        const Field f = LoopField(a, zs, r, z);
        return FieldValue{f.bz, f.br};
      });
  return {value.bz, value.br};
}

double CellMutualInductance(const Rect& target, const Rect& source, const Quadrature& quadrature) {
  const double gap_r = std::max({source.r1 - target.r2, 0.0, target.r1 - source.r2});
  const double gap_z = std::max({source.z1 - target.z2, 0.0, target.z1 - source.z2});
  const double ratio = std::hypot(gap_r, gap_z) / std::max(Size(target), Size(source));
  if (ratio >= quadrature.near_ratio) {
    return TensorGauss<double>(target, FarOrder(ratio), [&](double r, double z) {
      return CellFlux(source, r, z, quadrature);
    });
  }
  // Near pairs: the flux of the source is analytic inside the target except for rho^2 log rho
  // terms at the source's corners, so the target is cut at the source's edge lines (corners
  // then sit at piece corners) and each piece takes a 5-point rule (docs/methods/magnet.md §3).
  std::vector<double> rs = {target.r1}, zs = {target.z1};
  for (double x : {source.r1, source.r2}) {
    if (x > target.r1 && x < target.r2) rs.push_back(x);
  }
  for (double x : {source.z1, source.z2}) {
    if (x > target.z1 && x < target.z2) zs.push_back(x);
  }
  rs.push_back(target.r2);
  zs.push_back(target.z2);
  std::sort(rs.begin(), rs.end());
  std::sort(zs.begin(), zs.end());
  double sum = 0;
  for (std::size_t i = 0; i + 1 < rs.size(); ++i) {
    for (std::size_t k = 0; k + 1 < zs.size(); ++k) {
      sum += TensorGauss<double>(
          Rect{rs[i], rs[i + 1], zs[k], zs[k + 1]}, 5,
          [&](double r, double z) { return CellFlux(source, r, z, quadrature); });
    }
  }
  return sum;
}

}  // namespace kyoso::sim::magnet::detail

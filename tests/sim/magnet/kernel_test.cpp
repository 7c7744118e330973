// Oracles for the loop kernels and the cell quadrature of sim/magnet/detail/kernel.h:
// elliptic-integral conventions, the current loop against direct Biot-Savart quadrature, and the
// static uniform-J axis field of issue 5 (closed form G(h)).
#include "kyoso/sim/magnet/detail/kernel.h"

#include <gtest/gtest.h>

#include <cmath>

#include "support/expect_close.h"

namespace kyoso::sim::magnet::detail {
namespace {

using kyoso::testing::ExpectClose;

// Direct Biot-Savart of a unit-current loop (radius a at zs) at (r, 0, z): the periodic trapezoid
// rule converges geometrically, so 4000 points are exact to rounding away from the wire.
Field BiotSavart(double a, double zs, double r, double z) {
  const int num = 4000;
  double bx = 0, bz = 0;
  for (int k = 0; k < num; ++k) {
    const double phi = 2 * kPi * k / num;
    const double dlx = -a * std::sin(phi), dly = a * std::cos(phi);  // per unit dphi
    const double dx = r - a * std::cos(phi), dy = -a * std::sin(phi), dz = z - zs;
    const double d3 = std::pow(dx * dx + dy * dy + dz * dz, 1.5);
    bx += (dly * dz) / d3;             // (dl x d)_x = dly dz - dlz dy
    bz += (dlx * dy - dly * dx) / d3;  // (dl x d)_z
  }
  const double scale = kMu0 / (4 * kPi) * 2 * kPi / num;
  return {scale * bz, scale * bx};
}

// 2 pi r A_phi by direct quadrature: A_phi = mu0 a / (4 pi) int cos(phi) / |x - x'| dphi.
double FluxBiotSavart(double a, double zs, double r, double z) {
  const int num = 4000;
  double sum = 0;
  for (int k = 0; k < num; ++k) {
    const double phi = 2 * kPi * k / num;
    const double d = std::sqrt(r * r + a * a - 2 * r * a * std::cos(phi) + (z - zs) * (z - zs));
    sum += std::cos(phi) / d;
  }
  return 2 * kPi * r * kMu0 * a / (4 * kPi) * sum * 2 * kPi / num;
}

TEST(CompleteEllipticKE, UsesTheParameterConvention) {
  // K(m = 0.5) = 1.8540746773013719 (DLMF 19.2; scipy.special.ellipk(0.5)); std::comp_ellint_1
  // takes the modulus k = sqrt(m). Tolerance: rounding.
  ExpectClose(CompleteEllipticKE(0.5).k, 1.8540746773013719, 1e-15);
  ExpectClose(std::comp_ellint_1(std::sqrt(0.5)), 1.8540746773013719, 1e-15);
  for (double m : {1e-6, 0.01, 0.3, 0.7, 0.99, 0.999999}) {
    const EllipticKE ke = CompleteEllipticKE(m);
    ExpectClose(ke.k, std::comp_ellint_1(std::sqrt(m)), 1e-11);
    ExpectClose(ke.e, std::comp_ellint_2(std::sqrt(m)), 1e-12);
  }
}

TEST(LoopField, MatchesOnAxisClosedForm) {
  // B = mu0 I a^2 / (2 (a^2 + z^2)^{3/2}) on the axis; the off-axis formula at r -> 0 tends to it.
  const double a = 0.015;
  for (double z : {0.0, 0.004, -0.02}) {
    ExpectClose(LoopFieldOnAxis(a, 0, z), kMu0 * a * a / (2 * std::pow(a * a + z * z, 1.5)), 1e-15);
    ExpectClose(LoopField(a, 0, 1e-7, z).bz, LoopFieldOnAxis(a, 0, z), 1e-9);
  }
}

TEST(LoopField, MatchesBiotSavartOffAxis) {
  // Elliptic formulas (Smythe 7.10) vs direct quadrature; tolerance 1e-10 relative.
  const double a = 0.01;
  for (auto [r, z] : {std::pair{0.003, 0.002}, {0.0099, 0.0003}, {0.02, -0.01}, {0.05, 0.08}}) {
    const Field f = LoopField(a, 0.001, r, z);
    const Field ref = BiotSavart(a, 0.001, r, z);
    ExpectClose(f.bz, ref.bz, 1e-10, 1e-12 * std::fabs(ref.br));
    ExpectClose(f.br, ref.br, 1e-10, 1e-12 * std::fabs(ref.bz));
  }
}

TEST(LoopFlux, MatchesBiotSavartVectorPotential) {
  // 2 pi r A_phi, including the small-m series branch (far points); tolerance 1e-10 relative.
  const double a = 0.01;
  for (auto [r, z] : {std::pair{0.003, 0.002}, {0.0099, 0.0003}, {0.001, 0.05}, {0.2, 0.0}}) {
    ExpectClose(LoopFlux(a, 0, r, z), FluxBiotSavart(a, 0, r, z), 1e-10);
    // Mutual inductance symmetry M(a, r) = M(r, a).
    ExpectClose(LoopFlux(a, 0, r, z), LoopFlux(r, 0, a, z), 1e-13);
  }
}

// The issue-5 oracle: Bz(0, z) = (mu0 Jc / 2)[G(z - z1) - G(z - z2)], G(h) = h ln((a +
// sqrt(a^2 + h^2)) / |h|), for a uniform current in a disc of radius a from z1 to z2.
double DiscAxisField(double a, double z1, double z2, double z) {
  auto g = [a](double h) {
    return h == 0 ? 0.0 : h * std::log((a + std::sqrt(a * a + h * h)) / std::fabs(h));
  };
  return 0.5 * kMu0 * (g(z - z1) - g(z - z2));
}

double MeshAxisField(double a, double z1, double z2, int nr, int nz, double z) {
  double sum = 0;
  for (int k = 0; k < nz; ++k) {
    for (int i = 0; i < nr; ++i) {
      const Rect cell{a * i / nr, a * (i + 1) / nr, z1 + (z2 - z1) * k / nz,
                      z1 + (z2 - z1) * (k + 1) / nz};
      sum += CellField(cell, 0.0, z, Quadrature{}).bz;
    }
  }
  return sum;
}

TEST(CellField, ReproducesUniformCurrentAxisOracle) {
  // Issue 5: a = 15 mm; pair without gap (z = -6..6 mm) at the centre 1.241983e-8; single disc
  // (0..6 mm) mid-plane 8.717687e-9, top surface 6.209915e-9 T per A/m^2. The numbers carry
  // 7 digits (tolerance 1e-6 relative); the closed form vs the meshed sum agrees to rounding.
  const double a = 0.015;
  ExpectClose(DiscAxisField(a, -0.006, 0.006, 0.0), 1.241983e-8, 1e-6);
  ExpectClose(DiscAxisField(a, 0.0, 0.006, 0.003), 8.717687e-9, 1e-6);
  ExpectClose(DiscAxisField(a, 0.0, 0.006, 0.006), 6.209915e-9, 1e-6);
  ExpectClose(MeshAxisField(a, -0.006, 0.006, 30, 12, 0.0), 1.241983e-8, 1e-6);
  ExpectClose(MeshAxisField(a, 0.0, 0.006, 30, 6, 0.003), 8.717687e-9, 1e-6);
  ExpectClose(MeshAxisField(a, 0.0, 0.006, 30, 6, 0.006), 6.209915e-9, 1e-6);
  ExpectClose(MeshAxisField(a, -0.006, 0.006, 7, 5, 0.0), DiscAxisField(a, -0.006, 0.006, 0.0),
              1e-13);
}

// Uniform J: the sum over cells equals the body integral on any mesh, so meshes that put points
// inside cells, on edges and at corners must agree: a self-consistency oracle for the singular
// (Duffy) rules off the axis. Tolerance 1e-6 relative (the stated accuracy of the field kernel).
Field MeshField(double a, double z1, double z2, int nr, int nz, double r, double z) {
  Field sum;
  for (int k = 0; k < nz; ++k) {
    for (int i = 0; i < nr; ++i) {
      const Rect cell{a * i / nr, a * (i + 1) / nr, z1 + (z2 - z1) * k / nz,
                      z1 + (z2 - z1) * (k + 1) / nz};
      const Field f = CellField(cell, r, z, Quadrature{});
      sum.bz += f.bz;
      sum.br += f.br;
    }
  }
  return sum;
}

TEST(CellField, OffAxisUniformCurrentIsMeshIndependent) {
  const double a = 0.015;
  for (auto [r, z] :
       {std::pair{0.005, 0.003}, {0.0075, 0.0045}, {0.01, 0.0065}, {0.015, 0.006}, {0.02, 0.001}}) {
    const Field coarse = MeshField(a, 0.0, 0.006, 2, 1, r, z);
    const Field fine = MeshField(a, 0.0, 0.006, 12, 4, r, z);
    const Field odd = MeshField(a, 0.0, 0.006, 7, 3, r, z);
    const double scale = std::hypot(fine.bz, fine.br);
    ExpectClose(coarse.bz, fine.bz, 0, 1e-6 * scale);
    ExpectClose(odd.bz, fine.bz, 0, 1e-6 * scale);
    ExpectClose(coarse.br, fine.br, 0, 1e-6 * scale);
    ExpectClose(odd.br, fine.br, 0, 1e-6 * scale);
  }
}

TEST(CellFlux, EqualsTheFluxOfTheField) {
  // Stokes: 2 pi r A_phi(r, z) = int_0^r Bz(r', z) 2 pi r' dr' (Gauss-Legendre in r'; the point
  // lies above the cell so Bz is smooth). Tolerance 1e-8 relative.
  const Rect cell{0.004, 0.006, 0.0, 0.002};
  const double z = 0.003, r = 0.009;
  const GaussRule rule = Gauss01(16);
  double flux = 0;
  for (int piece = 0; piece < 8; ++piece) {
    for (int k = 0; k < rule.order; ++k) {
      const double rp = r * (piece + rule.nodes[k]) / 8;
      flux += rule.weights[k] * r / 8 * 2 * kPi * rp * CellField(cell, rp, z, Quadrature{}).bz;
    }
  }
  ExpectClose(CellFlux(cell, r, z, Quadrature{}), flux, 1e-8);
}

TEST(CellMutualInductance, IsSymmetricAndMeshConsistent) {
  // L_ij = L_ji (reciprocity), and for uniform J the sum of all entries is the body's
  // inductance per J^2, independent of the mesh (tests the self/near-cell quadrature; the stated
  // accuracy is 1e-5 relative).
  const Rect a{0.002, 0.003, 0.0, 0.001}, b{0.003, 0.0045, 0.0005, 0.002};
  ExpectClose(CellMutualInductance(a, b, Quadrature{}), CellMutualInductance(b, a, Quadrature{}),
              1e-6);
  auto total = [](int nr, int nz) {
    std::vector<Rect> cells;
    for (int k = 0; k < nz; ++k) {
      for (int i = 0; i < nr; ++i) {
        cells.push_back({0.005 + 0.004 * i / nr, 0.005 + 0.004 * (i + 1) / nr, 0.003 * k / nz,
                         0.003 * (k + 1) / nz});
      }
    }
    double sum = 0;
    for (const Rect& t : cells) {
      for (const Rect& s : cells) sum += CellMutualInductance(t, s, Quadrature{});
    }
    return sum;
  };
  const double fine = total(8, 6);
  ExpectClose(total(1, 1), fine, 1e-5);
  ExpectClose(total(4, 3), fine, 1e-5);
  ExpectClose(total(3, 2), fine, 1e-5);
}

}  // namespace
}  // namespace kyoso::sim::magnet::detail

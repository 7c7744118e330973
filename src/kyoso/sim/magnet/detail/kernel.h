// Field and vector-potential kernels of axisymmetric current loops, and their integrals over the
// rectangular cross-sections of current cells: the geometric core of the trapped-field model
// (docs/methods/magnet.md, sections 2 and 3). Every function is per unit current (loops) or per
// unit current density (cells) and in SI units (m, T, T m, H).
#pragma once

namespace kyoso::sim::magnet::detail {

inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kMu0 = 4e-7 * kPi;  // vacuum permeability, H/m (pre-2019 exact value)

// Complete elliptic integrals K(m) and E(m) of the first and second kind, in the PARAMETER
// convention m = k^2 (SciPy/MATLAB), 0 <= m < 1, by the arithmetic-geometric mean
// (Abramowitz & Stegun 17.6.3-4). std::comp_ellint_1 takes the modulus k instead.
struct EllipticKE {
  double k;
  double e;
};
EllipticKE CompleteEllipticKE(double m);

// A rectangle [r1, r2] x [z1, z2] in the meridian (r, z) half-plane, r1 >= 0.
struct Rect {
  double r1, r2, z1, z2;
};

// Magnetic field (Bz, Br) in T.
struct Field {
  double bz = 0;
  double br = 0;
};

// 2 pi r A_phi(r, z) of a unit-current loop of radius a at height zs (Wb per A): the mutual
// inductance of two coaxial loops, symmetric in (r, a). Smythe 1950, 7.10 (1):
//   A_phi = mu0/(pi k) sqrt(a/r) [(1 - m/2) K(m) - E(m)],  m = 4 a r / ((a + r)^2 + (z - zs)^2),
// rewritten as 2 pi r A_phi = mu0 sqrt((a + r)^2 + h^2) [(1 - m/2) K - E] (series for small m).
double LoopFlux(double a, double zs, double r, double z);

// Field of a unit-current loop (radius a > 0 at height zs) at (r, z), r > 0 (Smythe 1950, 7.10 (4)
// and (5); Simpson et al., NASA TM 2001-210034). At r = 0 use LoopFieldOnAxis.
Field LoopField(double a, double zs, double r, double z);

// On-axis field of a unit-current loop: Bz = mu0 a^2 / (2 (a^2 + h^2)^{3/2}), Br = 0.
double LoopFieldOnAxis(double a, double zs, double z);

// Exact on-axis Bz at (0, z) per unit current density of a uniform azimuthal current in `cell`:
//   Bz = (mu0/2) [G(z - z1; r2) - G(z - z1; r1) - G(z - z2; r2) + G(z - z2; r1)],
//   G(h; a) = h asinh(a / |h|)   (= h ln((a + sqrt(a^2 + h^2)) / |h|), G(0; a) = 0).
double CellFieldOnAxis(const Rect& cell, double z);

// Quadrature settings of the cell integrals.
struct Quadrature {
  int field_near_order = 8;  // Gauss points per direction of each Duffy triangle, field kernel
  int flux_near_order = 6;   // the same for the (log-singular) flux kernel
  double near_ratio = 1.0;   // point-to-cell distance / cell size below which Duffy rules are used
};

// Integral over `cell` of LoopFlux(r', z'; r, z) dr' dz' (2 pi r A_phi per unit J) at the point
// (r, z), which may lie inside, on the edge of, or outside the cell.
double CellFlux(const Rect& cell, double r, double z, const Quadrature& quadrature);

// Field per unit J of `cell` at (r, z); r > 0 uses the quadrature, r == 0 the exact on-axis form.
Field CellField(const Rect& cell, double r, double z, const Quadrature& quadrature);

// Galerkin mutual inductance per unit current densities of two cells (H m^4):
//   L_ij = int_i int_j 2 pi r A_phi(r, z; r', z') dS' dS,
// symmetric and, over a mesh, positive definite (magnetic energy = J^T L J / 2).
double CellMutualInductance(const Rect& target, const Rect& source, const Quadrature& quadrature);

// Gauss-Legendre nodes and weights on [0, 1], order 1..16 (cached; thread-safe after first call).
struct GaussRule {
  const double* nodes;
  const double* weights;
  int order;
};
GaussRule Gauss01(int order);

}  // namespace kyoso::sim::magnet::detail

// The periodic box every field of the simulator lives on: a uniform grid of n_x × n_y × n_z points
// (n_z = 1 in 2-D) with spacing dx, points at x = i·dx, stored x-fastest
// (index = i + n_x (j + n_y k)). Fields are plain std::vector<double> of Grid::size() values.
// An axisymmetric grid (dims = 2, axisymmetric = true) is instead the (r, z) half-plane of a body
// of revolution: n_r × n_z cells with centres at r = (i + ½) dx, z = (j + ½) dx, the axis at
// r = 0 and mirror walls elsewhere (axisymmetric.h).
#pragma once

#include <array>
#include <cstddef>

namespace kyoso::sim::sinter {

struct Grid {
  int dims = 2;                   // 2 or 3
  std::array<int, 3> n{1, 1, 1};  // points per axis (n[2] = 1 in 2-D)
  double dx = 1.0;                // spacing, same on every axis (m in SI, or model units)
  bool axisymmetric = false;      // (r, z) cells of a body of revolution, not a periodic box

  std::size_t size() const {
    return static_cast<std::size_t>(n[0]) * static_cast<std::size_t>(n[1]) *
           static_cast<std::size_t>(n[2]);
  }
  // Volume (area in 2-D) of one cell.
  double CellVolume() const { return dims == 3 ? dx * dx * dx : dx * dx; }
  double Length(int axis) const { return n[axis] * dx; }
  // The last axis (y in 2-D, z in 3-D): the one whose planes the MPI slabs, the rigid-body force
  // sums and the per-plane observables run over.
  int PlaneAxis() const { return dims - 1; }
  std::size_t Index(int i, int j, int k) const {
    return static_cast<std::size_t>(i) +
           static_cast<std::size_t>(n[0]) *
               (static_cast<std::size_t>(j) + static_cast<std::size_t>(n[1]) * k);
  }
};

}  // namespace kyoso::sim::sinter

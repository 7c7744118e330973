// VTK, CSV and checkpoint writers; see output.h.
#include "kyoso/sim/sinter/output.h"

#include <bit>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "kyoso/base/error.h"

namespace kyoso::sim::sinter {

namespace {

std::ofstream OpenOut(const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error("sinter.io", "cannot open " + path + " for writing");
  return out;
}

void Finish(std::ofstream& out, const std::string& path) {
  out.flush();
  if (!out) throw Error("sinter.io", "write to " + path + " failed");
}

// VTK legacy binary is big-endian.
void WriteBigEndian(std::ostream& out, const double* data, std::size_t count) {
  std::vector<char> buffer(count * 8);
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t bits = std::bit_cast<std::uint64_t>(data[i]);
    if constexpr (std::endian::native == std::endian::little) bits = __builtin_bswap64(bits);
    std::memcpy(buffer.data() + 8 * i, &bits, 8);
  }
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
}

constexpr char kMagic[8] = {'K', 'Y', 'S', 'I', 'N', 'T', 'R', '1'};

}  // namespace

void WriteVtk(const State& state, const std::string& path) {
  const Grid& g = state.grid;
  std::ofstream out = OpenOut(path);
  out << "# vtk DataFile Version 3.0\nkyoso sinter t=" << std::setprecision(17) << state.time
      << "\nBINARY\nDATASET STRUCTURED_POINTS\n";
  out << "DIMENSIONS " << g.n[0] << ' ' << g.n[1] << ' ' << g.n[2] << "\n";
  // Axisymmetric grids: the (r, z) half-plane, values at the cell centres.
  const double origin = g.axisymmetric ? 0.5 * g.dx : 0.0;
  out << "ORIGIN " << origin << ' ' << origin << " 0\nSPACING " << g.dx << ' ' << g.dx << ' '
      << g.dx << "\n";
  out << "POINT_DATA " << g.size() << "\n";
  auto scalar = [&](const std::string& name, const double* data) {
    out << "SCALARS " << name << " double 1\nLOOKUP_TABLE default\n";
    WriteBigEndian(out, data, g.size());
    out << "\n";
  };
  scalar("rho", state.rho.data());
  for (int s = 0; s < state.num_slots; ++s) scalar("eta" + std::to_string(s), state.Eta(s));
  std::vector<double> sum2(g.size(), 0.0);
  for (int s = 0; s < state.num_slots; ++s) {
    for (std::size_t c = 0; c < g.size(); ++c) sum2[c] += state.Eta(s)[c] * state.Eta(s)[c];
  }
  scalar("sum_eta2", sum2.data());
  Finish(out, path);
}

void WriteCsv(const Series& s, const std::string& path) {
  std::ofstream out = OpenOut(path);
  out << "time,temperature,mass,free_energy,density,shrinkage,neck_radius,grains,"
         "mean_grain_radius,surface_area,gb_area,dt\n";
  out << std::setprecision(12);
  for (std::size_t i = 0; i < s.time.size(); ++i) {
    out << s.time[i] << ',' << s.temperature[i] << ',' << s.mass[i] << ',' << s.free_energy[i]
        << ',' << s.density[i] << ',' << s.shrinkage[i] << ',' << s.neck_radius[i] << ','
        << s.grains[i] << ',' << s.mean_grain_radius[i] << ',' << s.surface_area[i] << ','
        << s.gb_area[i] << ',' << s.dt[i] << '\n';
  }
  Finish(out, path);
}

void WriteCheckpoint(const State& state, const std::string& path) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out = OpenOut(tmp);
    out.write(kMagic, sizeof kMagic);
    const std::int64_t header[7] = {state.grid.dims,
                                    state.grid.n[0],
                                    state.grid.n[1],
                                    state.grid.n[2],
                                    state.num_slots,
                                    state.step,
                                    state.grid.axisymmetric ? 1 : 0};
    out.write(reinterpret_cast<const char*>(header), sizeof header);
    const double values[2] = {state.grid.dx, state.time};
    out.write(reinterpret_cast<const char*>(values), sizeof values);
    out.write(reinterpret_cast<const char*>(state.rho.data()),
              static_cast<std::streamsize>(state.rho.size() * sizeof(double)));
    out.write(reinterpret_cast<const char*>(state.eta.data()),
              static_cast<std::streamsize>(state.eta.size() * sizeof(double)));
    Finish(out, tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw Error("sinter.io", "cannot rename " + tmp + " to " + path + ": " + ec.message());
}

State ReadCheckpoint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "sinter.checkpoint", "cannot open checkpoint " + path);
  char magic[8];
  std::int64_t header[7];
  double values[2];
  in.read(magic, sizeof magic);
  in.read(reinterpret_cast<char*>(header), sizeof header);
  in.read(reinterpret_cast<char*>(values), sizeof values);
  if (!in || std::memcmp(magic, kMagic, sizeof kMagic) != 0 || (header[0] != 2 && header[0] != 3) ||
      header[1] < 1 || header[2] < 1 || header[3] < 1 || header[4] < 0 || header[6] < 0 ||
      header[6] > 1 || header[1] * header[2] * header[3] > (std::int64_t{1} << 34)) {
    throw InputError(path, "sinter.checkpoint", path + " is not a kyoso sinter checkpoint");
  }
  Grid grid{
      .dims = static_cast<int>(header[0]),
      .n = {static_cast<int>(header[1]), static_cast<int>(header[2]), static_cast<int>(header[3])},
      .dx = values[0],
      .axisymmetric = header[6] == 1};
  State state = MakeState(grid, static_cast<int>(header[4]));
  state.step = header[5];
  state.time = values[1];
  in.read(reinterpret_cast<char*>(state.rho.data()),
          static_cast<std::streamsize>(state.rho.size() * sizeof(double)));
  in.read(reinterpret_cast<char*>(state.eta.data()),
          static_cast<std::streamsize>(state.eta.size() * sizeof(double)));
  if (!in) throw InputError(path, "sinter.checkpoint", path + " is truncated");
  return state;
}

}  // namespace kyoso::sim::sinter

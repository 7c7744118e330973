// `kyoso sinter SPEC.json [--out DIR] [--json] [--threads N]`: run a phase-field sintering
// simulation (sim/sinter) and print its time series and summary;
// `kyoso sinter benchmark pfhub1a --grid N --dt DT --steps K [--json]`: rerun PFHub benchmark 1a
// with the spectral Cahn-Hilliard kernel; `kyoso sinter benchmark pfhub7 --nx N --dt DT [--json]`:
// PFHub 7's error at t = 8 with the FD kernel's scheme for η. Thin: parse, call the use case,
// serialize.
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "kyoso/base/error.h"
#include "kyoso/base/json_reader.h"
#include "kyoso/cli/common.h"
#include "kyoso/sim/sinter/pfhub7.h"
#include "kyoso/sim/sinter/sinter.h"

#ifdef KYOSO_SINTER_MPI
#include <mpi.h>
#endif

namespace kyoso::cli {

namespace {

namespace sinter = kyoso::sim::sinter;

nlohmann::json SeriesJson(const sinter::Series& s) {
  return {{"time", s.time},
          {"temperature", s.temperature},
          {"mass", s.mass},
          {"free_energy", s.free_energy},
          {"density", s.density},
          {"shrinkage", s.shrinkage},
          {"neck_radius", s.neck_radius},
          {"grains", s.grains},
          {"mean_grain_radius", s.mean_grain_radius},
          {"surface_area", s.surface_area},
          {"gb_area", s.gb_area},
          {"dt", s.dt}};
}

// Wall or CPU seconds per phase of a run (sinter::PhaseSeconds).
nlohmann::json PhaseJson(const sinter::PhaseSeconds& p) {
  return {{"step", p.step},
          {"all_gather", p.all_gather},
          {"tracking", p.tracking},
          {"observables", p.observables},
          {"health", p.health}};
}

nlohmann::json SummaryJson(const sinter::Summary& s) {
  return {{"termination", sinter::ToString(s.termination)},
          {"message", s.message},
          {"warnings", s.warnings},
          {"kernel", sinter::ToString(s.kernel)},
          {"steps", s.steps},
          {"final_time", s.final_time},
          {"dt_given", s.dt_given},
          {"dt_min", s.dt_min},
          {"dt_max", s.dt_max},
          {"stable_dt", s.stable_dt},
          {"mass_drift", s.mass_drift},
          {"max_energy_increase", s.max_energy_increase},
          {"remaps", s.remaps},
          {"initial_grains", s.initial_grains},
          {"final_grains", s.final_grains},
          {"num_ranks", s.num_ranks},
          {"wall_seconds", s.wall_seconds},
          {"cpu_seconds", s.cpu_seconds},
          {"phase_wall_seconds", PhaseJson(s.phase_wall_seconds)},
          {"phase_cpu_seconds", PhaseJson(s.phase_cpu_seconds)},
          {"updates_per_second", s.updates_per_second}};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cli.file", "cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

#ifdef KYOSO_SINTER_MPI
// MPI for one `kyoso sinter` run when the process was started by OpenMPI's mpirun (it sets
// OMPI_COMM_WORLD_SIZE; reading the environment is the shell's job, never the library's).
// Initializes MPI on construction and finalizes it on destruction; on ranks other than 0 it
// silences stdout and stderr, so only rank 0 prints (every rank computes the same result and
// hits the same input errors).
class MpiSession {
 public:
  MpiSession() {
    if (std::getenv("OMPI_COMM_WORLD_SIZE") == nullptr) return;
    MPI_Init(nullptr, nullptr);
    active_ = true;
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank != 0) {
      saved_out_ = std::cout.rdbuf(&null_);
      saved_err_ = std::cerr.rdbuf(&null_);
    }
  }
  ~MpiSession() {
    if (!active_) return;
    std::cout.flush();
    if (saved_out_ != nullptr) std::cout.rdbuf(saved_out_);
    if (saved_err_ != nullptr) std::cerr.rdbuf(saved_err_);
    MPI_Finalize();
  }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  MPI_Comm communicator() const { return active_ ? MPI_COMM_WORLD : MPI_COMM_NULL; }
  bool is_root() const { return saved_out_ == nullptr; }

 private:
  struct NullBuffer : std::streambuf {
    int overflow(int c) override { return c; }
  };
  bool active_ = false;
  NullBuffer null_;
  std::streambuf* saved_out_ = nullptr;
  std::streambuf* saved_err_ = nullptr;
};
#endif

struct SinterArgs {
  CommonOptions common;
  std::string spec_path;
  std::string out_dir;
  std::string restart;
  int threads = 1;
  int grid = 96;
  double dt = 0.5;
  int steps = 500;
  int nx = 128;
  double dt7 = 0.004;
  double end_time = 8.0;
};

}  // namespace

void AddSinterCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SinterArgs>();
  CLI::App* verb = app.add_subcommand("sinter", "Phase-field sintering simulation (sim/sinter)");
  verb->add_option("spec", args->spec_path, "Simulation spec (JSON, see docs/sinter.md)");
  verb->add_option("--out", args->out_dir, "Directory for series.csv, VTK files, checkpoint.bin");
  verb->add_option("--restart", args->restart, "Start from this checkpoint");
  verb->add_option("--threads", args->threads, "Threads (OpenMP and FFTW)")->capture_default_str();
  verb->add_flag("--json", args->common.json, "Print exactly one JSON document on stdout");

  CLI::App* bench = verb->add_subcommand("benchmark", "Published benchmarks");
  CLI::App* pfhub = bench->add_subcommand("pfhub1a", "PFHub 1a, spectral Cahn-Hilliard");
  pfhub->add_option("--grid", args->grid, "Points per axis")->capture_default_str();
  pfhub->add_option("--dt", args->dt, "Time step")->capture_default_str();
  pfhub->add_option("--steps", args->steps, "Number of steps")->capture_default_str();
  pfhub->add_flag("--json", args->common.json, "Print exactly one JSON document on stdout");
  CLI::App* pfhub7 = bench->add_subcommand("pfhub7", "PFHub 7, manufactured Allen-Cahn, FD scheme");
  pfhub7->add_option("--nx", args->nx, "Points along x (h = 1/nx)")->capture_default_str();
  pfhub7->add_option("--dt", args->dt7, "Time step")->capture_default_str();
  pfhub7->add_option("--end-time", args->end_time, "Time of the error")->capture_default_str();
  pfhub7->add_flag("--json", args->common.json, "Print exactly one JSON document on stdout");
  bench->require_subcommand(1);

  pfhub7->callback([args, &exit_code]() {
    exit_code = RunGuarded(args->common, [&]() {
      const sinter::Pfhub7Result r =
          sinter::RunPfhub7({.nx = args->nx, .dt = args->dt7, .end_time = args->end_time});
      if (args->common.json) {
        PrintJson({{"nx", args->nx},
                   {"dt", args->dt7},
                   {"steps", r.steps},
                   {"l2_error", r.l2_error},
                   {"max_error", r.max_error}});
      } else {
        std::cout << std::setprecision(6) << "PFHub 7: nx " << args->nx << ", dt " << args->dt7
                  << ", " << r.steps << " steps\nL2 error " << r.l2_error << "\nmax error "
                  << r.max_error << std::endl;
      }
    });
  });

  pfhub->callback([args, &exit_code]() {
    exit_code = RunGuarded(args->common, [&]() {
      const sinter::Pfhub1aResult r = sinter::RunPfhub1a(
          {.grid = args->grid, .dt = args->dt, .steps = args->steps, .num_threads = args->threads});
      if (args->common.json) {
        PrintJson({{"step", r.step}, {"free_energy", r.free_energy}, {"c00", r.c00}});
      } else {
        std::cout << std::setprecision(16) << "PFHub 1a: grid " << args->grid << ", dt " << args->dt
                  << ", " << args->steps << " steps\n"
                  << "F(0) = " << r.free_energy.front() << "\nF(end) = " << r.free_energy.back()
                  << "\nc(0,0) = " << r.c00 << std::endl;
      }
    });
  });

  verb->callback([verb, bench, args, &exit_code]() {
    if (bench->parsed()) return;
#ifdef KYOSO_SINTER_MPI
    const MpiSession mpi;
#endif
    exit_code = RunGuarded(args->common, [&]() {
      if (args->spec_path.empty()) {
        throw InputError("spec", "cli.missing", "give a spec file: kyoso sinter SPEC.json");
      }
      const sinter::Spec spec =
          sinter::ParseSpec(ParseJson(ReadFile(args->spec_path), args->spec_path));
      sinter::Options options{
          .num_threads = args->threads, .output_dir = args->out_dir, .restart_path = args->restart};
      bool root = true;
#ifdef KYOSO_SINTER_MPI
      options.communicator = mpi.communicator();
      root = mpi.is_root();
#endif
      TerminalProgress progress(!args->common.json && root);
      const sinter::Result r = sinter::Run(spec, options, &progress);
      if (args->common.json) {
        PrintJson({{"series", SeriesJson(r.series)}, {"summary", SummaryJson(r.summary)}});
        return;
      }
      const sinter::Series& s = r.series;
      std::cout << std::setw(13) << "time" << std::setw(14) << "free_energy" << std::setw(10)
                << "density" << std::setw(13) << "shrinkage" << std::setw(13) << "neck_radius"
                << std::setw(8) << "grains"
                << "\n";
      for (std::size_t i = 0; i < s.time.size(); ++i) {
        std::cout << std::setprecision(5) << std::setw(13) << s.time[i] << std::setw(14)
                  << s.free_energy[i] << std::setw(10) << s.density[i] << std::setw(13)
                  << s.shrinkage[i] << std::setw(13) << s.neck_radius[i] << std::setw(8)
                  << s.grains[i] << "\n";
      }
      const sinter::Summary& m = r.summary;
      std::cout << "termination: " << sinter::ToString(m.termination) << " (" << m.message
                << ")\nsteps: " << m.steps << ", dt " << m.dt_min << " .. " << m.dt_max
                << ", mass drift " << m.mass_drift << ", wall " << m.wall_seconds << " s, "
                << m.updates_per_second << " field updates/s" << std::endl;
      for (const std::string& w : m.warnings) std::cout << "warning: " << w << "\n";
      if (m.termination == sinter::Termination::kDiverged) {
        throw Error("sinter.diverged", m.message);
      }
    });
  });
}

}  // namespace kyoso::cli

// Parsing and validation of the sintering spec (spec.h): every bad input names its JSON pointer.
#include "kyoso/sim/sinter/spec.h"

#include <gtest/gtest.h>

#include "kyoso/sim/sinter/fd_kernel.h"
#include "support/expect_close.h"

namespace kyoso::sim::sinter {
namespace {

using kyoso::testing::ExpectClose;

nlohmann::json Base() {
  return nlohmann::json::parse(R"({
    "name": "pair",
    "grid": {"dims": 2, "n": [64, 32], "dx": 1},
    "model": {"A": 16, "B": 1, "kappa_rho": 10, "kappa_eta": 5, "L": 1,
              "mobility": {"volume": 0.01, "vapor": 0.001, "surface": 4, "grain_boundary": 0.4}},
    "structure": {"type": "two_particles", "radius": 10},
    "numerics": {"end_time": 10, "num_order_parameters": 2}
  })");
}

// Expects an InputError carrying `code` at `path`.
void ExpectIssue(const nlohmann::json& json, const std::string& path, const std::string& code) {
  try {
    ParseSpec(json);
    ADD_FAILURE() << "expected InputError " << code << " at " << path;
  } catch (const InputError& e) {
    bool found = false;
    for (const Issue& issue : e.issues()) found |= issue.path == path && issue.code == code;
    EXPECT_TRUE(found) << "issues were: " << e.what();
  }
}

TEST(SpecTest, ParsesModelUnitsSpec) {
  const Spec spec = ParseSpec(Base());
  EXPECT_EQ(spec.grid.n[0], 64);
  EXPECT_EQ(spec.particles.size(), 2u);
  EXPECT_EQ(spec.slots, (std::vector<int>{0, 1}));
  ExpectClose(spec.coefficients.a, 16.0, 1e-15);
  ExpectClose(spec.mobility.surface, 4.0, 1e-15);
  ExpectClose(spec.end_time, 10.0, 1e-15);
}

TEST(SpecTest, RejectsNegativeMobilityAndEnergy) {
  nlohmann::json j = Base();
  j["model"]["mobility"]["surface"] = -1;
  j["model"]["kappa_rho"] = -2;
  ExpectIssue(j, "/model/mobility/surface", "sinter.negative");
  ExpectIssue(j, "/model/kappa_rho", "sinter.negative");
}

TEST(SpecTest, RejectsInterfaceThinnerThanTwoCells) {
  nlohmann::json j = Base();
  j["model"]["kappa_eta"] = 0.5;  // δ = sqrt(4·0.5/3) = 0.82 < 2 dx
  ExpectIssue(j, "/model/kappa_eta", "sinter.interface_too_thin");
}

TEST(SpecTest, RejectsParticleOutsideBoxAndExcessOverlap) {
  nlohmann::json j = Base();
  j["structure"] = {{"type", "particles"},
                    {"particles",
                     {{{"center", {5, 16}}, {"radius", 8}},
                      {{"center", {30, 16}}, {"radius", 8}},
                      {{"center", {36, 16}}, {"radius", 8}}}}};
  ExpectIssue(j, "/structure/particles/0", "sinter.particle_outside");
  ExpectIssue(j, "/structure/particles/2", "sinter.overlap");
}

TEST(SpecTest, RejectsUnstableExplicitStep) {
  nlohmann::json j = Base();
  j["numerics"]["dt"] = 1.0;  // the FD limit here is ≈ 0.0009
  ExpectIssue(j, "/numerics/dt", "sinter.dt_unstable");
  j["numerics"]["dt"] = 1e-4;
  EXPECT_NO_THROW(ParseSpec(j));
}

TEST(SpecTest, FlagsUnknownKeysAndBadKernel) {
  nlohmann::json j = Base();
  j["numerics"]["kernal"] = "fd";
  j["numerics"]["kernel"] = "fem";
  ExpectIssue(j, "/numerics/kernal", "spec.unknown_key");
  ExpectIssue(j, "/numerics/kernel", "spec.choice");
}

TEST(SpecTest, PhysicalUnitsFollowBiswasAndArrhenius) {
  nlohmann::json j = nlohmann::json::parse(R"({
    "grid": {"dims": 2, "n": [64, 32], "dx": "10 nm"},
    "model": {"units": "si", "surface_energy": "1 J/m^2", "grain_boundary_energy": "0.5 J/m^2",
              "interface_width": "40 nm", "atomic_volume": 1.2e-29,
              "diffusion": {"surface": {"D0": "1e-6 m^2/s", "Q": "200 kJ/mol"}},
              "gb_mobility": {"M0": 1e-9, "Q": "150 kJ/mol"}},
    "schedule": {"start_temperature": "300 K", "heating_rate": "100 K/min",
                 "peak_temperature": "1100 degC", "hold_time": "2 min"},
    "structure": {"type": "two_particles", "radius": "80 nm"},
    "numerics": {"num_order_parameters": 2}
  })");
  try {
    ParseSpec(j);
    FAIL() << "gb_mobility uses D0, not M0";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/model/gb_mobility/M0"), std::string::npos);
  }
  j["model"]["gb_mobility"] = {{"D0", 1e-9}, {"Q", "150 kJ/mol"}};
  const Spec spec = ParseSpec(j);
  ExpectClose(spec.coefficients.b, 0.5 / 40e-9, 1e-12);
  ExpectClose(spec.coefficients.kappa_rho, 0.75 * 1.5 * 40e-9, 1e-12);
  // Schedule: ramp 300 K → 1373.15 K at 100/60 K/s, then 120 s hold.
  ExpectClose(spec.model.schedule.EndTime(), (1373.15 - 300.0) / (100.0 / 60.0) + 120.0, 1e-12);
  ExpectClose(spec.end_time, spec.model.schedule.EndTime(), 1e-12);
  const StepModel m = spec.ModelAt(spec.end_time);
  const double t = 1373.15;
  const double expected =
      1e-6 * std::exp(-200e3 / (8.314462618 * t)) * 1.2e-29 / (1.380649e-23 * t);
  ExpectClose(m.mobility.surface, expected, 1e-12);
  ExpectClose(m.l, 4.0 * 1e-9 * std::exp(-150e3 / (8.314462618 * t)) / (3.0 * 40e-9), 1e-12);
}

}  // namespace
}  // namespace kyoso::sim::sinter

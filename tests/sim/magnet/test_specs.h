// Specs shared by the sim/magnet tests: the issue-5 stacked pair (two 30 mm x 6 mm discs, no gap).
#pragma once

#include "kyoso/sim/magnet/magnet.h"

namespace kyoso::sim::magnet::testing {

inline Spec StackedPair(int nr, int nz, double n, double hold_s) {
  Spec spec;
  spec.bodies.push_back({"lower", Shape::kDisc, 0, 0.015, -0.006, 0.0, nr, nz});
  spec.bodies.push_back({"upper", Shape::kDisc, 0, 0.015, 0.0, 0.006, nr, nz});
  spec.material.model = JcModel::kConstant;
  spec.material.jc0_a_per_m2 = 2.3e8;
  spec.material.n = n;
  spec.protocol.kind = ProtocolKind::kFcm;
  spec.protocol.field_t = 7;
  spec.protocol.ramp_rate_t_per_s = 0.01;
  spec.protocol.hold_s = hold_s;
  spec.protocol.temperature_k = 5;
  spec.probes.push_back({"centre", ProbeKind::kPoint, 0, 0});
  spec.probes.push_back({"hall", ProbeKind::kPoint, 0, 0.0065});
  return spec;
}

}  // namespace kyoso::sim::magnet::testing

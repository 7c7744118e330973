// Writers: VTK image data (legacy binary STRUCTURED_POINTS, opens in ParaView), the CSV time
// series, and binary checkpoints for restart. I/O failures throw kyoso::Error ("sinter.io").
#pragma once

#include <string>

#include "kyoso/sim/sinter/sinter.h"

namespace kyoso::sim::sinter {

// ρ, every η slot and Σ η_i² as point data.
void WriteVtk(const State& state, const std::string& path);
// One row per sample, header: time,temperature,mass,free_energy,density,shrinkage,...
void WriteCsv(const Series& series, const std::string& path);
// Grid, slots, time, step and the raw fields (little-endian doubles) with a versioned header;
// written to path + ".tmp" then renamed, so a crash never leaves a torn checkpoint.
void WriteCheckpoint(const State& state, const std::string& path);
// Throws InputError ("sinter.checkpoint") when the file is missing or not a checkpoint.
State ReadCheckpoint(const std::string& path);

}  // namespace kyoso::sim::sinter

// `kyoso demo`: the Ba122 spark-plasma-sintering campaign run end to end against the SIMULATED lab
// of virtual_lab.h. A scripted researcher loop (coarse 50 degC temperature steps, then hold time,
// then heating rate, as in the published campaign) and the engine loop take turns for a few rounds
// on the same database; each loop reads everything the other measured. Every experiment goes
// through the real use cases (AddProposal / Suggest, Start, RecordResults), so the resulting
// database is an ordinary campaign the user can continue by hand.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kyoso/base/progress.h"
#include "kyoso/campaign/campaign.h"
#include "kyoso/campaign/compare.h"
#include "kyoso/store/store.h"

namespace kyoso::campaign {

// The Ba122 SPS campaign spec of the demo and of examples/ba122/spec.json: heating rate
// 10-100 degC/min (continuous), peak temperature 500-700 degC in 1 degC steps, hold time 1-60 min
// (log scale), objective jc (A/cm^2) to maximize.
nlohmann::json Ba122Spec(const std::string& name = "ba122-sps");

struct DemoOptions {
  int rounds = 5;                       // rounds of EACH loop (researchers, engine), >= 1
  int engine_batch = 3;                 // engine suggestions per round (q)
  std::uint64_t seed = 2026;            // seeds the lab's noise and the engine
  double noise_relative_stddev = 0.03;  // the virtual lab's measurement noise
  std::string campaign_name = "ba122-sps";
  std::string researcher = "researchers";  // proposer name of the scripted researcher loop
  std::vector<std::string> Validate() const;
};

struct DemoStep {
  int round = 0;
  std::string loop;  // "researchers" or "engine"
  store::ExperimentId id = 0;
  nlohmann::json params;
  double jc = 0;  // measured (simulated) Jc, A/cm^2
  std::string rationale;
};

struct DemoResult {
  Campaign campaign;
  std::vector<DemoStep> steps;
  Comparison comparison;
  double lab_max_jc = 0;  // maximum of the noiseless simulated Jc over the box (grid search)
};

// Creates the campaign (throws store.duplicate_campaign when it exists) and runs the loops.
// Progress: stage "demo", one event per experiment.
DemoResult RunDemo(store::Store& store, const DemoOptions& options,
                   ProgressSink* progress = nullptr);

}  // namespace kyoso::campaign

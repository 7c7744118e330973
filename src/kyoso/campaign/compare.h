// Loop analytics: the researcher loop(s) and the engine loop of one campaign side by side
// (`kyoso compare`). A pure function of the spec and the experiments, so the CLI, the server and
// tests agree. Definitions (docs/cli.md, "compare"):
//   * measured experiments are done experiments with a finite value of the objective, taken in
//     the order their value was recorded (measurement time, then id);
//   * a loop is the engine (source engine, any proposer), each researcher (source researcher, per
//     proposer) and each importer (source import, per proposer);
//   * the incumbent is the best value measured so far in the WHOLE campaign; an experiment
//     "improves" when it beats the incumbent at the time it was measured (the first measured
//     experiment of the campaign counts as an improvement: it sets the incumbent);
//   * calibration: z = (measured - predicted mean) / predicted stddev for experiments whose
//     prediction at proposal time has a stddev > 0. A calibrated model has mean z ~ 0 and
//     rms z ~ 1 (the stddev is the latent function's, so measurement noise inflates rms z).
//     A log-scale objective's prediction is of ln(value): z = (ln(measured) - mean) / stddev.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kyoso/campaign/spec.h"
#include "kyoso/store/records.h"

namespace kyoso::campaign {

struct CurvePoint {
  int n = 0;           // 1-based index among the loop's measured experiments
  int campaign_n = 0;  // 1-based index among the campaign's measured experiments
  store::ExperimentId id = 0;
  double value = 0;  // the measurement
  double best = 0;   // the loop's best so far
};

struct Calibration {
  int count = 0;          // experiments with a usable prediction
  double mean_z = 0;      // mean of z
  double rms_z = 0;       // sqrt(mean z^2)
  double within_2sd = 0;  // share with |z| <= 2 (0.954 for a calibrated Gaussian model)
};

struct LoopStats {
  std::string label;  // "engine", or the researcher's/importer's name
  store::Source source = store::Source::kResearcher;
  int num_experiments = 0;  // all statuses
  int num_measured = 0;
  int num_failed = 0;
  int num_withdrawn = 0;
  int num_pending = 0;  // proposed or running
  std::optional<double> best;
  std::optional<store::ExperimentId> best_id;
  int best_n = 0;           // the loop's measured experiment at which its best was reached
  int best_campaign_n = 0;  // ... counted among the whole campaign's measured experiments
  std::string best_at;      // measurement time of the best
  std::vector<CurvePoint> curve;
  int num_improved = 0;       // measured experiments that improved the campaign incumbent
  double improved_share = 0;  // num_improved / num_measured (0 when nothing measured)
  Calibration calibration;
};

struct Comparison {
  std::string objective;
  optimize::Direction direction = optimize::Direction::kMaximize;
  int num_measured = 0;
  std::optional<double> best;
  std::optional<store::ExperimentId> best_id;
  std::vector<LoopStats> loops;  // engine first, then researchers, then imports (by name)
};

// `objective` empty = the primary objective. Throws InputError campaign.unknown_objective.
Comparison Compare(const CampaignSpec& spec, const std::vector<store::Experiment>& experiments,
                   const std::string& objective = "");

nlohmann::json ToJson(const Comparison& comparison);

}  // namespace kyoso::campaign

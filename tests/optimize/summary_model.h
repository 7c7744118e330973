// Rebuilds the engine's global model from what a suggestion reported (summary.model): the output
// warp, the output scaling (whose mean is the fitted constant mean) and the hyperparameters,
// applied to the observations. Tests use it as an independent reconstruction of what Suggest
// maximized; that it reproduces the summary's own numbers is itself checked where used.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "kyoso/gp/gp.h"
#include "kyoso/optimize/suggest.h"
#include "kyoso/space/space.h"

namespace kyoso::optimize::testing {

inline gp::Posterior PosteriorFromSummaryModel(const space::Space& space,
                                               const std::vector<Observation>& data,
                                               const nlohmann::json& model) {
  const gp::OutputWarp warp = gp::OutputWarp::FromJson(model["output_warp"]);
  gp::Dataset dataset;
  dataset.x.resize(static_cast<Eigen::Index>(data.size()), space.encoded_dim());
  dataset.y.resize(static_cast<Eigen::Index>(data.size()));
  for (std::size_t i = 0; i < data.size(); ++i) {
    dataset.x.row(static_cast<Eigen::Index>(i)) = space.Encode(data[i].params).transpose();
    dataset.y[static_cast<Eigen::Index>(i)] = warp.Forward(data[i].value);
  }
  return gp::Posterior::Create(dataset, gp::KernelKind::kMatern52,
                               gp::Hyperparameters::FromJson(model["hyperparameters"]),
                               gp::OutputScaling{model["output_scaling"]["mean"].get<double>(),
                                                 model["output_scaling"]["stddev"].get<double>()});
}

}  // namespace kyoso::optimize::testing

// Views of the campaign's surrogate model for the web UI (issue 4, "Model views" and
// "Diagnostics"): 1-D slices and 2-D (optionally stacked) grids of the posterior mean, standard
// deviation and acquisition with the other parameters held fixed, the measured points near the
// slice, ARD length scales, and leave-one-out predictions. Pure functions of (spec, experiments,
// request): the model is fitted exactly as the engine fits it (optimize::Predict), so what the UI
// shows is what the engine believes. Values and axes are in the user's units (raw values;
// categorical axes list their choices).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kyoso/campaign/spec.h"
#include "kyoso/store/records.h"

namespace kyoso::server {

// Request fields (JSON, all optional unless noted):
//   objective   objective name (default: the primary)
//   acquisition "ei" | "ucb" | "pi" (default "ei")
//   x           parameter name on the horizontal axis (required)
//   y           parameter name on the vertical axis (ModelGrid: required)
//   z           parameter stacked in slices (ModelGrid, optional), with num_z slices (default 5)
//   fixed       {name: value} for the other parameters (default: the best measured experiment,
//               or the middle of each range when nothing is measured)
//   num         points per axis (slice default 100, grid default 30; 2..400 / 2..80)
// Errors: InputError at the body's JSON pointer (request.*, params.*); Error
// "model.insufficient_data" (mapped to 409) when fewer than 2 distinct points are measured.
nlohmann::json ModelSlice(const campaign::CampaignSpec& spec,
                          const std::vector<store::Experiment>& experiments,
                          const nlohmann::json& request);
nlohmann::json ModelGrid(const campaign::CampaignSpec& spec,
                         const std::vector<store::Experiment>& experiments,
                         const nlohmann::json& request);

// Length scales of the fitted GP (ARD, unit-cube and user units, relevance = 1/lengthscale) and
// leave-one-out predictions (each measured point predicted by a model refitted without it, at most
// `max_loo` points, evenly spaced). Request fields: objective.
nlohmann::json ModelDiagnostics(const campaign::CampaignSpec& spec,
                                const std::vector<store::Experiment>& experiments,
                                const nlohmann::json& request, int max_loo = 60);

// Predictions for arbitrary parameter objects (the researcher's proposal preview):
// {"points":[{params}...], "acquisition"} -> {"predictions":[{"<objective>":{"mean","stddev"},
// "acquisition"}...]}; "predictions" is null (with "message") when no model can be fitted yet.
nlohmann::json PredictPoints(const campaign::CampaignSpec& spec,
                             const std::vector<store::Experiment>& experiments,
                             const nlohmann::json& request);

}  // namespace kyoso::server

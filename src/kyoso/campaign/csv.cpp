// CSV import/export of csv.h (layouts in docs/csv.md).
#include "kyoso/campaign/csv.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

namespace kyoso::campaign {
namespace {

// Fixed columns of the full layout, in order, before the parameters.
const std::vector<std::string>& FullHead() {
  static const std::vector<std::string> kHead = {
      "id",       "status",     "source",     "proposer", "rationale",
      "batch_id", "created_at", "updated_at", "reason",   "flags"};
  return kHead;
}

std::string Cell(int line, const std::string& column) {
  return "line " + std::to_string(line) + ", column " + column;
}

std::string Trim(const std::string& s) {
  const std::size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  const std::size_t end = s.find_last_not_of(" \t");
  return s.substr(begin, end - begin + 1);
}

bool ParseNumber(const std::string& text, double& out) {
  const std::string s = Trim(text);
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(out);
}

// Shortest text that reads back as the same double (nlohmann's Grisu-based dump), without the
// ".0" of integral values: 9554, 42.125, 1e-05.
std::string FormatNumber(double value) {
  if (std::fabs(value) < 1e15 && value == std::round(value)) {
    return std::to_string(static_cast<long long>(value));
  }
  return nlohmann::json(value).dump();
}

// For a cell such as "50 degC/min" or "98.1%": a number followed by text is most likely a value
// with its unit, which the spec already gives.
std::string UnitHint(const std::string& text, const std::string& unit) {
  const std::string s = Trim(text);
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  if (end == s.c_str() || end == s.c_str() + s.size()) return "";
  if (*end == ',' && end[1] >= '0' && end[1] <= '9')
    return " (use a decimal point: 98.1, not 98,1)";
  return unit.empty()
             ? " (write the number alone, without a unit)"
             : " (write the number alone; the column's unit, " + unit + ", comes from the spec)";
}

std::string FormatJsonScalar(const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_float()) return FormatNumber(value.get<double>());
  return value.dump();
}

std::string FormatOptional(const std::optional<double>& value) {
  return value ? FormatNumber(*value) : "";
}

std::string JoinFlags(const std::vector<std::string>& flags) {
  std::string out;
  for (const std::string& f : flags) out += (out.empty() ? "" : ";") + f;
  return out;
}

}  // namespace

std::string ToString(CsvLayout layout) { return layout == CsvLayout::kBoxvia ? "boxvia" : "full"; }

std::optional<CsvLayout> ParseCsvLayout(const std::string& text) {
  if (text == "boxvia") return CsvLayout::kBoxvia;
  if (text == "full") return CsvLayout::kFull;
  return std::nullopt;
}

std::vector<CsvRecord> ParseCsvRecords(const std::string& text) {
  std::vector<CsvRecord> records;
  std::size_t i = 0;
  if (text.starts_with("\xEF\xBB\xBF")) i = 3;
  int line = 1;
  while (i < text.size()) {
    CsvRecord record;
    record.line = line;
    std::string field;
    bool end_of_record = false;
    bool any = false;
    while (i < text.size() && !end_of_record) {
      const char c = text[i];
      if (c == '"' && Trim(field).empty()) {
        // Quoted field.
        field.clear();
        const int start_line = line;
        ++i;
        bool closed = false;
        while (i < text.size()) {
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            closed = true;
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          field += text[i++];
        }
        if (!closed) {
          throw InputError(
              "line " + std::to_string(start_line), "csv.quote",
              "a quoted field opened on line " + std::to_string(start_line) + " is never closed");
        }
        any = true;
        continue;
      }
      if (c == ',') {
        record.fields.push_back(field);
        field.clear();
        any = true;
        ++i;
      } else if (c == '\r' || c == '\n') {
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
        end_of_record = true;
      } else {
        field += c;
        any = true;
        ++i;
      }
    }
    if (any) {
      record.fields.push_back(field);
      records.push_back(std::move(record));
    }
  }
  return records;
}

std::string CsvEscape(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string ExportCsv(store::Store& store, const Campaign& campaign, CsvLayout layout) {
  const CampaignSpec& spec = campaign.spec;
  std::vector<std::string> header;
  if (layout == CsvLayout::kFull) header = FullHead();
  for (const space::Parameter& p : spec.space.parameters()) header.push_back(p.name);
  for (const Objective& o : spec.objectives) {
    header.push_back(o.name);
    if (layout == CsvLayout::kFull) {
      for (const char* suffix : {"_uncertainty", "_by", "_at"}) header.push_back(o.name + suffix);
    }
  }
  if (layout == CsvLayout::kFull) {
    for (const Objective& o : spec.objectives) {
      header.push_back("pred_" + o.name + "_mean");
      header.push_back("pred_" + o.name + "_stddev");
    }
    header.push_back("acquisition");
  }
  std::ostringstream out;
  const auto write_row = [&out](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      out << (i ? "," : "") << CsvEscape(cells[i]);
    }
    out << "\n";
  };
  write_row(header);
  for (const store::Experiment& e : store.ListExperiments(campaign.id())) {
    std::vector<std::string> cells;
    if (layout == CsvLayout::kBoxvia) {
      bool complete = e.status == store::Status::kDone;
      for (const Objective& o : spec.objectives) complete = complete && e.results.contains(o.name);
      if (!complete) continue;
    } else {
      cells = {std::to_string(e.id),
               store::ToString(e.status),
               store::ToString(e.source),
               e.proposer,
               e.rationale,
               e.batch_id ? std::to_string(*e.batch_id) : "",
               e.created_at,
               e.updated_at,
               e.reason,
               JoinFlags(e.flags)};
    }
    for (const space::Parameter& p : spec.space.parameters()) {
      cells.push_back(e.params.contains(p.name) ? FormatJsonScalar(e.params[p.name]) : "");
    }
    for (const Objective& o : spec.objectives) {
      const auto it = e.results.find(o.name);
      if (it == e.results.end()) {
        cells.insert(cells.end(), layout == CsvLayout::kFull ? 4 : 1, "");
        continue;
      }
      cells.push_back(FormatNumber(it->second.value));
      if (layout == CsvLayout::kFull) {
        cells.push_back(FormatOptional(it->second.uncertainty));
        cells.push_back(it->second.by);
        cells.push_back(it->second.at);
      }
    }
    if (layout == CsvLayout::kFull) {
      for (const Objective& o : spec.objectives) {
        const nlohmann::json& p = e.prediction;
        const bool has = p.is_object() && p.contains(o.name) && p[o.name].is_object();
        cells.push_back(has ? FormatJsonScalar(p[o.name].value("mean", nlohmann::json())) : "");
        cells.push_back(has ? FormatJsonScalar(p[o.name].value("stddev", nlohmann::json())) : "");
      }
      const bool has_acq = e.prediction.is_object() && e.prediction.contains("acquisition");
      cells.push_back(has_acq ? FormatJsonScalar(e.prediction["acquisition"]) : "");
    }
    write_row(cells);
  }
  return out.str();
}

std::vector<store::NewExperiment> ParseCsvExperiments(
    const CampaignSpec& spec, const std::string& text, const ImportOptions& options,
    CsvLayout* layout_used, std::vector<Issue>* warnings, std::vector<int>* row_lines) {
  const std::vector<CsvRecord> records = ParseCsvRecords(text);
  if (records.empty()) throw InputError("line 1", "csv.empty", "the file has no header line");
  const CsvRecord& head = records.front();
  IssueList issues;
  std::map<std::string, std::size_t> column;  // name -> index
  for (std::size_t c = 0; c < head.fields.size(); ++c) {
    const std::string name = Trim(head.fields[c]);
    if (!column.emplace(name, c).second) {
      issues.Add(Cell(head.line, name), "csv.duplicate_column",
                 "column '" + name + "' appears twice");
    }
  }
  const CsvLayout layout = options.layout.value_or(
      column.contains("status") && column.contains("source") ? CsvLayout::kFull
                                                             : CsvLayout::kBoxvia);
  if (layout_used) *layout_used = layout;

  // Which header names are allowed.
  std::set<std::string> known;
  for (const space::Parameter& p : spec.space.parameters()) known.insert(p.name);
  for (const Objective& o : spec.objectives) known.insert(o.name);
  if (layout == CsvLayout::kFull) {
    known.insert(FullHead().begin(), FullHead().end());
    for (const Objective& o : spec.objectives) {
      for (const std::string& s : {o.name + "_uncertainty", o.name + "_by", o.name + "_at",
                                   "pred_" + o.name + "_mean", "pred_" + o.name + "_stddev"}) {
        known.insert(s);
      }
    }
    known.insert("acquisition");
  }
  std::string expected;
  for (const space::Parameter& p : spec.space.parameters()) {
    expected += (expected.empty() ? "" : ", ") + p.name;
  }
  for (const Objective& o : spec.objectives) expected += ", " + o.name;
  const std::vector<std::string> known_names(known.begin(), known.end());
  for (const auto& [name, index] : column) {
    if (known.contains(name)) continue;
    std::string hint;
    if (head.fields.size() == 1 &&
        (name.find(';') != std::string::npos || name.find('\t') != std::string::npos)) {
      // A spreadsheet saved with the separator of a comma-decimal locale.
      hint = "; the file seems separated by '" +
             std::string(name.find(';') != std::string::npos ? ";" : "tab") +
             "', kyoso reads comma-separated CSV (save as \"CSV (comma delimited)\")";
    } else if (const std::string guess = ClosestName(name, known_names); !guess.empty()) {
      hint = "; did you mean '" + guess + "'?";
      if (name.size() > guess.size() && name.compare(0, guess.size(), guess) == 0) {
        hint += " (units belong in the spec, not in the header)";
      }
    }
    issues.Add(Cell(head.line, name), "csv.unknown_column",
               "unknown column '" + name + "' (expected " + expected + ")" + hint);
  }
  for (const space::Parameter& p : spec.space.parameters()) {
    if (!column.contains(p.name)) {
      issues.Add("line " + std::to_string(head.line), "csv.missing_column",
                 "the header has no column for parameter '" + p.name + "'");
    }
  }
  for (const Objective& o : spec.objectives) {
    if (layout == CsvLayout::kBoxvia && !column.contains(o.name)) {
      issues.Add("line " + std::to_string(head.line), "csv.missing_objective",
                 "the header has no column for objective '" + o.name +
                     "' (BOXVIA layout: inputs first, objective last)");
    }
  }
  if (layout == CsvLayout::kFull && !column.contains("status")) {
    issues.Add("line " + std::to_string(head.line), "csv.missing_column",
               "the full layout needs a 'status' column");
  }
  issues.ThrowIfAny();

  std::vector<store::NewExperiment> experiments;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& record = records[r];
    const int line = record.line;
    if (record.fields.size() != head.fields.size()) {
      issues.Add("line " + std::to_string(line), "csv.row_length",
                 "row has " + std::to_string(record.fields.size()) + " fields, the header has " +
                     std::to_string(head.fields.size()));
      continue;
    }
    const auto get = [&](const std::string& name) -> std::string {
      const auto it = column.find(name);
      return it == column.end() ? "" : Trim(record.fields[it->second]);
    };
    const std::size_t issues_before = issues.size();
    store::NewExperiment e;
    // Parameters.
    std::vector<double> raw(static_cast<std::size_t>(spec.space.num_parameters()), 0.0);
    for (int i = 0; i < spec.space.num_parameters(); ++i) {
      const space::Parameter& p = spec.space.parameter(i);
      const std::string value = get(p.name);
      const std::string where = Cell(line, p.name);
      double& x = raw[static_cast<std::size_t>(i)];
      if (value.empty()) {
        issues.Add(where, "csv.missing_value", "no value for parameter '" + p.name + "'");
        continue;
      }
      if (p.kind == space::ParameterKind::kCategorical) {
        bool found = false;
        for (std::size_t k = 0; k < p.choices.size(); ++k) {
          if (p.choices[k] == value) {
            x = static_cast<double>(k);
            found = true;
          }
        }
        if (!found) {
          issues.Add(where, "csv.unknown_choice",
                     "'" + value + "' is not a choice of '" + p.name + "'");
        }
        continue;
      }
      if (!ParseNumber(value, x)) {
        issues.Add(where, "csv.non_numeric",
                   "'" + value + "' is not a number" + UnitHint(value, p.unit));
        continue;
      }
      const double tolerance = 1e-9 * std::max(1.0, std::fabs(p.high - p.low));
      if (x < p.low - tolerance || x > p.high + tolerance) {
        issues.Add(where, "csv.out_of_bounds",
                   value + " is outside [" + spec.space.FormatValue(i, p.low) + ", " +
                       spec.space.FormatValue(i, p.high) + "]");
        continue;
      }
      if (p.kind != space::ParameterKind::kContinuous) {
        const double snapped = spec.space.SnapValue(i, x);
        if (std::fabs(snapped - x) > 1e-9 * std::max(1.0, std::fabs(x))) {
          issues.Add(where, "csv.off_grid",
                     value + " is not on the grid of '" + p.name + "' (nearest " +
                         spec.space.FormatValue(i, snapped) + ")");
        }
      }
    }
    // Status, source and provenance.
    bool status_ok = true;
    if (layout == CsvLayout::kFull) {
      const std::optional<store::Status> status = store::ParseStatus(get("status"));
      if (!status) {
        status_ok = false;
        issues.Add(Cell(line, "status"), "csv.bad_status",
                   "'" + get("status") + "' is not a status (" + store::StatusNames() + ")");
      } else {
        e.status = *status;
      }
      const std::string source_text = get("source");
      const std::optional<store::Source> source = source_text.empty()
                                                      ? std::optional(store::Source::kImport)
                                                      : store::ParseSource(source_text);
      if (!source) {
        issues.Add(Cell(line, "source"), "csv.bad_source",
                   "'" + source_text + "' is not a source (" + store::SourceNames() + ")");
      } else {
        e.source = *source;
      }
      e.proposer = get("proposer").empty() ? options.by : get("proposer");
      e.rationale = column.contains("rationale") ? record.fields[column["rationale"]] : "";
      e.reason = column.contains("reason") ? record.fields[column["reason"]] : "";
      if (const std::string batch = get("batch_id"); !batch.empty()) {
        double b = 0;
        if (!ParseNumber(batch, b) || b != std::round(b) || b < 1) {
          issues.Add(Cell(line, "batch_id"), "csv.non_numeric",
                     "'" + batch + "' is not a batch number");
        } else {
          e.batch_id = static_cast<std::int64_t>(b);
        }
      }
      if ((e.status == store::Status::kFailed || e.status == store::Status::kWithdrawn) &&
          Trim(e.reason).empty()) {
        issues.Add(Cell(line, "reason"), "csv.missing_value",
                   "a " + store::ToString(e.status) + " experiment needs a reason");
      }
      std::stringstream flags(get("flags"));
      for (std::string flag; std::getline(flags, flag, ';');) {
        if (!Trim(flag).empty()) e.flags.push_back(Trim(flag));
      }
    } else {
      e.status = store::Status::kDone;
      e.source = store::Source::kImport;
      e.proposer = options.by;
    }
    // Objectives.
    nlohmann::json prediction = nlohmann::json::object();
    for (const Objective& o : spec.objectives) {
      const std::string value = get(o.name);
      if (value.empty()) {
        if (layout == CsvLayout::kBoxvia) {
          issues.Add(Cell(line, o.name), "csv.missing_objective",
                     "no value for objective '" + o.name + "'");
        }
      } else {
        store::Measurement m;
        if (!ParseNumber(value, m.value)) {
          issues.Add(Cell(line, o.name), "csv.non_numeric",
                     "'" + value + "' is not a number" + UnitHint(value, o.unit));
        } else if (status_ok && layout == CsvLayout::kFull && e.status != store::Status::kDone &&
                   e.status != store::Status::kFailed) {
          // done: measured; failed: a retracted measurement (kept, not an observation).
          issues.Add(Cell(line, o.name), "csv.bad_status",
                     "a value is given but the status is " + store::ToString(e.status));
        } else if (status_ok) {
          if (const std::string u = get(o.name + "_uncertainty"); !u.empty()) {
            double sigma = 0;
            if (!ParseNumber(u, sigma) || sigma < 0) {
              issues.Add(Cell(line, o.name + "_uncertainty"), "csv.non_numeric",
                         "'" + u + "' is not a number >= 0");
            } else {
              m.uncertainty = sigma;
            }
          }
          m.by = get(o.name + "_by").empty() ? options.by : get(o.name + "_by");
          m.at = get(o.name + "_at");
          e.results[o.name] = m;
        }
      }
      if (layout == CsvLayout::kFull) {
        const std::string mean = get("pred_" + o.name + "_mean");
        const std::string stddev = get("pred_" + o.name + "_stddev");
        double mu = 0;
        double sd = 0;
        if (!mean.empty() || !stddev.empty()) {
          if (!ParseNumber(mean, mu) || !ParseNumber(stddev, sd) || sd < 0) {
            issues.Add(Cell(line, "pred_" + o.name + "_mean"), "csv.non_numeric",
                       "a prediction needs a numeric mean and a stddev >= 0");
          } else {
            // The exported mean and stddev are on the objective's model scale (of ln value for a
            // log-scale objective); PredictionValueJson restores "scale" and the median and band,
            // which `compare` and the UI read.
            prediction[o.name] = PredictionValueJson(o, mu, sd);
          }
        }
      }
    }
    if (layout == CsvLayout::kFull && status_ok && e.status == store::Status::kDone &&
        e.results.empty()) {
      issues.Add(Cell(line, spec.primary().name), "csv.missing_objective",
                 "a done experiment needs a value for at least one objective");
    }
    if (layout == CsvLayout::kFull) {
      if (const std::string a = get("acquisition"); !a.empty()) {
        double acq = 0;
        if (!ParseNumber(a, acq)) {
          issues.Add(Cell(line, "acquisition"), "csv.non_numeric", "'" + a + "' is not a number");
        } else {
          prediction["acquisition"] = acq;
        }
      }
      if (!prediction.empty()) e.prediction = prediction;
    }
    if (issues.size() != issues_before) continue;
    e.params = RawToParams(spec, raw);
    if (!spec.space.IsFeasible(raw)) {
      if (std::find(e.flags.begin(), e.flags.end(), "violates_constraint") == e.flags.end()) {
        e.flags.push_back("violates_constraint");
      }
      if (warnings) {
        warnings->push_back({"line " + std::to_string(line), "csv.violates_constraint",
                             "row violates " + DescribeViolations(spec, raw) +
                                 "; imported with the flag violates_constraint"});
      }
    }
    experiments.push_back(std::move(e));
    if (row_lines) row_lines->push_back(line);
  }
  issues.ThrowIfAny();
  return experiments;
}

std::string ToString(DuplicateRows duplicates) {
  switch (duplicates) {
    case DuplicateRows::kRefuse:
      return "refuse";
    case DuplicateRows::kSkip:
      return "skip";
    case DuplicateRows::kImport:
      return "import";
  }
  return "refuse";
}

std::optional<DuplicateRows> ParseDuplicateRows(const std::string& text) {
  if (text == "refuse") return DuplicateRows::kRefuse;
  if (text == "skip") return DuplicateRows::kSkip;
  if (text == "import") return DuplicateRows::kImport;
  return std::nullopt;
}

namespace {

// A row is already in the campaign when an experiment has the same parameters, status and
// measured values (who and when may differ: a second import records its own).
bool SameRecord(const store::Experiment& stored, const store::NewExperiment& row) {
  if (stored.status != row.status || stored.params != row.params ||
      stored.results.size() != row.results.size()) {
    return false;
  }
  for (const auto& [objective, m] : row.results) {
    const auto it = stored.results.find(objective);
    if (it == stored.results.end() || it->second.value != m.value) return false;
  }
  return true;
}

}  // namespace

ImportOutcome ImportCsv(store::Store& store, const Campaign& campaign, const std::string& text,
                        const ImportOptions& options) {
  ImportOutcome outcome;
  std::vector<int> lines;
  const std::vector<store::NewExperiment> rows =
      ParseCsvExperiments(campaign.spec, text, options, &outcome.layout, &outcome.warnings, &lines);
  if (rows.empty()) return outcome;
  store.Transaction([&](store::Store& tx) {
    outcome.skipped_lines.clear();
    std::vector<store::NewExperiment> keep;
    if (options.duplicates == DuplicateRows::kImport) {
      keep = rows;
    } else {
      // Read inside the write transaction, so a concurrent import cannot slip in between.
      const std::vector<store::Experiment> stored = tx.ListExperiments(campaign.id());
      IssueList issues;
      constexpr int kMaxListed = 10;  // a whole file imported twice: name a few rows, count all
      int num_duplicates = 0;
      for (std::size_t r = 0; r < rows.size(); ++r) {
        const auto match = std::find_if(stored.begin(), stored.end(),
                                        [&](const auto& e) { return SameRecord(e, rows[r]); });
        if (match == stored.end()) {
          keep.push_back(rows[r]);
          continue;
        }
        if (options.duplicates == DuplicateRows::kSkip) {
          outcome.skipped_lines.push_back(lines[r]);
          continue;
        }
        if (++num_duplicates <= kMaxListed) {
          issues.Add("line " + std::to_string(lines[r]), "csv.duplicate_row",
                     "same conditions and results as experiment #" + std::to_string(match->id) +
                         " (" + store::ToString(match->source) + ", " + match->proposer + ", " +
                         match->created_at.substr(0, 10) + ")");
        }
      }
      if (num_duplicates > 0) {
        issues.Add(
            "", "csv.duplicate_row",
            std::to_string(num_duplicates) + " of " + std::to_string(rows.size()) +
                " rows are already in the campaign (was the file imported before?); "
                "nothing was imported. Remove those rows, or import with duplicates "
                "'skip' (only the new rows) or 'import' (again): `kyoso import "
                "--duplicates skip`, the web UI's import select, or \"duplicates\": \"skip\" over "
                "HTTP");
      }
      issues.ThrowIfAny();
    }
    if (!keep.empty()) outcome.ids = tx.InsertExperiments(campaign.id(), keep, options.by).ids;
  });
  // Warnings of skipped rows do not concern what was imported.
  if (!outcome.skipped_lines.empty()) {
    std::erase_if(outcome.warnings, [&](const Issue& w) {
      for (int line : outcome.skipped_lines) {
        if (w.path == "line " + std::to_string(line)) return true;
      }
      return false;
    });
  }
  return outcome;
}

}  // namespace kyoso::campaign

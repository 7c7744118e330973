// CSV import and export of a campaign's experiments, in two layouts (docs/csv.md):
//   * boxvia: the BOXVIA tool's file: a header, the input parameters first and the objective(s)
//     last, one finished experiment per row;
//   * full: everything kyoso knows that fits a table: id, status, source, proposer, rationale,
//     batch, timestamps, reason, flags, parameters, each objective's value/uncertainty/who/when,
//     and the model's prediction at proposal time.
// Import is all-or-nothing: every problem of the file is collected with its location
// ("line 7, column max_temp") and thrown as one InputError before anything is written; the rows
// are then inserted in one transaction. A row violating a constraint is imported with the flag
// "violates_constraint" and a warning: real measurements are never rejected for that.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kyoso/base/error.h"
#include "kyoso/campaign/campaign.h"
#include "kyoso/store/store.h"

namespace kyoso::campaign {

enum class CsvLayout { kBoxvia, kFull };
std::string ToString(CsvLayout layout);  // "boxvia", "full"
std::optional<CsvLayout> ParseCsvLayout(const std::string& text);

// RFC 4180 records: fields separated by commas, optionally quoted with "" as an escaped quote
// (quoted fields may hold commas and newlines); CRLF or LF line ends; a UTF-8 BOM is skipped.
// Each record remembers the (1-based) line it starts on. Blank lines are skipped.
// Throws InputError csv.quote for an unterminated quote.
struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};
std::vector<CsvRecord> ParseCsvRecords(const std::string& text);
// Quotes a field when it holds a comma, quote, CR or LF.
std::string CsvEscape(const std::string& field);

// Writes the campaign's experiments, ordered by id. boxvia: done experiments with every objective
// measured; full: every experiment.
std::string ExportCsv(store::Store& store, const Campaign& campaign, CsvLayout layout);

struct ImportOptions {
  std::optional<CsvLayout> layout = {};  // default: full when the header has "status" and "source"
  std::string by = "import";             // proposer of boxvia rows, and who imports
};

struct ImportOutcome {
  CsvLayout layout = CsvLayout::kBoxvia;
  std::vector<store::ExperimentId> ids;  // inserted experiments in file order
  std::vector<Issue> warnings;           // csv.violates_constraint per flagged row
};

// The rows of a CSV file as experiments to insert, validated against the spec. Throws one
// InputError listing every problem with codes csv.empty, csv.quote, csv.duplicate_column,
// csv.unknown_column, csv.missing_column, csv.missing_objective, csv.row_length, csv.non_numeric,
// csv.out_of_bounds, csv.off_grid, csv.unknown_choice, csv.bad_status, csv.bad_source,
// csv.missing_value; paths are "line N" or "line N, column NAME".
std::vector<store::NewExperiment> ParseCsvExperiments(const CampaignSpec& spec,
                                                      const std::string& text,
                                                      const ImportOptions& options,
                                                      CsvLayout* layout_used,
                                                      std::vector<Issue>* warnings);

// Parses, then inserts every row in one transaction (all or nothing).
ImportOutcome ImportCsv(store::Store& store, const Campaign& campaign, const std::string& text,
                        const ImportOptions& options);

}  // namespace kyoso::campaign

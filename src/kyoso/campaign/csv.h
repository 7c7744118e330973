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
// measured; full: every experiment (a retracted one as failed, with its reason and its values,
// which an import of the file keeps as retracted values).
std::string ExportCsv(store::Store& store, const Campaign& campaign, CsvLayout layout);

// What to do with a row that is already in the campaign: the same parameters, status and measured
// values as a stored experiment (a file imported twice, or a spreadsheet imported again after
// rows were added to it). Done experiments are never deleted, so a duplicate would stay a second
// observation for good.
//   kRefuse (default): csv.duplicate_row for each such row, nothing imported;
//   kSkip: import only the other rows (ImportOutcome::skipped_lines lists the skipped ones);
//   kImport: import them again (a real repeat that happened to give the same values).
enum class DuplicateRows { kRefuse, kSkip, kImport };
std::string ToString(DuplicateRows duplicates);  // "refuse", "skip", "import"
std::optional<DuplicateRows> ParseDuplicateRows(const std::string& text);

struct ImportOptions {
  std::optional<CsvLayout> layout = {};  // default: full when the header has "status" and "source"
  std::string by = "import";             // proposer of boxvia rows, and who imports
  DuplicateRows duplicates = DuplicateRows::kRefuse;  // rows already in the campaign
};

struct ImportOutcome {
  CsvLayout layout = CsvLayout::kBoxvia;
  std::vector<store::ExperimentId> ids;  // inserted experiments in file order
  std::vector<Issue> warnings;           // csv.violates_constraint per flagged row
  std::vector<int> skipped_lines;        // DuplicateRows::kSkip: lines already in the campaign
};

// The rows of a CSV file as experiments to insert, validated against the spec. Throws one
// InputError listing every problem with codes csv.empty, csv.quote, csv.duplicate_column,
// csv.unknown_column, csv.missing_column, csv.missing_objective, csv.row_length, csv.non_numeric,
// csv.out_of_bounds, csv.off_grid, csv.unknown_choice, csv.bad_status, csv.bad_source,
// csv.missing_value; paths are "line N" or "line N, column NAME". `row_lines` (optional) receives
// the line each returned experiment starts on.
std::vector<store::NewExperiment> ParseCsvExperiments(
    const CampaignSpec& spec, const std::string& text, const ImportOptions& options,
    CsvLayout* layout_used, std::vector<Issue>* warnings, std::vector<int>* row_lines = nullptr);

// Parses, checks the rows against the stored experiments (ImportOptions::duplicates; code
// csv.duplicate_row), then inserts the rows in one transaction (all or nothing).
ImportOutcome ImportCsv(store::Store& store, const Campaign& campaign, const std::string& text,
                        const ImportOptions& options);

}  // namespace kyoso::campaign

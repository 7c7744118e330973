// CSV import/export (docs/csv.md): round trips in both layouts, every import error named by line
// and column, all-or-nothing imports, and constraint violations imported with a flag.
#include "kyoso/campaign/csv.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "kyoso/campaign/compare.h"
#include "kyoso/campaign/demo.h"
#include "support/expect_close.h"
#include "temp_db.h"

namespace kyoso::campaign {
namespace {

using kyoso::testing::ExpectClose;
using testing::TempDb;

// The issues of the InputError thrown by importing `text`, as "path code" strings.
std::vector<std::string> ImportIssues(const CampaignSpec& spec, const std::string& text) {
  try {
    ParseCsvExperiments(spec, text, {}, nullptr, nullptr);
  } catch (const InputError& e) {
    std::vector<std::string> out;
    for (const Issue& issue : e.issues()) out.push_back(issue.path + " " + issue.code);
    return out;
  }
  return {"no error"};
}

// Removes the created_at/updated_at columns (assigned by the store) from a full-layout export.
std::string WithoutTimestamps(const std::string& csv) {
  std::string out;
  for (const CsvRecord& r : ParseCsvRecords(csv)) {
    std::vector<std::string> f = r.fields;
    f.erase(f.begin() + 6, f.begin() + 8);  // created_at, updated_at (columns 7 and 8)
    for (std::size_t i = 0; i < f.size(); ++i) out += (i ? "," : "") + CsvEscape(f[i]);
    out += "\n";
  }
  return out;
}

// A campaign with experiments in every state, from every source, with predictions and quoting.
Campaign Populate(store::Store& db) {
  const Campaign c = Init(db, Ba122Spec(), "alice");
  SuggestRequest request;
  request.batch_size = 2;
  request.seed = 5;
  const std::vector<store::Experiment> engine = Suggest(db, c, request).experiments;
  Start(db, c, engine[0].id, "lab");
  store::Measurement m;
  m.value = 8.25e4;
  m.uncertainty = 1500;
  RecordResults(db, c, engine[0].id, {{"jc", m}}, "lab");
  Fail(db, c, engine[1].id, "lab", "die cracked, \"badly\"");
  Proposal p;
  p.by = "bob";
  p.rationale = "coarse scan, step 50";
  p.params = {{"heating_rate", 50}, {"max_temp", 600}, {"hold_time", 5}};
  store::Measurement r;
  r.value = 1.0068e5;
  p.results = {{"jc", r}};
  AddProposal(db, c, p);
  p.results.clear();
  p.params = {{"heating_rate", 42.125}, {"max_temp", 556}, {"hold_time", 32.47}};
  const store::ExperimentId w = AddProposal(db, c, p).experiment.id;
  Withdraw(db, c, w, "bob", "furnace booked");
  p.params = {{"heating_rate", 20}, {"max_temp", 580}, {"hold_time", 12}};
  AddProposal(db, c, p);
  return c;
}

TEST(Csv, FullLayoutRoundTripGivesTheSameData) {
  TempDb tmp;
  auto db = tmp.Open();
  const Campaign c = Populate(*db);
  const std::string exported = ExportCsv(*db, c, CsvLayout::kFull);
  auto db2 = tmp.Open("copy.db");
  const Campaign c2 = Init(*db2, Ba122Spec(), "alice");
  const ImportOutcome out = ImportCsv(*db2, c2, exported, {});
  EXPECT_EQ(out.layout, CsvLayout::kFull);
  EXPECT_EQ(out.ids.size(), 5u);
  EXPECT_EQ(WithoutTimestamps(ExportCsv(*db2, c2, CsvLayout::kFull)), WithoutTimestamps(exported));
  // Field by field for the measured engine experiment: status, source, proposer, measurement.
  const store::Experiment a = db->GetExperiment(c.id(), 1);
  const store::Experiment b = db2->GetExperiment(c2.id(), 1);
  EXPECT_EQ(b.status, a.status);
  EXPECT_EQ(b.source, store::Source::kEngine);
  EXPECT_EQ(b.proposer, a.proposer);
  EXPECT_EQ(b.params, a.params);
  EXPECT_EQ(b.results.at("jc"), a.results.at("jc"));  // value, uncertainty, by, at
  EXPECT_EQ(db2->GetExperiment(c2.id(), 2).reason, "die cracked, \"badly\"");
}

// A log-scale objective's predictions are exported as mean/stddev of ln(value); importing them back
// must keep them on that scale, or `compare` computes z = (measured - ln-mean) / stddev (a z of
// ~3e4 was seen on a re-imported Ba122 campaign before this was fixed).
TEST(Csv, FullLayoutRoundTripKeepsLogScalePredictionsAndTheirCalibration) {
  TempDb tmp;
  auto db = tmp.Open();
  const Campaign c = Init(*db, Ba122Spec(), "alice");  // jc has "scale": "log"
  std::ifstream in(std::string(KYOSO_SOURCE_DIR) + "/examples/ba122/sps_boxvia.csv");
  const std::string boxvia((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ImportCsv(*db, c, boxvia, {.by = "notebook"});
  SuggestRequest request;
  request.batch_size = 2;
  request.seed = 11;
  const std::vector<store::Experiment> engine = Suggest(*db, c, request).experiments;
  ASSERT_EQ(engine.size(), 2u);
  store::Measurement m;
  m.value = 9.0e4;
  RecordResults(*db, c, engine[0].id, {{"jc", m}}, "lab");
  m.value = 5.0e4;
  RecordResults(*db, c, engine[1].id, {{"jc", m}}, "lab");

  auto db2 = tmp.Open("copy.db");
  const Campaign c2 = Init(*db2, Ba122Spec(), "alice");
  ImportCsv(*db2, c2, ExportCsv(*db, c, CsvLayout::kFull), {});
  for (const store::Experiment& e : engine) {
    const nlohmann::json a = db->GetExperiment(c.id(), e.id).prediction.at("jc");
    const nlohmann::json b = db2->GetExperiment(c2.id(), e.id).prediction.at("jc");
    ASSERT_EQ(a.at("scale"), "log");
    ASSERT_EQ(b.value("scale", ""), "log");  // was missing: compare then took ln-means as values
    // The CSV holds the shortest decimal that reads back as the same double: exact round trip.
    for (const char* key : {"mean", "stddev", "median", "lower", "upper"}) {
      ExpectClose(b.at(key).get<double>(), a.at(key).get<double>(), 1e-15, 0);
    }
  }
  // Invariant: the calibration of the engine's loop is the same in the copy.
  const Comparison before = Compare(c.spec, List(*db, c));
  const Comparison after = Compare(c2.spec, List(*db2, c2));
  ASSERT_EQ(before.loops.front().label, "engine");
  ASSERT_EQ(after.loops.front().label, "engine");
  EXPECT_EQ(after.loops.front().calibration.count, 2);
  ExpectClose(after.loops.front().calibration.rms_z, before.loops.front().calibration.rms_z, 1e-12,
              0);
  EXPECT_LT(after.loops.front().calibration.rms_z, 10.0);
}

TEST(Csv, BoxviaLayoutRoundTripGivesTheSameData) {
  TempDb tmp;
  auto db = tmp.Open();
  const Campaign c = Populate(*db);
  const std::string exported = ExportCsv(*db, c, CsvLayout::kBoxvia);
  // Only done experiments, inputs first and objective last.
  EXPECT_EQ(exported.substr(0, exported.find('\n')), "heating_rate,max_temp,hold_time,jc");
  EXPECT_EQ(ParseCsvRecords(exported).size(), 3u);
  auto db2 = tmp.Open("copy.db");
  const Campaign c2 = Init(*db2, Ba122Spec(), "alice");
  const ImportOutcome out = ImportCsv(*db2, c2, exported, {.by = "notebook"});
  EXPECT_EQ(out.layout, CsvLayout::kBoxvia);
  EXPECT_EQ(ExportCsv(*db2, c2, CsvLayout::kBoxvia), exported);
  const store::Experiment e = db2->GetExperiment(c2.id(), 1);
  EXPECT_EQ(e.source, store::Source::kImport);
  EXPECT_EQ(e.proposer, "notebook");
  EXPECT_EQ(e.status, store::Status::kDone);
}

TEST(Csv, ImportsTheBa122ExampleFile) {
  TempDb tmp;
  auto db = tmp.Open();
  const Campaign c = Init(*db, Ba122Spec(), "alice");
  std::ifstream in(std::string(KYOSO_SOURCE_DIR) + "/examples/ba122/sps_boxvia.csv");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const ImportOutcome out = ImportCsv(*db, c, text, {});
  EXPECT_EQ(out.ids.size(), 10u);
  // Row 4 of the file (line 4): 600 degC, 5 min at 50 degC/min.
  ExpectClose(db->GetExperiment(c.id(), 3).results.at("jc").value, 101076, 0, 0);
}

TEST(Csv, EveryImportErrorNamesItsLineAndColumn) {
  const CampaignSpec spec = ParseSpec(Ba122Spec());
  EXPECT_EQ(ImportIssues(spec, ""), std::vector<std::string>({"line 1 csv.empty"}));
  EXPECT_EQ(ImportIssues(spec, "heating_rate,max_temp,hold_time,jc,colour\n"),
            std::vector<std::string>({"line 1, column colour csv.unknown_column"}));
  EXPECT_EQ(ImportIssues(spec, "heating_rate,max_temp,hold_time\n50,600,5\n"),
            std::vector<std::string>({"line 1 csv.missing_objective"}));
  EXPECT_EQ(ImportIssues(spec, "heating_rate,max_temp,jc\n50,600,1\n"),
            std::vector<std::string>({"line 1 csv.missing_column"}));
  EXPECT_EQ(ImportIssues(spec, "heating_rate,max_temp,max_temp,hold_time,jc\n"),
            std::vector<std::string>({"line 1, column max_temp csv.duplicate_column"}));
  const std::string head = "heating_rate,max_temp,hold_time,jc\n";
  EXPECT_EQ(ImportIssues(spec, head + "50,600,5,1e5\nfast,600,5,1e5\n"),
            std::vector<std::string>({"line 3, column heating_rate csv.non_numeric"}));
  EXPECT_EQ(ImportIssues(spec, head + "50,800,5,1e5\n"),
            std::vector<std::string>({"line 2, column max_temp csv.out_of_bounds"}));
  EXPECT_EQ(ImportIssues(spec, head + "50,600.5,5,1e5\n"),
            std::vector<std::string>({"line 2, column max_temp csv.off_grid"}));
  EXPECT_EQ(ImportIssues(spec, head + "50,600,5,\n"),
            std::vector<std::string>({"line 2, column jc csv.missing_objective"}));
  EXPECT_EQ(ImportIssues(spec, head + "50,600,5,n/a\n"),
            std::vector<std::string>({"line 2, column jc csv.non_numeric"}));
  EXPECT_EQ(ImportIssues(spec, head + "50,600,5\n"),
            std::vector<std::string>({"line 2 csv.row_length"}));
  EXPECT_EQ(ImportIssues(spec, head + "50,,5,1e5\n"),
            std::vector<std::string>({"line 2, column max_temp csv.missing_value"}));
  EXPECT_EQ(ImportIssues(spec, head + "\"50,600,5,1e5\n"),
            std::vector<std::string>({"line 2 csv.quote"}));
  // Every problem of a file at once, with its own line (blank lines count).
  EXPECT_EQ(ImportIssues(spec, head + "50,600,5,1e5\n\n5,600,5,x\n"),
            std::vector<std::string>({"line 4, column heating_rate csv.out_of_bounds",
                                      "line 4, column jc csv.non_numeric"}));
  const std::string full = "status,source,proposer,heating_rate,max_temp,hold_time,jc,reason\n";
  EXPECT_EQ(ImportIssues(spec, full + "finished,engine,x,50,600,5,1e5,\n"),
            std::vector<std::string>({"line 2, column status csv.bad_status"}));
  EXPECT_EQ(ImportIssues(spec, full + "done,robot,x,50,600,5,1e5,\n"),
            std::vector<std::string>({"line 2, column source csv.bad_source"}));
  EXPECT_EQ(ImportIssues(spec, full + "failed,engine,x,50,600,5,,\n"),
            std::vector<std::string>({"line 2, column reason csv.missing_value"}));
  EXPECT_EQ(ImportIssues(spec, full + "done,engine,x,50,600,5,,\n"),
            std::vector<std::string>({"line 2, column jc csv.missing_objective"}));
}

// The first message a lab user reads must say how to fix the file: the intended column for a typo
// or a unit in the header, commas for a ';'-separated spreadsheet export, and the spec's unit for
// a cell typed with its unit.
TEST(Csv, ImportMessagesSayHowToFixTheFile) {
  const CampaignSpec spec = ParseSpec(Ba122Spec());
  const auto messages = [&](const std::string& text) {
    std::vector<std::string> out;
    try {
      ParseCsvExperiments(spec, text, {}, nullptr, nullptr);
    } catch (const InputError& e) {
      for (const Issue& issue : e.issues()) out.push_back(issue.path + ": " + issue.message);
    }
    return out;
  };
  const std::string expected = " (expected heating_rate, max_temp, hold_time, jc)";
  std::vector<std::string> m = messages("heating_rate,max_tmp,hold_time,jc\n50,600,5,1e5\n");
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(m[0], "line 1, column max_tmp: unknown column 'max_tmp'" + expected +
                      "; did you mean 'max_temp'?");
  m = messages("heating_rate (degC/min),max_temp,hold_time,jc\n50,600,5,1e5\n");
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(m[0],
            "line 1, column heating_rate (degC/min): unknown column 'heating_rate (degC/min)'" +
                expected +
                "; did you mean 'heating_rate'? (units belong in the spec, not in the header)");
  m = messages("heating_rate;max_temp;hold_time;jc\n50;600;5;1e5\n");
  ASSERT_FALSE(m.empty());
  EXPECT_NE(m[0].find("the file seems separated by ';', kyoso reads comma-separated CSV"),
            std::string::npos)
      << m[0];
  m = messages("heating_rate,max_temp,hold_time,jc\n50 degC/min,600,5,1e5\n50,600,5,\"9,5e4\"\n");
  EXPECT_EQ(m, std::vector<std::string>(
                   {"line 2, column heating_rate: '50 degC/min' is not a number (write the number "
                    "alone; the column's unit, degC/min, comes from the spec)",
                    "line 3, column jc: '9,5e4' is not a number (use a decimal point: 98.1, not "
                    "98,1)"}));
}

TEST(Csv, ImportIsAllOrNothing) {
  TempDb tmp;
  auto db = tmp.Open();
  const Campaign c = Init(*db, Ba122Spec(), "alice");
  const std::string text = "heating_rate,max_temp,hold_time,jc\n50,600,5,1e5\n50,600,5,oops\n";
  EXPECT_THROW(ImportCsv(*db, c, text, {}), InputError);
  EXPECT_TRUE(List(*db, c).empty());
}

TEST(Csv, ConstraintViolationsAreImportedWithAFlagAndAWarning) {
  TempDb tmp;
  auto db = tmp.Open();
  nlohmann::json spec = Ba122Spec();
  spec["constraints"] = {"max_temp - 20*hold_time <= 600"};
  const Campaign c = Init(*db, spec, "alice");
  const std::string text =
      "heating_rate,max_temp,hold_time,jc\n50,600,5,1e5\n50,650,1,2e4\n";  // 650-20 > 600
  const ImportOutcome out = ImportCsv(*db, c, text, {});
  ASSERT_EQ(out.ids.size(), 2u);
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_EQ(out.warnings[0].path, "line 3");
  EXPECT_EQ(out.warnings[0].code, "csv.violates_constraint");
  // Which constraint, and by how much: 650 - 20*1 - 600 = 30.
  EXPECT_EQ(out.warnings[0].message,
            "row violates 'max_temp - 20*hold_time <= 600' (off by 30); imported with the flag "
            "violates_constraint");
  EXPECT_TRUE(db->GetExperiment(c.id(), 1).flags.empty());
  EXPECT_EQ(db->GetExperiment(c.id(), 2).flags, std::vector<std::string>({"violates_constraint"}));
}

// A file imported twice would add every row again as a second done experiment, which can never be
// removed (nothing is deleted): by default such rows are refused with their line and the stored
// experiment they repeat; "skip" imports only the new rows of a grown spreadsheet; "import"
// imports them anyway.
TEST(Csv, RowsAlreadyInTheCampaignAreRefusedSkippedOrImportedOnRequest) {
  TempDb tmp;
  auto db = tmp.Open();
  const Campaign c = Init(*db, Ba122Spec(), "alice");
  const std::string head = "heating_rate,max_temp,hold_time,jc\n";
  const std::string first = head + "50,500,5,22\n50,550,5,9554\n";
  ASSERT_EQ(ImportCsv(*db, c, first, {.by = "maria"}).ids.size(), 2u);

  // The same file again: refused, nothing written, each row named with the experiment it repeats.
  try {
    ImportCsv(*db, c, first, {.by = "maria"});
    ADD_FAILURE() << "a second import of the same file was accepted";
  } catch (const InputError& e) {
    ASSERT_EQ(e.issues().size(), 3u);
    EXPECT_EQ(e.issues()[0].path, "line 2");
    EXPECT_EQ(e.issues()[0].code, "csv.duplicate_row");
    EXPECT_EQ(e.issues()[0].message.rfind("same conditions and results as experiment #1 (import, "
                                          "maria, ",
                                          0),
              0u)
        << e.issues()[0].message;
    EXPECT_EQ(e.issues()[1].path, "line 3");
    EXPECT_NE(e.issues()[2].message.find("2 of 2 rows are already in the campaign"),
              std::string::npos);
  }
  EXPECT_EQ(List(*db, c).size(), 2u);

  // The spreadsheet grew by one row (and one old row was re-measured with another value: new).
  const std::string grown = first + "50,600,5,101076\n50,550,5,9600\n";
  const ImportOutcome skipped =
      ImportCsv(*db, c, grown, {.by = "maria", .duplicates = DuplicateRows::kSkip});
  EXPECT_EQ(skipped.skipped_lines, std::vector<int>({2, 3}));
  EXPECT_EQ(skipped.ids, std::vector<store::ExperimentId>({3, 4}));
  ExpectClose(db->GetExperiment(c.id(), 3).results.at("jc").value, 101076, 0, 0);
  ExpectClose(db->GetExperiment(c.id(), 4).results.at("jc").value, 9600, 0, 0);

  // A genuine repeat that gave the same value: imported again on request.
  const ImportOutcome again = ImportCsv(*db, c, head + "50,500,5,22\n",
                                        {.by = "ken", .duplicates = DuplicateRows::kImport});
  EXPECT_EQ(again.ids, std::vector<store::ExperimentId>({5}));
  EXPECT_EQ(List(*db, c).size(), 5u);
  EXPECT_EQ(ParseDuplicateRows("skip"), DuplicateRows::kSkip);
  EXPECT_EQ(ParseDuplicateRows("sometimes"), std::nullopt);
}

TEST(CsvRecords, ParsesQuotesEmbeddedNewlinesAndCrLf) {
  const std::vector<CsvRecord> r = ParseCsvRecords(
      "\xEF\xBB\xBF"
      "a,b\r\n\"x, \"\"y\"\"\",\"two\nlines\"\r\n\r\nlast,\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].fields, std::vector<std::string>({"a", "b"}));
  EXPECT_EQ(r[1].fields, std::vector<std::string>({"x, \"y\"", "two\nlines"}));
  EXPECT_EQ(r[1].line, 2);
  EXPECT_EQ(r[2].line, 5);
  EXPECT_EQ(r[2].fields, std::vector<std::string>({"last", ""}));
  EXPECT_EQ(CsvEscape("x, \"y\""), "\"x, \"\"y\"\"\"");
}

}  // namespace
}  // namespace kyoso::campaign

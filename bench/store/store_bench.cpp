// Store throughput on SQLite (a file in the system temp directory, WAL, default synchronous):
// what one CLI verb or one suggest costs in database time, and how reading a campaign scales.
//   build/release/bench/store/store_bench --benchmark_min_time=0.5
// Results go to bench/RESULTS.md (machine, command, date).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "kyoso/store/store.h"

namespace kyoso::store {
namespace {

// A fresh database file (removed with its WAL files at scope exit) with one campaign.
class BenchDatabase {
 public:
  explicit BenchDatabase(const std::string& tag)
      : path_(std::filesystem::temp_directory_path() /
              ("kyoso_store_bench_" + tag + "_" + std::to_string(getpid()) + ".db")) {
    Remove();
    store_ = OpenStore(path_.string());
    campaign_ = store_
                    ->CreateCampaign(
                        {.name = "bench", .spec = nlohmann::json::object(), .created_by = "bench"})
                    .id;
  }
  ~BenchDatabase() {
    store_.reset();
    Remove();
  }
  Store& store() { return *store_; }
  CampaignId campaign() const { return campaign_; }

 private:
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_.string() + suffix);
    }
  }
  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
  CampaignId campaign_ = 0;
};

NewExperiment Proposal(int index) {
  NewExperiment experiment;
  experiment.params = {{"heating_rate", 50.0},
                       {"max_temp", 500 + index % 200},
                       {"hold_time", 5.0},
                       {"atmosphere", "Ar"}};
  experiment.proposer = "kyoso-engine";
  experiment.source = Source::kEngine;
  experiment.prediction = {{"jc", {{"mean", 1.2e4}, {"stddev", 800.0}}}, {"acquisition", 0.3}};
  return experiment;
}

// One suggest's write: a batch of q proposals with predictions in one transaction.
void BM_InsertBatch(benchmark::State& state) {
  BenchDatabase database("insert");
  const std::vector<NewExperiment> batch(static_cast<std::size_t>(state.range(0)), Proposal(1));
  for (auto _ : state) {
    benchmark::DoNotOptimize(database.store().InsertExperiments(
        database.campaign(), batch, "kyoso-engine", {.new_batch = true}));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_InsertBatch)->Arg(1)->Arg(8)->Arg(64);

// One `kyoso start` + `kyoso result`: two write transactions with history.
void BM_StartAndRecordResult(benchmark::State& state) {
  BenchDatabase database("result");
  for (auto _ : state) {
    state.PauseTiming();
    const ExperimentId id =
        database.store().InsertExperiments(database.campaign(), {Proposal(1)}, "ana").ids[0];
    state.ResumeTiming();
    database.store().Start(database.campaign(), id, "ana");
    database.store().RecordResults(database.campaign(), id, {{"jc", {.value = 1.3e4}}}, "ana");
  }
}
BENCHMARK(BM_StartAndRecordResult);

// Reading a whole campaign of n experiments (what every suggest and list does).
void BM_ListExperiments(benchmark::State& state) {
  BenchDatabase database("list");
  const std::vector<NewExperiment> all(static_cast<std::size_t>(state.range(0)), Proposal(3));
  database.store().InsertExperiments(database.campaign(), all, "bench");
  for (auto _ : state) {
    benchmark::DoNotOptimize(database.store().ListExperiments(database.campaign()));
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_ListExperiments)->RangeMultiplier(4)->Range(64, 4096)->Complexity(benchmark::oN);

}  // namespace
}  // namespace kyoso::store

BENCHMARK_MAIN();

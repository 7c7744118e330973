// Helper process of the concurrency tests (sql_store_concurrency_test.cpp): one "researcher or
// engine" writing to a shared database at the same time as others. Usage:
//   store_concurrent_writer LOCATION CAMPAIGN WRITER NUM_EXPERIMENTS BUSY_TIMEOUT_MS
// For i = 0 .. NUM_EXPERIMENTS-1 it inserts experiment {"writer":WRITER,"i":i}, records its
// result jc = 1000*WRITER + i, and adds objective "w<WRITER>_<i>" to the shared experiment 1
// (a read-modify-write of one row that every writer touches: the lost-update probe). Every
// operation that gets store.busy is retried (that is the documented contract for callers).
// Prints "busy_retries=N" and exits 0, or prints the error and exits 1.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "kyoso/base/error.h"
#include "kyoso/store/store.h"

namespace {

long num_busy_retries = 0;

template <class Operation>
auto Retrying(Operation&& operation) {
  for (int attempt = 0;; ++attempt) {
    try {
      return operation();
    } catch (const kyoso::Error& error) {
      if (error.code() != "store.busy" || attempt > 100000) throw;
      ++num_busy_retries;
      std::this_thread::sleep_for(std::chrono::microseconds(200 * (1 + attempt % 7)));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s LOCATION CAMPAIGN WRITER NUM_EXPERIMENTS BUSY_TIMEOUT_MS\n",
                 argv[0]);
    return 2;
  }
  const std::string location = argv[1];
  const std::string campaign_name = argv[2];
  const int writer = std::atoi(argv[3]);
  const int num_experiments = std::atoi(argv[4]);
  const int busy_timeout_ms = std::atoi(argv[5]);
  const std::string who = "writer" + std::to_string(writer);
  try {
    auto store = Retrying(
        [&] { return kyoso::store::OpenStore(location, {.busy_timeout_ms = busy_timeout_ms}); });
    const kyoso::store::CampaignId campaign =
        Retrying([&] { return store->FindCampaign(campaign_name); }).value().id;
    for (int i = 0; i < num_experiments; ++i) {
      kyoso::store::NewExperiment experiment;
      experiment.params = {{"writer", writer}, {"i", i}};
      experiment.proposer = who;
      const kyoso::store::ExperimentId id =
          Retrying([&] { return store->InsertExperiments(campaign, {experiment}, who).ids.at(0); });
      Retrying([&] {
        return store->RecordResults(campaign, id, {{"jc", {.value = 1000.0 * writer + i}}}, who);
      });
      const std::string objective = "w" + std::to_string(writer) + "_" + std::to_string(i);
      Retrying([&] {
        return store->RecordResults(campaign, 1, {{objective, {.value = 1.0 * i}}}, who);
      });
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s: %s\n", who.c_str(), error.what());
    return 1;
  }
  std::printf("busy_retries=%ld\n", num_busy_retries);
  return 0;
}

// Concurrent writer PROCESSES on one database (issue 3: "no lost update, no duplicate id"). Several
// store_concurrent_writer processes run at once against the same campaign, each inserting
// experiments, recording their results, and adding an objective to one shared experiment. With a
// 1 ms busy timeout writers do hit store.busy, and retry as the contract says. Oracles (exact
// invariants): every operation of every writer is present exactly once; experiment ids are
// 1..1+W*N with no gap or duplicate; event numbers are 1..E contiguous with E the exact count of
// operations; the shared experiment holds all W*N objectives (none lost to a concurrent update);
// and a reader polling Events(after = last seen seq) while the writers run sees every event exactly
// once and in order (NOTES.md: a global auto-increment cursor would skip rows that commit late).
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "store_test_support.h"

#ifndef KYOSO_STORE_TEST_BACKEND
#define KYOSO_STORE_TEST_BACKEND "sqlite"
#endif

namespace kyoso::store {
namespace {

using nlohmann::json;

constexpr int kNumWriters = 4;
constexpr int kNumExperimentsPerWriter = 15;

class ConcurrentWriters : public ::testing::TestWithParam<std::string> {};

TEST_P(ConcurrentWriters, AllSucceedWithUniqueContiguousIdsAndNoLostUpdate) {
  testing::FreshDatabase database(GetParam());
  CampaignId campaign = 0;
  {
    auto store = OpenStore(database.location());
    campaign =
        store->CreateCampaign({.name = "shared", .spec = json::object(), .created_by = "ana"}).id;
    NewExperiment shared;
    shared.proposer = "ana";
    store->InsertExperiments(campaign, {shared}, "ana");                 // experiment 1
    store->RecordResults(campaign, 1, {{"seed", {.value = 0}}}, "ana");  // now done
  }

  // Start every writer before reading any output, so that they really run at the same time.
  std::vector<std::FILE*> pipes;
  for (int writer = 0; writer < kNumWriters; ++writer) {
    const std::string command = std::string(KYOSO_STORE_WRITER) + " '" + database.location() +
                                "' shared " + std::to_string(writer) + " " +
                                std::to_string(kNumExperimentsPerWriter) + " 1 2>&1";
    pipes.push_back(popen(command.c_str(), "r"));
    ASSERT_NE(pipes.back(), nullptr);
  }
  // The UI's refresh loop: poll the event log with a cursor while the writers run.
  std::atomic<bool> writers_done{false};
  std::vector<EventSeq> polled;
  std::thread reader([&] {
    auto poller = OpenStore(database.location());
    EventSeq cursor = 0;
    for (bool last_round = false; !last_round;) {
      last_round = writers_done.load();
      for (const HistoryEntry& entry : poller->Events(campaign, cursor)) {
        polled.push_back(entry.seq);
        cursor = entry.seq;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  long total_busy_retries = 0;
  for (int writer = 0; writer < kNumWriters; ++writer) {
    std::string output;
    char buffer[256];
    while (std::fgets(buffer, sizeof(buffer), pipes[writer]) != nullptr) output += buffer;
    const int status = pclose(pipes[writer]);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "writer " << writer << ": " << output;
    long retries = 0;
    ASSERT_EQ(std::sscanf(output.c_str(), "busy_retries=%ld", &retries), 1) << output;
    total_busy_retries += retries;
  }
  writers_done = true;
  reader.join();
  RecordProperty("busy_retries", static_cast<int>(total_busy_retries));

  auto store = OpenStore(database.location());
  const std::vector<Experiment> experiments = store->ListExperiments(campaign);
  constexpr int kTotal = 1 + kNumWriters * kNumExperimentsPerWriter;
  ASSERT_EQ(experiments.size(), static_cast<std::size_t>(kTotal));
  std::set<std::pair<int, int>> seen;
  for (int index = 0; index < kTotal; ++index) {
    const Experiment& experiment = experiments[index];
    EXPECT_EQ(experiment.id, index + 1);  // contiguous, no duplicate (list is ordered by id)
    if (experiment.id == 1) continue;
    const int writer = experiment.params.at("writer").get<int>();
    const int i = experiment.params.at("i").get<int>();
    EXPECT_TRUE(seen.insert({writer, i}).second) << "duplicate insert " << writer << "/" << i;
    EXPECT_EQ(experiment.status, Status::kDone);
    EXPECT_EQ(experiment.results.at("jc").value, 1000.0 * writer + i);
    EXPECT_EQ(experiment.results.at("jc").by, "writer" + std::to_string(writer));
    const auto history = store->ExperimentHistory(campaign, experiment.id);
    ASSERT_EQ(history.size(), 3u);
    EXPECT_EQ(history[0].action, "insert");
    EXPECT_EQ(history[1].action, "result");
    EXPECT_EQ(history[2].action, "status");
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kNumWriters * kNumExperimentsPerWriter));

  // The lost-update probe: every writer's objective on the shared row survived.
  const Experiment shared = store->GetExperiment(campaign, 1);
  EXPECT_EQ(shared.results.size(),
            static_cast<std::size_t>(1 + kNumWriters * kNumExperimentsPerWriter));
  for (int writer = 0; writer < kNumWriters; ++writer) {
    for (int i = 0; i < kNumExperimentsPerWriter; ++i) {
      const std::string objective = "w" + std::to_string(writer) + "_" + std::to_string(i);
      ASSERT_EQ(shared.results.count(objective), 1u) << "lost update: " << objective;
      EXPECT_EQ(shared.results.at(objective).value, 1.0 * i);
    }
  }

  // Events: create, insert, result, status for the set-up, then per writer operation: insert,
  // result, status (its own experiment) and result (shared one).
  const auto events = store->Events(campaign);
  const std::size_t expected = 4 + 4 * kNumWriters * kNumExperimentsPerWriter;
  ASSERT_EQ(events.size(), expected);
  for (std::size_t index = 0; index < events.size(); ++index) {
    EXPECT_EQ(events[index].seq, static_cast<EventSeq>(index + 1));
  }
  ASSERT_EQ(polled.size(), expected) << "the polling reader missed or repeated events";
  for (std::size_t index = 0; index < polled.size(); ++index) {
    EXPECT_EQ(polled[index], static_cast<EventSeq>(index + 1));
  }
  if (database.is_sqlite()) {
    EXPECT_EQ(testing::SqliteIntegrity(database.location()), "ok");
  }
}

INSTANTIATE_TEST_SUITE_P(Backend, ConcurrentWriters, ::testing::Values(KYOSO_STORE_TEST_BACKEND));

}  // namespace
}  // namespace kyoso::store

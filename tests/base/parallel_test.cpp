// ParallelFor (base/parallel.h): every task runs exactly once whatever the thread count, worker 0
// is the calling thread, and the exception of the lowest failing task index is rethrown.
#include "kyoso/base/parallel.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace kyoso {
namespace {

TEST(ParallelFor, RunsEveryTaskOnceForAnyThreadCount) {
  for (int threads : {1, 2, 3, 8}) {
    std::vector<int> runs(37, 0);
    ParallelFor(37, threads, [&](int task, int) { ++runs[static_cast<std::size_t>(task)]; });
    for (int count : runs) EXPECT_EQ(count, 1) << threads << " threads";
  }
  ParallelFor(0, 2, [](int, int) { FAIL() << "no task expected"; });
}

TEST(ParallelFor, WorkerZeroIsTheCallingThread) {
  const std::thread::id caller = std::this_thread::get_id();
  std::vector<int> worker_of(16, -1);
  std::vector<bool> on_caller(16, false);
  ParallelFor(16, 2, [&](int task, int worker) {
    worker_of[static_cast<std::size_t>(task)] = worker;
    on_caller[static_cast<std::size_t>(task)] = std::this_thread::get_id() == caller;
  });
  for (std::size_t t = 0; t < 16; ++t) EXPECT_EQ(worker_of[t] == 0, on_caller[t]) << "task " << t;
}

TEST(ParallelFor, RethrowsTheLowestFailingTaskAfterRunningAll) {
  std::vector<int> runs(10, 0);
  try {
    ParallelFor(10, 3, [&](int task, int) {
      ++runs[static_cast<std::size_t>(task)];
      if (task == 7 || task == 4) throw std::runtime_error("task " + std::to_string(task));
    });
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "task 4");
  }
  for (int count : runs) EXPECT_EQ(count, 1);
}

TEST(ResolveNumThreads, ZeroMeansTheHardwareThreadsAndPositiveIsKept) {
  EXPECT_GE(ResolveNumThreads(0), 1);
  EXPECT_EQ(ResolveNumThreads(3), 3);
}

}  // namespace
}  // namespace kyoso

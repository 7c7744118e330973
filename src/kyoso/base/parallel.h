// A small deterministic parallel-for over independent tasks (hyperparameter restarts, acquisition
// starts, column panels of a matrix). Each task writes only its own outputs, and callers reduce
// them in task order afterwards, so results are bitwise identical for every thread count; the
// thread count is an argument (from an Options struct), never read from the environment.
// std::thread rather than OpenMP: no runtime state shared with other libraries, and Eigen's own
// OpenMP parallelism (whose blocking depends on the thread count) is never switched on.
#pragma once

#include <algorithm>
#include <atomic>
#include <exception>
#include <system_error>
#include <thread>
#include <vector>

namespace kyoso {

// Threads to use for `requested` (an Options field): 0 means every hardware thread, >= 1 as given.
inline int ResolveNumThreads(int requested) {
  if (requested >= 1) return requested;
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware == 0 ? 1 : static_cast<int>(hardware);
}

// Calls fn(task, worker) for every task in [0, num_tasks), on min(num_threads, num_tasks) threads;
// worker 0 is the calling thread (so callbacks such as progress reports can be limited to it).
// Tasks are handed out in increasing order; which worker runs which task is unspecified. When
// tasks throw, every task still runs and the exception of the lowest task index is rethrown here.
template <typename Fn>
void ParallelFor(int num_tasks, int num_threads, Fn&& fn) {
  if (num_tasks <= 0) return;
  const int workers = std::clamp(num_threads, 1, num_tasks);
  if (workers == 1) {
    for (int task = 0; task < num_tasks; ++task) fn(task, 0);
    return;
  }
  std::atomic<int> next{0};
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(num_tasks));
  auto work = [&](int worker) {
    for (int task = next.fetch_add(1); task < num_tasks; task = next.fetch_add(1)) {
      try {
        fn(task, worker);
      } catch (...) {
        errors[static_cast<std::size_t>(task)] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(workers - 1));
  for (int worker = 1; worker < workers; ++worker) {
    try {
      threads.emplace_back(work, worker);
    } catch (const std::system_error&) {
      break;  // no more threads available: the ones started (and this one) do the work
    }
  }
  work(0);
  for (std::thread& thread : threads) thread.join();
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace kyoso

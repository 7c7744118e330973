// The one callback through which long work (fits, suggestions, simulations) reports progress and
// can be cancelled. Library code never prints: the CLI draws a bar from these events, the server
// streams them. A sink returning false asks the work to stop at its next safe point; the work then
// returns a Summary whose termination says it was cancelled.
#pragma once

#include <functional>
#include <string>
#include <utility>

namespace kyoso {

struct ProgressEvent {
  std::string stage;    // e.g. "fit", "suggest", "ramp"; stable, short
  double fraction = 0;  // in [0, 1] within the stage; negative when unknown
  std::string message;  // human detail, may be empty
};

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // Returns false to request cancellation.
  virtual bool Update(const ProgressEvent& event) = 0;
};

// A sink that ignores every event and never cancels.
class NullProgress final : public ProgressSink {
 public:
  bool Update(const ProgressEvent&) override { return true; }
};

// Adapts a function (e.g. a lambda in a test or a shell) to a ProgressSink.
class FunctionProgress final : public ProgressSink {
 public:
  explicit FunctionProgress(std::function<bool(const ProgressEvent&)> fn) : fn_(std::move(fn)) {}
  bool Update(const ProgressEvent& event) override { return fn_ ? fn_(event) : true; }

 private:
  std::function<bool(const ProgressEvent&)> fn_;
};

}  // namespace kyoso

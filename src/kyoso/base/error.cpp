// Error types of error.h.
#include "kyoso/base/error.h"

#include <utility>

namespace kyoso {

Error::Error(std::string code, const std::string& message)
    : std::runtime_error(message), code_(std::move(code)) {}

namespace {
std::string FirstCode(const std::vector<Issue>& issues) {
  return issues.empty() ? std::string("input.invalid") : issues.front().code;
}
}  // namespace

std::string FormatIssues(const std::vector<Issue>& issues) {
  std::string text;
  for (const Issue& issue : issues) {
    if (!text.empty()) text += '\n';
    if (!issue.path.empty()) text += issue.path + ": ";
    text += issue.message + " [" + issue.code + "]";
  }
  return text;
}

InputError::InputError(std::vector<Issue> issues)
    : Error(FirstCode(issues), FormatIssues(issues)), issues_(std::move(issues)) {}

InputError::InputError(std::string path, std::string code, std::string message)
    : InputError(std::vector<Issue>{{std::move(path), std::move(code), std::move(message)}}) {}

InternalError::InternalError(const std::string& message) : Error("internal", message) {}

void IssueList::Add(std::string path, std::string code, std::string message) {
  issues_.push_back({std::move(path), std::move(code), std::move(message)});
}

void IssueList::Append(const std::vector<Issue>& more) {
  issues_.insert(issues_.end(), more.begin(), more.end());
}

void IssueList::ThrowIfAny() const {
  if (!issues_.empty()) throw InputError(issues_);
}

}  // namespace kyoso

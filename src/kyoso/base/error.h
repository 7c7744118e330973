// Errors with stable dotted codes and locations: the one vocabulary every module uses to say what
// went wrong and where. Bad user input is collected issue by issue (each with a JSON pointer,
// "line:col" or "row N, column NAME" location) and thrown once as an InputError, so a user sees every
// problem of a spec or CSV at once. Shells map these in one place (CLI: `error[code]: message`,
// server: HTTP status + {"error":{...}}). See ../shared/STYLE.md, "Errors".
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace kyoso {

// One problem with user input. `path` locates it: a JSON pointer ("/parameters/2/low"), a text
// position ("1:14"), or a table cell ("line 7, column max_temp"). `code` is stable and dotted
// ("spec.bounds_order"); tests and scripts key on it, so never rename a code.
struct Issue {
  std::string path;
  std::string code;
  std::string message;
};

// Base of all kyoso errors. `code()` is stable and dotted; `what()` is the human message.
class Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string& message);
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

// Bad user input: one or more issues. code() is the first issue's code; what() lists them all.
class InputError : public Error {
 public:
  explicit InputError(std::vector<Issue> issues);
  InputError(std::string path, std::string code, std::string message);
  const std::vector<Issue>& issues() const { return issues_; }

 private:
  std::vector<Issue> issues_;
};

// A broken internal invariant that would corrupt data if ignored. Servers roll back and go on.
class InternalError : public Error {
 public:
  explicit InternalError(const std::string& message);
};

// Collects issues while validating, then throws them together.
//   IssueList issues;
//   if (low >= high) issues.Add("/parameters/0/high", "spec.bounds_order", "high must exceed low");
//   issues.ThrowIfAny();
class IssueList {
 public:
  void Add(std::string path, std::string code, std::string message);
  void Append(const std::vector<Issue>& more);
  bool empty() const { return issues_.empty(); }
  std::size_t size() const { return issues_.size(); }
  const std::vector<Issue>& issues() const { return issues_; }
  // Throws InputError with every collected issue; does nothing when there are none.
  void ThrowIfAny() const;

 private:
  std::vector<Issue> issues_;
};

// Formats issues one per line as "path: message [code]".
std::string FormatIssues(const std::vector<Issue>& issues);

}  // namespace kyoso

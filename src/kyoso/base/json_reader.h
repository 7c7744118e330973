// Reading JSON specs with every problem reported at its JSON pointer. An ObjectReader wraps one
// JSON object: each accessor records the key as known and, on a missing or mistyped value, adds an
// Issue ("/material/jc/jc0", "spec.type", "expected a number") to a shared IssueList instead of
// throwing, so one pass over a spec reports every problem. CheckNoUnknownKeys() then flags
// misspelt keys ("spec.unknown_key"), which otherwise would be silently ignored.
//   IssueList issues;
//   ObjectReader root(json, "", issues);
//   double radius = root.Quantity("radius", dim::kLength).value_or(0);
//   root.CheckNoUnknownKeys();
//   issues.ThrowIfAny();
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kyoso/base/error.h"
#include "kyoso/base/units.h"

namespace kyoso {

// Appends a key or index to a JSON pointer, escaping '~' and '/' (RFC 6901).
std::string JsonPointer(const std::string& parent, const std::string& key);
std::string JsonPointer(const std::string& parent, std::size_t index);

// Parses JSON text; a syntax error becomes InputError "json.syntax" at "line:col" of the text.
nlohmann::json ParseJson(const std::string& text, const std::string& source_name = "");

class ObjectReader {
 public:
  // `value` must outlive the reader. If it is not an object an issue is added and every accessor
  // returns nullopt.
  ObjectReader(const nlohmann::json& value, std::string path, IssueList& issues);

  const std::string& path() const { return path_; }
  std::string PathOf(const std::string& key) const { return JsonPointer(path_, key); }
  bool Has(const std::string& key) const;
  IssueList& issues() { return *issues_; }

  // The raw value, or nullptr when absent (an issue "spec.missing" is added when required).
  const nlohmann::json* Get(const std::string& key, bool required = false);

  std::optional<double> Number(const std::string& key, bool required = false);
  std::optional<std::int64_t> Integer(const std::string& key, bool required = false);
  std::optional<bool> Bool(const std::string& key, bool required = false);
  std::optional<std::string> String(const std::string& key, bool required = false);
  // One of `choices`; otherwise an issue "spec.choice" listing them.
  std::optional<std::string> Choice(const std::string& key, const std::vector<std::string>& choices,
                                    bool required = false);
  // A number (SI) or a string with units, checked against `dimension` (see units.h).
  std::optional<double> Quantity(const std::string& key, const Dimension& dimension,
                                 bool required = false);
  // A nested object reader (sharing the issue list); nullopt when absent or not an object.
  std::optional<ObjectReader> Object(const std::string& key, bool required = false);
  // An array; nullptr when absent or not an array.
  const nlohmann::json* Array(const std::string& key, bool required = false);

  // Adds "spec.unknown_key" for every key no accessor asked for.
  void CheckNoUnknownKeys();

  // Adds an issue at this object's key.
  void AddIssue(const std::string& key, std::string code, std::string message);

 private:
  const nlohmann::json* value_;
  std::string path_;
  IssueList* issues_;
  std::set<std::string> known_;
  bool is_object_ = false;
};

}  // namespace kyoso

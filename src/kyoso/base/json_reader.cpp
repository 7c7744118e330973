// ObjectReader and JSON pointer helpers of json_reader.h.
#include "kyoso/base/json_reader.h"

#include <cmath>
#include <utility>

namespace kyoso {

std::string JsonPointer(const std::string& parent, const std::string& key) {
  std::string escaped;
  for (char c : key) {
    if (c == '~') {
      escaped += "~0";
    } else if (c == '/') {
      escaped += "~1";
    } else {
      escaped += c;
    }
  }
  return parent + "/" + escaped;
}

std::string JsonPointer(const std::string& parent, std::size_t index) {
  return parent + "/" + std::to_string(index);
}

nlohmann::json ParseJson(const std::string& text, const std::string& source_name) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // Translate the byte offset into line:col for people.
    std::size_t line = 1, col = 1;
    const std::size_t limit = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    for (std::size_t i = 0; i < limit; ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    std::string where = std::to_string(line) + ":" + std::to_string(col);
    if (!source_name.empty()) where = source_name + ":" + where;
    std::string message = e.what();
    // nlohmann prefixes "[json.exception.parse_error.101] parse error at line 1, column 2: ".
    if (auto colon = message.find("syntax error"); colon != std::string::npos) {
      message = message.substr(colon);
    }
    throw InputError(where, "json.syntax", "invalid JSON: " + message);
  }
}

ObjectReader::ObjectReader(const nlohmann::json& value, std::string path, IssueList& issues)
    : value_(&value), path_(std::move(path)), issues_(&issues), is_object_(value.is_object()) {
  if (!is_object_) {
    issues_->Add(path_.empty() ? "/" : path_, "spec.type",
                 std::string("expected an object, found ") + value.type_name());
  }
}

bool ObjectReader::Has(const std::string& key) const {
  return is_object_ && value_->contains(key);
}

const nlohmann::json* ObjectReader::Get(const std::string& key, bool required) {
  known_.insert(key);
  if (!is_object_) return nullptr;
  auto it = value_->find(key);
  if (it == value_->end()) {
    if (required) issues_->Add(PathOf(key), "spec.missing", "required key '" + key + "' is missing");
    return nullptr;
  }
  return &*it;
}

void ObjectReader::AddIssue(const std::string& key, std::string code, std::string message) {
  issues_->Add(PathOf(key), std::move(code), std::move(message));
}

std::optional<double> ObjectReader::Number(const std::string& key, bool required) {
  const nlohmann::json* v = Get(key, required);
  if (!v) return std::nullopt;
  if (!v->is_number()) {
    AddIssue(key, "spec.type", std::string("expected a number, found ") + v->type_name());
    return std::nullopt;
  }
  const double x = v->get<double>();
  if (!std::isfinite(x)) {
    AddIssue(key, "spec.not_finite", "expected a finite number");
    return std::nullopt;
  }
  return x;
}

std::optional<std::int64_t> ObjectReader::Integer(const std::string& key, bool required) {
  const nlohmann::json* v = Get(key, required);
  if (!v) return std::nullopt;
  if (v->is_number_integer()) return v->get<std::int64_t>();
  if (v->is_number_float()) {
    const double x = v->get<double>();
    if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 9e15) {
      return static_cast<std::int64_t>(x);
    }
  }
  AddIssue(key, "spec.type", std::string("expected an integer, found ") + v->dump());
  return std::nullopt;
}

std::optional<bool> ObjectReader::Bool(const std::string& key, bool required) {
  const nlohmann::json* v = Get(key, required);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    AddIssue(key, "spec.type", std::string("expected true or false, found ") + v->type_name());
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::string> ObjectReader::String(const std::string& key, bool required) {
  const nlohmann::json* v = Get(key, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    AddIssue(key, "spec.type", std::string("expected a string, found ") + v->type_name());
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<std::string> ObjectReader::Choice(const std::string& key,
                                                const std::vector<std::string>& choices,
                                                bool required) {
  std::optional<std::string> s = String(key, required);
  if (!s) return std::nullopt;
  for (const std::string& c : choices) {
    if (c == *s) return s;
  }
  std::string list;
  for (const std::string& c : choices) list += (list.empty() ? "" : ", ") + c;
  AddIssue(key, "spec.choice", "'" + *s + "' is not one of: " + list);
  return std::nullopt;
}

std::optional<double> ObjectReader::Quantity(const std::string& key, const Dimension& dimension,
                                             bool required) {
  const nlohmann::json* v = Get(key, required);
  if (!v) return std::nullopt;
  if (v->is_number()) {
    const double x = v->get<double>();
    if (!std::isfinite(x)) {
      AddIssue(key, "spec.not_finite", "expected a finite number");
      return std::nullopt;
    }
    return x;
  }
  if (v->is_string()) {
    try {
      return ParseQuantityAs(v->get<std::string>(), dimension, PathOf(key));
    } catch (const InputError& e) {
      issues_->Append(e.issues());
      return std::nullopt;
    }
  }
  AddIssue(key, "spec.type",
           std::string("expected a number in SI units or a string with units (e.g. \"15 mm\"), "
                       "found ") + v->type_name());
  return std::nullopt;
}

std::optional<ObjectReader> ObjectReader::Object(const std::string& key, bool required) {
  const nlohmann::json* v = Get(key, required);
  if (!v) return std::nullopt;
  if (!v->is_object()) {
    AddIssue(key, "spec.type", std::string("expected an object, found ") + v->type_name());
    return std::nullopt;
  }
  return ObjectReader(*v, PathOf(key), *issues_);
}

const nlohmann::json* ObjectReader::Array(const std::string& key, bool required) {
  const nlohmann::json* v = Get(key, required);
  if (!v) return nullptr;
  if (!v->is_array()) {
    AddIssue(key, "spec.type", std::string("expected an array, found ") + v->type_name());
    return nullptr;
  }
  return v;
}

void ObjectReader::CheckNoUnknownKeys() {
  if (!is_object_) return;
  for (auto it = value_->begin(); it != value_->end(); ++it) {
    if (!known_.count(it.key())) {
      issues_->Add(PathOf(it.key()), "spec.unknown_key", "unknown key '" + it.key() + "'");
    }
  }
}

}  // namespace kyoso

// The quantity parser of units.h: a hand-written recursive-descent reader, no regex, no eval.
#include "kyoso/base/units.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <utility>

#include "kyoso/base/error.h"

namespace kyoso {
namespace {

struct UnitDef {
  std::string_view symbol;
  double factor;  // SI value of one unit
  Dimension dimension;
};

constexpr Dimension D(int l, int m, int t, int a, int k, int n) { return {{l, m, t, a, k, n}}; }

// Base units and derived units we accept. Order does not matter: lookup is exact.
constexpr UnitDef kUnits[] = {
    {"m", 1.0, D(1, 0, 0, 0, 0, 0)},          {"g", 1e-3, D(0, 1, 0, 0, 0, 0)},
    {"s", 1.0, D(0, 0, 1, 0, 0, 0)},          {"A", 1.0, D(0, 0, 0, 1, 0, 0)},
    {"K", 1.0, D(0, 0, 0, 0, 1, 0)},          {"mol", 1.0, D(0, 0, 0, 0, 0, 1)},
    {"min", 60.0, D(0, 0, 1, 0, 0, 0)},       {"h", 3600.0, D(0, 0, 1, 0, 0, 0)},
    {"T", 1.0, D(0, 1, -2, -1, 0, 0)},        {"G", 1e-4, D(0, 1, -2, -1, 0, 0)},
    {"V", 1.0, D(2, 1, -3, -1, 0, 0)},        {"J", 1.0, D(2, 1, -2, 0, 0, 0)},
    {"W", 1.0, D(2, 1, -3, 0, 0, 0)},         {"N", 1.0, D(1, 1, -2, 0, 0, 0)},
    {"Pa", 1.0, D(-1, 1, -2, 0, 0, 0)},       {"Hz", 1.0, D(0, 0, -1, 0, 0, 0)},
    {"eV", 1.602176634e-19, D(2, 1, -2, 0, 0, 0)}, {"L", 1e-3, D(3, 0, 0, 0, 0, 0)},
    {"degC", 1.0, D(0, 0, 0, 0, 1, 0)},       {"\xC2\xB0" "C", 1.0, D(0, 0, 0, 0, 1, 0)},
};

struct Prefix {
  std::string_view symbol;
  double factor;
};
constexpr Prefix kPrefixes[] = {{"G", 1e9},  {"M", 1e6},  {"k", 1e3},  {"c", 1e-2},
                                {"m", 1e-3}, {"u", 1e-6}, {"\xC2\xB5", 1e-6}, {"n", 1e-9},
                                {"p", 1e-12}};

std::optional<UnitDef> FindUnit(std::string_view symbol) {
  for (const UnitDef& unit : kUnits) {
    if (unit.symbol == symbol) return unit;
  }
  for (const Prefix& prefix : kPrefixes) {
    if (symbol.size() > prefix.symbol.size() && symbol.starts_with(prefix.symbol)) {
      std::string_view rest = symbol.substr(prefix.symbol.size());
      for (const UnitDef& unit : kUnits) {
        if (unit.symbol == rest && rest != "degC" && rest != "min" && rest != "h") {
          return UnitDef{symbol, prefix.factor * unit.factor, unit.dimension};
        }
      }
    }
  }
  return std::nullopt;
}

bool IsSymbolChar(unsigned char c) {
  return std::isalpha(c) || c >= 0x80;  // letters, and the UTF-8 bytes of µ and °
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& path) : text_(text), path_(path) {}

  Quantity Parse() {
    SkipSpaces();
    const char* begin = text_.data() + pos_;
    const char* end = text_.data() + text_.size();
    if (begin != end && *begin == '+') ++begin;  // from_chars rejects a leading '+'
    double value = 0;
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || !std::isfinite(value)) {
      Fail("units.syntax", "expected a finite number");
    }
    pos_ = static_cast<std::size_t>(ptr - text_.data());
    SkipSpaces();
    if (pos_ == text_.size()) return {value, dim::kDimensionless};

    double factor = 1.0;
    Dimension dimension;
    int num_factors = 0;
    bool absolute_celsius = false;
    int sign = +1;
    while (true) {
      const std::size_t symbol_start = pos_;
      while (pos_ < text_.size() && IsSymbolChar(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      std::string_view symbol = text_.substr(symbol_start, pos_ - symbol_start);
      if (symbol.empty()) Fail("units.syntax", "expected a unit symbol");
      std::optional<UnitDef> unit = FindUnit(symbol);
      if (!unit) {
        pos_ = symbol_start;
        Fail("units.unknown_unit", "unknown unit '" + std::string(symbol) + "'");
      }
      int exponent = 1;
      if (pos_ < text_.size() && text_[pos_] == '^') {
        ++pos_;
        const char* first = text_.data() + pos_;
        auto [p, e] = std::from_chars(first, text_.data() + text_.size(), exponent);
        if (e != std::errc()) Fail("units.syntax", "expected an integer exponent after '^'");
        pos_ = static_cast<std::size_t>(p - text_.data());
      }
      exponent *= sign;
      factor *= std::pow(unit->factor, exponent);
      for (std::size_t i = 0; i < 6; ++i) dimension.exponents[i] += unit->dimension.exponents[i] * exponent;
      if ((symbol == "degC" || symbol == "\xC2\xB0" "C") && exponent == 1 && num_factors == 0) {
        absolute_celsius = true;
      }
      ++num_factors;
      SkipSpaces();
      if (pos_ == text_.size()) break;
      const char op = text_[pos_];
      if (op == '/') {
        sign = -1;
      } else if (op == '*' || op == '.') {
        sign = +1;
      } else {
        Fail("units.syntax", "expected '*', '/' or the end of the unit");
      }
      ++pos_;
      SkipSpaces();
    }
    double si = value * factor;
    if (absolute_celsius && num_factors == 1) si += 273.15;
    return {si, dimension};
  }

 private:
  void SkipSpaces() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  [[noreturn]] void Fail(const std::string& code, const std::string& what) {
    throw InputError(path_, code,
                     "in quantity \"" + std::string(text_) + "\" at character " +
                         std::to_string(pos_ + 1) + ": " + what);
  }

  std::string_view text_;
  const std::string& path_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string ToString(const Dimension& dimension) {
  static constexpr std::string_view kNames[] = {"m", "kg", "s", "A", "K", "mol"};
  std::string text;
  for (std::size_t i = 0; i < 6; ++i) {
    const int e = dimension.exponents[i];
    if (e == 0) continue;
    if (!text.empty()) text += ' ';
    text += kNames[i];
    if (e != 1) text += "^" + std::to_string(e);
  }
  return text.empty() ? "1 (dimensionless)" : text;
}

Quantity ParseQuantity(std::string_view text, const std::string& path) {
  return Parser(text, path).Parse();
}

double ParseQuantityAs(std::string_view text, const Dimension& expected, const std::string& path) {
  Quantity q = ParseQuantity(text, path);
  if (q.dimension == dim::kDimensionless) return q.value;  // bare number: SI by convention
  if (!(q.dimension == expected)) {
    throw InputError(path, "units.dimension",
                     "quantity \"" + std::string(text) + "\" has dimension " +
                         ToString(q.dimension) + ", expected " + ToString(expected));
  }
  return q.value;
}

}  // namespace kyoso

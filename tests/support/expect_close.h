// The one closeness check for computed doubles in tests: passes when
// |actual - expected| <= max(abs, rel * |expected|). Failures point at the caller's line.
//   ExpectClose(b_center, 1.241983e-8 * jc, 1e-6, 0.0);  // source + tolerance in a comment
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <source_location>
#include <sstream>

namespace kyoso::testing {

inline ::testing::AssertionResult IsClose(double actual, double expected, double rel, double abs) {
  const double tolerance = std::max(abs, rel * std::fabs(expected));
  const double error = std::fabs(actual - expected);
  if (error <= tolerance && std::isfinite(actual)) return ::testing::AssertionSuccess();
  std::ostringstream out;
  out.precision(17);
  out << "actual " << actual << " vs expected " << expected << ": |error| " << error
      << " > tolerance " << tolerance << " (rel " << rel << ", abs " << abs << ")";
  return ::testing::AssertionFailure() << out.str();
}

inline void ExpectClose(double actual, double expected, double rel, double abs = 0.0,
                        std::source_location where = std::source_location::current()) {
  ::testing::AssertionResult result = IsClose(actual, expected, rel, abs);
  if (!result) {
    ADD_FAILURE_AT(where.file_name(), static_cast<int>(where.line())) << result.message();
  }
}

}  // namespace kyoso::testing

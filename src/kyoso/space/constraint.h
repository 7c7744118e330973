// One constraint of a search space, written as text over parameter names
// ("max_temp - 20*hold_time <= 600", "heating_rate * hold_time >= 100"). Parsed by a real
// recursive-descent parser (detail/expression.h; never executed as code), compiled to a small
// postfix program, and analysed symbolically so that linear constraints are known as such
// (the optimizer may exploit them). Values are raw parameter values in the user's units.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kyoso/space/detail/expression.h"

namespace kyoso::space {

enum class Comparison { kLessEqual, kGreaterEqual, kLess, kGreater };
std::string ToString(Comparison comparison);  // "<=", ">=", "<", ">"

// slack(x) = coefficients . x + constant, one coefficient per parameter of the space.
struct LinearForm {
  std::vector<double> coefficients;
  double constant = 0;
};

class Constraint {
 public:
  // Parses `text` over `names` (parameter names, matched as whole identifiers). Throws
  // InputError at `path` with a message "line:col: what was expected/found" and a code among
  // constraint.syntax, constraint.unknown_name, constraint.unknown_function, constraint.arity.
  static Constraint Parse(std::string_view text, const std::vector<std::string>& names,
                          const std::string& path = "/constraints/0");

  const std::string& text() const { return text_; }
  Comparison comparison() const { return comparison_; }
  bool strict() const {
    return comparison_ == Comparison::kLess || comparison_ == Comparison::kGreater;
  }

  // g(x) = lhs - rhs for <= and <, rhs - lhs for >= and >: the constraint holds when g <= 0
  // (g < 0 for strict comparisons). `raw` holds one value per parameter (size = names.size()).
  // NaN (e.g. log of a negative number) propagates and counts as violated.
  double Slack(std::span<const double> raw) const;
  bool IsSatisfied(std::span<const double> raw) const;
  // Whether a slack value counts as satisfied for this comparison.
  bool Holds(double slack) const;

  // True when g is affine in the parameters; linear() then holds its coefficients.
  bool IsLinear() const { return linear_.has_value(); }
  const LinearForm& linear() const { return *linear_; }
  // Sorted indices of the parameters the constraint mentions.
  const std::vector<int>& variables() const { return variables_; }

 private:
  std::string text_;
  Comparison comparison_ = Comparison::kLessEqual;
  detail::Program program_;
  std::optional<LinearForm> linear_;
  std::vector<int> variables_;
  std::size_t num_names_ = 0;
};

}  // namespace kyoso::space

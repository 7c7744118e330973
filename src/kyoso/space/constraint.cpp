// Constraint: parse errors located as "line:col", slack evaluation and the linear form.
#include "kyoso/space/constraint.h"

#include <cmath>

#include "kyoso/base/error.h"

namespace kyoso::space {

std::string ToString(Comparison comparison) {
  switch (comparison) {
    case Comparison::kLessEqual:
      return "<=";
    case Comparison::kGreaterEqual:
      return ">=";
    case Comparison::kLess:
      return "<";
    case Comparison::kGreater:
      return ">";
  }
  return "?";
}

Constraint Constraint::Parse(std::string_view text, const std::vector<std::string>& names,
                             const std::string& path) {
  detail::ParseFailure failure;
  auto parsed = detail::ParseConstraint(text, names, failure);
  if (!parsed) {
    throw InputError(path, failure.code,
                     std::to_string(failure.line) + ":" + std::to_string(failure.column) + ": " +
                         failure.message + " in \"" + std::string(text) + "\"");
  }
  Constraint constraint;
  constraint.text_ = std::string(text);
  constraint.comparison_ = static_cast<Comparison>(parsed->comparison);
  constraint.program_ = std::move(parsed->slack);
  if (parsed->linear) {
    constraint.linear_ =
        LinearForm{std::move(parsed->linear->coefficients), parsed->linear->constant};
  }
  constraint.variables_ = std::move(parsed->variables);
  constraint.num_names_ = names.size();
  return constraint;
}

double Constraint::Slack(std::span<const double> raw) const {
  if (raw.size() != num_names_) {
    throw InputError("", "space.dimension",
                     "constraint \"" + text_ + "\" expects " + std::to_string(num_names_) +
                         " values, got " + std::to_string(raw.size()));
  }
  return program_.Evaluate(raw.data());
}

bool Constraint::Holds(double slack) const {
  if (std::isnan(slack)) return false;
  return strict() ? slack < 0.0 : slack <= 0.0;
}

bool Constraint::IsSatisfied(std::span<const double> raw) const { return Holds(Slack(raw)); }

}  // namespace kyoso::space

// Tests of the constraint language: oracles for precedence and associativity, functions, errors
// with line:col and codes, linear detection, and a seeded random-input fuzz test.
#include "kyoso/space/constraint.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "kyoso/base/error.h"
#include "kyoso/base/rng.h"
#include "support/expect_close.h"

namespace kyoso::space {
namespace {

using kyoso::testing::ExpectClose;

const std::vector<std::string> kNames = {"x", "y", "max_temp", "hold_time", "x2"};

// Slack of "<expr> <= 0" at the given values, i.e. the value of expr.
double Value(const std::string& expr, std::vector<double> values = {0, 0, 0, 0, 0}) {
  return Constraint::Parse(expr + " <= 0", kNames).Slack(values);
}

std::string CodeOf(const std::string& text) {
  try {
    Constraint::Parse(text, kNames, "/constraints/3");
  } catch (const InputError& e) {
    EXPECT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].path, "/constraints/3");
    return e.code();
  }
  return "none";
}

std::string MessageOf(const std::string& text) {
  try {
    Constraint::Parse(text, kNames);
  } catch (const InputError& e) {
    return e.issues()[0].message;
  }
  return "";
}

TEST(ConstraintParser, PowerIsRightAssociative) {
  // 2^3^2 = 2^(3^2) = 512 (right associative, as in mathematics); (2^3)^2 would be 64.
  ExpectClose(Value("2^3^2"), 512.0, 1e-15);
  ExpectClose(Value("(2^3)^2"), 64.0, 1e-15);
}

TEST(ConstraintParser, UnaryMinusBindsLooserThanPower) {
  // Documented convention (docs/methods/space.md): -2^2 = -(2^2) = -4; 2^-1 = 0.5.
  ExpectClose(Value("-2^2"), -4.0, 1e-15);
  ExpectClose(Value("(-2)^2"), 4.0, 1e-15);
  ExpectClose(Value("2^-1"), 0.5, 1e-15);
  ExpectClose(Value("--3"), 3.0, 1e-15);
}

TEST(ConstraintParser, MultiplicationBeforeAdditionLeftAssociative) {
  ExpectClose(Value("1 + 2*3"), 7.0, 1e-15);
  ExpectClose(Value("8 / 4 / 2"), 1.0, 1e-15);  // (8/4)/2, not 8/(4/2) = 4
  ExpectClose(Value("10 - 3 - 2"), 5.0, 1e-15);
  ExpectClose(Value("2 * (3 + 4)"), 14.0, 1e-15);
}

TEST(ConstraintParser, NumbersWithExponents) {
  ExpectClose(Value("1.5e3"), 1500.0, 1e-15);
  ExpectClose(Value("2E-2"), 0.02, 1e-15);
  ExpectClose(Value(".5"), 0.5, 1e-15);
  ExpectClose(Value("3.e+1"), 30.0, 1e-15);
}

TEST(ConstraintParser, FunctionsMatchTheStandardLibrary) {
  ExpectClose(Value("exp(1)"), std::exp(1.0), 1e-15);
  ExpectClose(Value("log(10)"), std::log(10.0), 1e-15);
  ExpectClose(Value("sqrt(2)"), std::sqrt(2.0), 1e-15);
  ExpectClose(Value("abs(-3)"), 3.0, 1e-15);
  ExpectClose(Value("min(3, 1, 2)"), 1.0, 1e-15);
  ExpectClose(Value("max(3, 1, 2)"), 3.0, 1e-15);
  ExpectClose(Value("pow(2, 10)"), 1024.0, 1e-15);
}

TEST(ConstraintParser, NamesAreWholeIdentifiers) {
  // "x2" is its own parameter, not x times 2; "max_temp" is not the function max.
  std::vector<double> v = {3, 5, 600, 10, 7};
  ExpectClose(Value("x2", v), 7.0, 1e-15);
  ExpectClose(Value("max_temp - 20*hold_time", v), 400.0, 1e-15);
  ExpectClose(Value("max(x, y) * x2", v), 35.0, 1e-15);
}

TEST(Constraint, SlackSignFollowsComparison) {
  std::vector<double> v = {3, 5, 600, 10, 7};
  auto le = Constraint::Parse("x <= y", kNames);
  auto ge = Constraint::Parse("x >= y", kNames);
  ExpectClose(le.Slack(v), -2.0, 1e-15);  // 3 - 5
  ExpectClose(ge.Slack(v), 2.0, 1e-15);   // 5 - 3
  EXPECT_TRUE(le.IsSatisfied(v));
  EXPECT_FALSE(ge.IsSatisfied(v));
  auto strict = Constraint::Parse("x < 3", kNames);
  auto loose = Constraint::Parse("x <= 3", kNames);
  EXPECT_FALSE(strict.IsSatisfied(v));  // 3 < 3 is false
  EXPECT_TRUE(loose.IsSatisfied(v));
  auto domain = Constraint::Parse("log(x - 10) <= 1", kNames);
  EXPECT_FALSE(domain.IsSatisfied(v));  // log of a negative number: NaN counts as violated
}

TEST(Constraint, DetectsLinearConstraintsSymbolically) {
  auto c = Constraint::Parse("max_temp - 20*hold_time <= 600", kNames);
  ASSERT_TRUE(c.IsLinear());
  ExpectClose(c.linear().coefficients[2], 1.0, 1e-15);
  ExpectClose(c.linear().coefficients[3], -20.0, 1e-15);
  ExpectClose(c.linear().coefficients[0], 0.0, 0, 0);
  ExpectClose(c.linear().constant, -600.0, 1e-15);
  EXPECT_EQ(c.variables(), (std::vector<int>{2, 3}));

  auto ge = Constraint::Parse("2*(x + y)/4 - exp(0)*x2 >= 3 - y", kNames);
  ASSERT_TRUE(ge.IsLinear());  // g = 3 - y - (x + y)/2 + x2 = -0.5x - 1.5y + x2 + 3
  ExpectClose(ge.linear().coefficients[0], -0.5, 1e-15);
  ExpectClose(ge.linear().coefficients[1], -1.5, 1e-15);
  ExpectClose(ge.linear().coefficients[4], 1.0, 1e-15);
  ExpectClose(ge.linear().constant, 3.0, 1e-15);

  EXPECT_FALSE(Constraint::Parse("x * y >= 100", kNames).IsLinear());
  EXPECT_FALSE(Constraint::Parse("x^2 <= 1", kNames).IsLinear());
  EXPECT_FALSE(Constraint::Parse("1 / x <= 1", kNames).IsLinear());
  EXPECT_FALSE(Constraint::Parse("abs(x) <= 1", kNames).IsLinear());
  EXPECT_TRUE(Constraint::Parse("x^1 + 2^2*y <= 1", kNames).IsLinear());
}

TEST(Constraint, LinearFormAgreesWithEvaluation) {
  auto c = Constraint::Parse("3*x - (y - 2*x2)/5 + 1e-3*max_temp >= -hold_time + 7", kNames);
  ASSERT_TRUE(c.IsLinear());
  Rng rng(11);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> v(5);
    for (double& value : v) value = rng.Uniform(-100, 100);
    double affine = c.linear().constant;
    for (int i = 0; i < 5; ++i) affine += c.linear().coefficients[i] * v[i];
    ExpectClose(affine, c.Slack(v), 1e-12, 1e-12);
  }
}

TEST(ConstraintErrors, EveryCodeIsReportedWithLineAndColumn) {
  EXPECT_EQ(CodeOf("x + <= 3"), "constraint.syntax");
  EXPECT_EQ(CodeOf("x + z <= 3"), "constraint.unknown_name");
  EXPECT_EQ(CodeOf("foo(x) <= 3"), "constraint.unknown_function");
  EXPECT_EQ(CodeOf("sqrt(x, y) <= 3"), "constraint.arity");
  EXPECT_EQ(CodeOf("min(x) <= 3"), "constraint.arity");
  EXPECT_EQ(CodeOf("x + y"), "constraint.syntax");
  EXPECT_EQ(CodeOf("0 <= x <= 1"), "constraint.syntax");
  EXPECT_EQ(CodeOf("x = 1"), "constraint.syntax");
  EXPECT_EQ(CodeOf("2x <= 1"), "constraint.syntax");
  EXPECT_EQ(CodeOf("1e+ <= x"), "constraint.syntax");
  EXPECT_EQ(CodeOf(""), "constraint.syntax");

  EXPECT_EQ(MessageOf("sqrt(x + 2 <= 3"),
            "1:12: expected ',' or ')' but found '<=' in \"sqrt(x + 2 <= 3\"");
  EXPECT_EQ(MessageOf("(x + 2 <= 3"), "1:8: expected ')' but found '<=' in \"(x + 2 <= 3\"");
  EXPECT_EQ(MessageOf("x + z <= 3").substr(0, 35), "1:5: unknown parameter name 'z' in ");
  EXPECT_EQ(MessageOf("x +\n  * y <= 3").substr(0, 46),
            "2:3: expected a number, a name or '(' but foun");
  EXPECT_EQ(MessageOf("x + y").substr(0, 56),
            "1:6: expected an operator or one of <= >= < > but found ");
}

TEST(ConstraintErrors, DeepNestingIsAnErrorNotAStackOverflow) {
  std::string deep(100000, '(');
  EXPECT_EQ(CodeOf(deep + "x" + std::string(100000, ')') + " <= 1"), "constraint.syntax");
}

TEST(ConstraintFuzz, RandomInputNeverCrashes) {
  // Seeded random strings over the language's alphabet (and some bytes outside it): the parser
  // either returns a constraint or throws InputError with a code among the documented ones.
  const std::string alphabet = "xy_max_temp0123456789.eE+-*/^(),<=> \t\nexplogsqrtabsminpow#$\x01";
  const std::vector<std::string> fragments = {"x", "y",    "max_temp", "exp(", "min(", "pow(",
                                              ",", ")",    "(",        "<=",   ">=",   "^",
                                              "-", "1e-3", "2.5",      "*"};
  Rng rng(2024);
  int parsed = 0;
  int rejected = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    std::string text;
    const int length = static_cast<int>(rng.UniformInt(24));
    for (int k = 0; k < length; ++k) {
      if (rng.Uniform() < 0.5) {
        text += alphabet[rng.UniformInt(alphabet.size())];
      } else {
        text += fragments[rng.UniformInt(fragments.size())];
      }
    }
    try {
      auto c = Constraint::Parse(text, kNames);
      std::vector<double> v = {1, 2, 3, 4, 5};
      (void)c.Slack(v);
      ++parsed;
    } catch (const InputError& e) {
      const std::string code = e.code();
      EXPECT_TRUE(code == "constraint.syntax" || code == "constraint.unknown_name" ||
                  code == "constraint.unknown_function" || code == "constraint.arity")
          << code << " for " << text;
      ++rejected;
    }
  }
  EXPECT_EQ(parsed + rejected, 20000);
  EXPECT_GT(parsed, 0);  // the generator does reach valid constraints
}

}  // namespace
}  // namespace kyoso::space

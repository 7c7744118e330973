// The constraint language's lexer, recursive-descent parser and evaluator (internal to `space`).
// Text such as "max_temp - 20*hold_time <= 600" is tokenized, parsed into a tree, then compiled
// into a small postfix program that Constraint evaluates, and analysed symbolically for linearity.
// Nothing is ever executed as code. Grammar (docs/methods/space.md):
//
//   constraint := expr cmp expr END          cmp := '<=' | '>=' | '<' | '>'
//   expr       := term (('+' | '-') term)*
//   term       := unary (('*' | '/') unary)*
//   unary      := ('-' | '+') unary | power
//   power      := primary ('^' unary)?       right associative: 2^3^2 = 2^(3^2) = 512
//   primary    := NUMBER | NAME | NAME '(' expr (',' expr)* ')' | '(' expr ')'
//
// so unary minus binds looser than '^': -2^2 = -(2^2) = -4 (the convention of mathematics,
// Fortran and Python).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kyoso::space::detail {

enum class TokenKind {
  kNumber,
  kName,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kCaret,
  kLeftParen,
  kRightParen,
  kComma,
  kLessEqual,
  kGreaterEqual,
  kLess,
  kGreater,
  kEnd
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;
  double number = 0;
  int line = 1;
  int column = 1;
};

// A located parse failure; `code` is one of constraint.syntax, constraint.unknown_name,
// constraint.unknown_function, constraint.arity.
struct ParseFailure {
  int line = 1;
  int column = 1;
  std::string code;
  std::string message;  // without the position
};

// Splits `text` into tokens ending with kEnd; returns false and fills `failure` on a bad character
// or malformed number.
bool Tokenize(std::string_view text, std::vector<Token>& tokens, ParseFailure& failure);

enum class OpCode : std::uint8_t {
  kConst,
  kVar,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kPow,
  kNeg,
  kExp,
  kLog,
  kSqrt,
  kAbs,
  kMin,
  kMax
};

struct Op {
  OpCode code = OpCode::kConst;
  double value = 0;  // kConst
  int index = 0;     // kVar: variable index; kMin/kMax: number of arguments
};

// A compiled side of a comparison: postfix ops, evaluated on a stack.
struct Program {
  std::vector<Op> ops;
  int max_stack = 0;
  double Evaluate(const double* values) const;
};

enum class ComparisonOp { kLessEqual, kGreaterEqual, kLess, kGreater };

// a . x + c, over variable indices.
struct AffineForm {
  std::vector<double> coefficients;  // one per variable (size = number of names)
  double constant = 0;
};

struct ParsedConstraint {
  Program slack;  // g(x) = lhs - rhs (<=, <) or rhs - lhs (>=, >)
  ComparisonOp comparison = ComparisonOp::kLessEqual;
  std::optional<AffineForm> linear;  // g as an affine form when it is linear in the variables
  std::vector<int> variables;        // sorted distinct variable indices used
};

// Parses one constraint over `names` (matched as whole identifiers). Returns nullopt and fills
// `failure` on the first error.
std::optional<ParsedConstraint> ParseConstraint(std::string_view text,
                                                const std::vector<std::string>& names,
                                                ParseFailure& failure);

}  // namespace kyoso::space::detail

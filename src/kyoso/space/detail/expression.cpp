// Lexer, recursive-descent parser, compiler to postfix and symbolic linearity analysis of the
// constraint language (grammar in expression.h and docs/methods/space.md).
#include "kyoso/space/detail/expression.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>

namespace kyoso::space::detail {

namespace {

// Deeper nesting than this is rejected, so hostile input cannot exhaust the stack.
constexpr int kMaxDepth = 200;

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEnd:
      return "end of text";
    case TokenKind::kNumber:
      return "number '" + std::string(token.text) + "'";
    case TokenKind::kName:
      return "name '" + std::string(token.text) + "'";
    default:
      return "'" + std::string(token.text) + "'";
  }
}

struct Node {
  OpCode code = OpCode::kConst;
  double value = 0;
  int index = 0;
  std::vector<std::unique_ptr<Node>> children;
};
using NodePtr = std::unique_ptr<Node>;

NodePtr MakeNode(OpCode code, std::vector<NodePtr> children) {
  auto node = std::make_unique<Node>();
  node->code = code;
  node->children = std::move(children);
  return node;
}

struct FunctionInfo {
  std::string_view name;
  OpCode code;
  int min_args;
  int max_args;  // -1: unbounded
};

constexpr FunctionInfo kFunctions[] = {
    {"exp", OpCode::kExp, 1, 1}, {"log", OpCode::kLog, 1, 1},  {"sqrt", OpCode::kSqrt, 1, 1},
    {"abs", OpCode::kAbs, 1, 1}, {"min", OpCode::kMin, 2, -1}, {"max", OpCode::kMax, 2, -1},
    {"pow", OpCode::kPow, 2, 2},
};

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, const std::vector<std::string>& names,
         ParseFailure& failure)
      : tokens_(tokens), names_(names), failure_(failure) {}

  // Each Parse* returns nullptr after recording a failure.
  NodePtr ParseExpr() {
    if (!Enter()) return nullptr;
    NodePtr left = ParseTerm();
    while (left && (Peek().kind == TokenKind::kPlus || Peek().kind == TokenKind::kMinus)) {
      OpCode code = Next().kind == TokenKind::kPlus ? OpCode::kAdd : OpCode::kSub;
      NodePtr right = ParseTerm();
      if (!right) return nullptr;
      left = Binary(code, std::move(left), std::move(right));
    }
    --depth_;
    return left;
  }

  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_++]; }

  bool Fail(const Token& at, std::string code, std::string message) {
    if (failed_) return false;
    failed_ = true;
    failure_.line = at.line;
    failure_.column = at.column;
    failure_.code = std::move(code);
    failure_.message = std::move(message);
    return false;
  }
  bool failed() const { return failed_; }

 private:
  bool Enter() {
    if (++depth_ > kMaxDepth) {
      Fail(Peek(), "constraint.syntax", "expression nested too deeply");
      return false;
    }
    return true;
  }

  static NodePtr Binary(OpCode code, NodePtr left, NodePtr right) {
    std::vector<NodePtr> children;
    children.push_back(std::move(left));
    children.push_back(std::move(right));
    return MakeNode(code, std::move(children));
  }

  NodePtr ParseTerm() {
    NodePtr left = ParseUnary();
    while (left && (Peek().kind == TokenKind::kStar || Peek().kind == TokenKind::kSlash)) {
      OpCode code = Next().kind == TokenKind::kStar ? OpCode::kMul : OpCode::kDiv;
      NodePtr right = ParseUnary();
      if (!right) return nullptr;
      left = Binary(code, std::move(left), std::move(right));
    }
    return left;
  }

  NodePtr ParseUnary() {
    if (!Enter()) return nullptr;
    NodePtr result;
    if (Peek().kind == TokenKind::kMinus) {
      Next();
      NodePtr operand = ParseUnary();
      if (operand) {
        std::vector<NodePtr> children;
        children.push_back(std::move(operand));
        result = MakeNode(OpCode::kNeg, std::move(children));
      }
    } else if (Peek().kind == TokenKind::kPlus) {
      Next();
      result = ParseUnary();
    } else {
      result = ParsePower();
    }
    --depth_;
    return result;
  }

  NodePtr ParsePower() {
    NodePtr base = ParsePrimary();
    if (!base || Peek().kind != TokenKind::kCaret) return base;
    Next();
    NodePtr exponent = ParseUnary();  // right associative, and allows 2^-1
    if (!exponent) return nullptr;
    return Binary(OpCode::kPow, std::move(base), std::move(exponent));
  }

  NodePtr ParsePrimary() {
    const Token& token = Peek();
    switch (token.kind) {
      case TokenKind::kNumber: {
        Next();
        auto node = std::make_unique<Node>();
        node->code = OpCode::kConst;
        node->value = token.number;
        return node;
      }
      case TokenKind::kLeftParen: {
        Next();
        NodePtr inner = ParseExpr();
        if (!inner) return nullptr;
        if (Peek().kind != TokenKind::kRightParen) {
          Fail(Peek(), "constraint.syntax", "expected ')' but found " + Describe(Peek()));
          return nullptr;
        }
        Next();
        return inner;
      }
      case TokenKind::kName:
        return ParseName();
      default:
        Fail(token, "constraint.syntax",
             "expected a number, a name or '(' but found " + Describe(token));
        return nullptr;
    }
  }

  NodePtr ParseName() {
    const Token& token = Next();
    if (Peek().kind == TokenKind::kLeftParen) {
      const FunctionInfo* info = nullptr;
      for (const FunctionInfo& f : kFunctions) {
        if (f.name == token.text) info = &f;
      }
      if (info == nullptr) {
        Fail(token, "constraint.unknown_function",
             "unknown function '" + std::string(token.text) +
                 "' (known: exp, log, sqrt, abs, min, max, pow)");
        return nullptr;
      }
      Next();  // '('
      std::vector<NodePtr> args;
      while (true) {
        NodePtr arg = ParseExpr();
        if (!arg) return nullptr;
        args.push_back(std::move(arg));
        if (Peek().kind == TokenKind::kComma) {
          Next();
          continue;
        }
        if (Peek().kind == TokenKind::kRightParen) {
          Next();
          break;
        }
        Fail(Peek(), "constraint.syntax", "expected ',' or ')' but found " + Describe(Peek()));
        return nullptr;
      }
      const int n = static_cast<int>(args.size());
      if (n < info->min_args || (info->max_args >= 0 && n > info->max_args)) {
        std::string expected = info->max_args < 0 ? "at least " + std::to_string(info->min_args)
                                                  : std::to_string(info->min_args);
        Fail(token, "constraint.arity",
             std::string(info->name) + " takes " + expected + " argument(s), got " +
                 std::to_string(n));
        return nullptr;
      }
      NodePtr node = MakeNode(info->code, std::move(args));
      node->index = n;
      return node;
    }
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == token.text) {
        auto node = std::make_unique<Node>();
        node->code = OpCode::kVar;
        node->index = static_cast<int>(i);
        return node;
      }
    }
    Fail(token, "constraint.unknown_name",
         "unknown parameter name '" + std::string(token.text) + "'");
    return nullptr;
  }

  const std::vector<Token>& tokens_;
  const std::vector<std::string>& names_;
  ParseFailure& failure_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  bool failed_ = false;
};

// Emits `node` in postfix order; returns the stack depth it needs.
int Compile(const Node& node, std::vector<Op>& ops) {
  int depth = 0;
  int pushed = 0;
  for (const NodePtr& child : node.children) {
    depth = std::max(depth, pushed + Compile(*child, ops));
    ++pushed;
  }
  ops.push_back({node.code, node.value, node.index});
  return std::max(depth, 1);
}

bool IsConstant(const AffineForm& form) {
  return std::all_of(form.coefficients.begin(), form.coefficients.end(),
                     [](double c) { return c == 0.0; });
}

AffineForm Scaled(AffineForm form, double factor) {
  for (double& c : form.coefficients) c *= factor;
  form.constant *= factor;
  return form;
}

double ApplyConstant(OpCode code, const std::vector<double>& args) {
  std::vector<Op> ops;
  for (double a : args) ops.push_back({OpCode::kConst, a, 0});
  ops.push_back({code, 0, static_cast<int>(args.size())});
  Program program{ops, static_cast<int>(args.size()) + 1};
  return program.Evaluate(nullptr);
}

// The affine form of `node`, or nullopt when it is not affine in the variables.
std::optional<AffineForm> Linearize(const Node& node, std::size_t num_vars) {
  if (node.code == OpCode::kConst)
    return AffineForm{std::vector<double>(num_vars, 0.0), node.value};
  if (node.code == OpCode::kVar) {
    AffineForm form{std::vector<double>(num_vars, 0.0), 0.0};
    form.coefficients[static_cast<std::size_t>(node.index)] = 1.0;
    return form;
  }
  std::vector<AffineForm> args;
  for (const NodePtr& child : node.children) {
    auto form = Linearize(*child, num_vars);
    if (!form) return std::nullopt;
    args.push_back(std::move(*form));
  }
  const bool all_constant = std::all_of(args.begin(), args.end(), IsConstant);
  switch (node.code) {
    case OpCode::kAdd:
    case OpCode::kSub: {
      const double sign = node.code == OpCode::kAdd ? 1.0 : -1.0;
      AffineForm form = args[0];
      for (std::size_t i = 0; i < num_vars; ++i)
        form.coefficients[i] += sign * args[1].coefficients[i];
      form.constant += sign * args[1].constant;
      return form;
    }
    case OpCode::kNeg:
      return Scaled(args[0], -1.0);
    case OpCode::kMul:
      if (IsConstant(args[0])) return Scaled(args[1], args[0].constant);
      if (IsConstant(args[1])) return Scaled(args[0], args[1].constant);
      return std::nullopt;
    case OpCode::kDiv:
      if (IsConstant(args[1]) && args[1].constant != 0.0) {
        return Scaled(args[0], 1.0 / args[1].constant);
      }
      if (all_constant) break;
      return std::nullopt;
    case OpCode::kPow:
      if (!all_constant && IsConstant(args[1]) && args[1].constant == 1.0) return args[0];
      break;
    default:
      break;
  }
  if (!all_constant) return std::nullopt;
  std::vector<double> values;
  for (const AffineForm& a : args) values.push_back(a.constant);
  return AffineForm{std::vector<double>(num_vars, 0.0), ApplyConstant(node.code, values)};
}

void CollectVariables(const Node& node, std::vector<int>& out) {
  if (node.code == OpCode::kVar) out.push_back(node.index);
  for (const NodePtr& child : node.children) CollectVariables(*child, out);
}

}  // namespace

bool Tokenize(std::string_view text, std::vector<Token>& tokens, ParseFailure& failure) {
  tokens.clear();
  int line = 1;
  int column = 1;
  std::size_t i = 0;
  auto advance = [&](std::size_t count) {
    for (std::size_t k = 0; k < count; ++k) {
      if (text[i + k] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    i += count;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      advance(1);
      continue;
    }
    Token token;
    token.line = line;
    token.column = column;
    std::size_t length = 1;
    if (IsDigit(c) || (c == '.' && i + 1 < text.size() && IsDigit(text[i + 1]))) {
      std::size_t j = i;
      while (j < text.size() && IsDigit(text[j])) ++j;
      if (j < text.size() && text[j] == '.') {
        ++j;
        while (j < text.size() && IsDigit(text[j])) ++j;
      }
      if (j < text.size() && (text[j] == 'e' || text[j] == 'E')) {
        std::size_t k = j + 1;
        if (k < text.size() && (text[k] == '+' || text[k] == '-')) ++k;
        if (k >= text.size() || !IsDigit(text[k])) {
          failure = {line, column + static_cast<int>(k - i), "constraint.syntax",
                     "expected digits in the exponent of a number"};
          return false;
        }
        while (k < text.size() && IsDigit(text[k])) ++k;
        j = k;
      }
      if (j < text.size() && IsNameStart(text[j])) {
        failure = {line, column + static_cast<int>(j - i), "constraint.syntax",
                   "expected an operator after a number (write '2*x', not '2x')"};
        return false;
      }
      length = j - i;
      token.kind = TokenKind::kNumber;
      token.number = std::strtod(std::string(text.substr(i, length)).c_str(), nullptr);
    } else if (IsNameStart(c)) {
      std::size_t j = i;
      while (j < text.size() && IsNameChar(text[j])) ++j;
      length = j - i;
      token.kind = TokenKind::kName;
    } else {
      const char next = i + 1 < text.size() ? text[i + 1] : '\0';
      switch (c) {
        case '+':
          token.kind = TokenKind::kPlus;
          break;
        case '-':
          token.kind = TokenKind::kMinus;
          break;
        case '*':
          token.kind = TokenKind::kStar;
          break;
        case '/':
          token.kind = TokenKind::kSlash;
          break;
        case '^':
          token.kind = TokenKind::kCaret;
          break;
        case '(':
          token.kind = TokenKind::kLeftParen;
          break;
        case ')':
          token.kind = TokenKind::kRightParen;
          break;
        case ',':
          token.kind = TokenKind::kComma;
          break;
        case '<':
          token.kind = next == '=' ? TokenKind::kLessEqual : TokenKind::kLess;
          length = next == '=' ? 2 : 1;
          break;
        case '>':
          token.kind = next == '=' ? TokenKind::kGreaterEqual : TokenKind::kGreater;
          length = next == '=' ? 2 : 1;
          break;
        default: {
          std::string shown = std::isprint(static_cast<unsigned char>(c))
                                  ? std::string("'") + c + "'"
                                  : "byte " + std::to_string(static_cast<unsigned char>(c));
          if (c == '=') shown += " (use <= or >=)";
          failure = {line, column, "constraint.syntax", "unexpected character " + shown};
          return false;
        }
      }
    }
    token.text = text.substr(i, length);
    tokens.push_back(token);
    advance(length);
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.line = line;
  end.column = column;
  tokens.push_back(end);
  return true;
}

double Program::Evaluate(const double* values) const {
  double small[32];
  std::vector<double> large;
  double* stack = small;
  if (max_stack > 32) {
    large.resize(static_cast<std::size_t>(max_stack));
    stack = large.data();
  }
  int top = 0;  // number of values on the stack
  for (const Op& op : ops) {
    switch (op.code) {
      case OpCode::kConst:
        stack[top++] = op.value;
        break;
      case OpCode::kVar:
        stack[top++] = values[op.index];
        break;
      case OpCode::kAdd:
        --top;
        stack[top - 1] += stack[top];
        break;
      case OpCode::kSub:
        --top;
        stack[top - 1] -= stack[top];
        break;
      case OpCode::kMul:
        --top;
        stack[top - 1] *= stack[top];
        break;
      case OpCode::kDiv:
        --top;
        stack[top - 1] /= stack[top];
        break;
      case OpCode::kPow:
        --top;
        stack[top - 1] = std::pow(stack[top - 1], stack[top]);
        break;
      case OpCode::kNeg:
        stack[top - 1] = -stack[top - 1];
        break;
      case OpCode::kExp:
        stack[top - 1] = std::exp(stack[top - 1]);
        break;
      case OpCode::kLog:
        stack[top - 1] = std::log(stack[top - 1]);
        break;
      case OpCode::kSqrt:
        stack[top - 1] = std::sqrt(stack[top - 1]);
        break;
      case OpCode::kAbs:
        stack[top - 1] = std::abs(stack[top - 1]);
        break;
      case OpCode::kMin:
      case OpCode::kMax: {
        const int n = op.index;
        double result = stack[top - n];
        for (int k = top - n + 1; k < top; ++k) {
          // NaN propagates (std::min would drop it depending on the argument order).
          if (std::isnan(stack[k]) || std::isnan(result)) {
            result = std::nan("");
          } else {
            result =
                op.code == OpCode::kMin ? std::min(result, stack[k]) : std::max(result, stack[k]);
          }
        }
        top -= n;
        stack[top++] = result;
        break;
      }
    }
  }
  return top == 1 ? stack[0] : std::nan("");
}

std::optional<ParsedConstraint> ParseConstraint(std::string_view text,
                                                const std::vector<std::string>& names,
                                                ParseFailure& failure) {
  std::vector<Token> tokens;
  if (!Tokenize(text, tokens, failure)) return std::nullopt;
  Parser parser(tokens, names, failure);
  NodePtr lhs = parser.ParseExpr();
  if (!lhs) return std::nullopt;
  const Token& cmp = parser.Peek();
  ParsedConstraint result;
  switch (cmp.kind) {
    case TokenKind::kLessEqual:
      result.comparison = ComparisonOp::kLessEqual;
      break;
    case TokenKind::kGreaterEqual:
      result.comparison = ComparisonOp::kGreaterEqual;
      break;
    case TokenKind::kLess:
      result.comparison = ComparisonOp::kLess;
      break;
    case TokenKind::kGreater:
      result.comparison = ComparisonOp::kGreater;
      break;
    default:
      parser.Fail(cmp, "constraint.syntax",
                  "expected an operator or one of <= >= < > but found " + Describe(cmp));
      return std::nullopt;
  }
  parser.Next();
  NodePtr rhs = parser.ParseExpr();
  if (!rhs) return std::nullopt;
  if (parser.Peek().kind != TokenKind::kEnd) {
    const Token& extra = parser.Peek();
    const bool second_cmp = extra.kind == TokenKind::kLessEqual ||
                            extra.kind == TokenKind::kGreaterEqual ||
                            extra.kind == TokenKind::kLess || extra.kind == TokenKind::kGreater;
    parser.Fail(extra, "constraint.syntax",
                second_cmp
                    ? "expected end of constraint: only one comparison is allowed (split "
                      "'a <= x <= b' into two constraints)"
                    : "expected an operator or end of constraint but found " + Describe(extra));
    return std::nullopt;
  }
  // g = lhs - rhs for <=, <; rhs - lhs for >=, >.
  const bool flip = result.comparison == ComparisonOp::kGreaterEqual ||
                    result.comparison == ComparisonOp::kGreater;
  std::vector<NodePtr> children;
  children.push_back(flip ? std::move(rhs) : std::move(lhs));
  children.push_back(flip ? std::move(lhs) : std::move(rhs));
  NodePtr slack = MakeNode(OpCode::kSub, std::move(children));
  result.slack.max_stack = Compile(*slack, result.slack.ops);
  result.linear = Linearize(*slack, names.size());
  CollectVariables(*slack, result.variables);
  std::sort(result.variables.begin(), result.variables.end());
  result.variables.erase(std::unique(result.variables.begin(), result.variables.end()),
                         result.variables.end());
  return result;
}

}  // namespace kyoso::space::detail

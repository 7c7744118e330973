// Evaluates the C++ test problems (problems.h) for bench/peers/test_problems.py, which compares
// them with the Python twin. Reads commands from stdin, one per line, and prints one line each:
//   eval <problem> <x_1> ... <x_d>   ->  f(x) with 17 significant digits
//   design <problem> <seed> <n>      ->  the n x d initial design, row-major, space-separated
// An unknown problem or a dimension mismatch prints "error: ..." and exits with status 2.
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "problems.h"

namespace {

const kyoso::bench::Problem* Find(const std::vector<kyoso::bench::Problem>& problems,
                                  const std::string& name) {
  for (const auto& problem : problems) {
    if (problem.name == name) return &problem;
  }
  return nullptr;
}

}  // namespace

int main() {
  const auto problems = kyoso::bench::AllProblems();
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string command;
    std::string name;
    if (!(in >> command >> name)) continue;
    const auto* problem = Find(problems, name);
    if (problem == nullptr) {
      std::cout << "error: unknown problem '" << name << "'\n";
      return 2;
    }
    if (command == "eval") {
      std::vector<double> x;
      double value = 0;
      while (in >> value) x.push_back(value);
      if (x.size() != problem->Dim()) {
        std::cout << "error: " << name << " needs " << problem->Dim() << " values, got " << x.size()
                  << "\n";
        return 2;
      }
      std::printf("%.17g\n", problem->fn(x));
    } else if (command == "design") {
      std::uint64_t seed = 0;
      std::size_t n = 0;
      if (!(in >> seed >> n)) {
        std::cout << "error: design needs <seed> <n>\n";
        return 2;
      }
      const auto points = kyoso::bench::InitialDesign(*problem, seed, n);
      std::string sep;
      for (const auto& point : points) {
        for (double v : point) {
          std::printf("%s%.17g", sep.c_str(), v);
          sep = " ";
        }
      }
      std::printf("\n");
    } else {
      std::cout << "error: unknown command '" << command << "'\n";
      return 2;
    }
    std::fflush(stdout);
  }
  return 0;
}

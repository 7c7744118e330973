// Physical quantities written by people ("15 mm", "0.01 T/s", "2.3e8 A/m^2", "38 K", "600 degC",
// "50 degC/min", "1.5 h") parsed to SI numbers with their dimension checked. Simulators compute in SI;
// specs may give plain numbers (taken as SI) or strings with units. The unit grammar:
//   unit   := factor { ('*' | '.' | '/') factor }      ('/' divides by the next factor only)
//   factor := symbol [ '^' integer ]                    (m^2, s^-1)
//   symbol := [prefix] base                             (mm, kJ, mT, um or µm)
// Bases: m g s A K mol min h T G(gauss) V J W N Pa Hz eV degC(°C) L; prefixes G M k c m u µ n p.
// "degC" on its own is an absolute temperature (+273.15 K); inside a compound ("degC/min") it is a
// temperature difference (1 K), as engineers write heating rates.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace kyoso {

// Exponents of the SI base dimensions: length, mass, time, current, temperature, amount.
struct Dimension {
  std::array<int, 6> exponents{};
  bool operator==(const Dimension&) const = default;
};

namespace dim {
inline constexpr Dimension kDimensionless{};
inline constexpr Dimension kLength{{1, 0, 0, 0, 0, 0}};
inline constexpr Dimension kArea{{2, 0, 0, 0, 0, 0}};
inline constexpr Dimension kTime{{0, 0, 1, 0, 0, 0}};
inline constexpr Dimension kTemperature{{0, 0, 0, 0, 1, 0}};
inline constexpr Dimension kTemperatureRate{{0, 0, -1, 0, 1, 0}};
inline constexpr Dimension kMagneticField{{0, 1, -2, -1, 0, 0}};      // T = kg s^-2 A^-1
inline constexpr Dimension kMagneticFieldRate{{0, 1, -3, -1, 0, 0}};  // T/s
inline constexpr Dimension kCurrentDensity{{-2, 0, 0, 1, 0, 0}};      // A/m^2
inline constexpr Dimension kElectricField{{1, 1, -3, -1, 0, 0}};      // V/m
inline constexpr Dimension kEnergy{{2, 1, -2, 0, 0, 0}};              // J
inline constexpr Dimension kEnergyPerArea{{0, 1, -2, 0, 0, 0}};       // J/m^2
inline constexpr Dimension kEnergyPerAmount{{2, 1, -2, 0, 0, -1}};    // J/mol
inline constexpr Dimension kDiffusivity{{2, 0, -1, 0, 0, 0}};         // m^2/s
}  // namespace dim

// "m^2 kg s^-2" style rendering of a dimension, for messages.
std::string ToString(const Dimension& dimension);

struct Quantity {
  double value = 0;  // in SI units
  Dimension dimension;
};

// Parses "<number> [unit]". Throws InputError (code "units.syntax" or "units.unknown_unit") whose
// issue path is `path` and whose message names the character position.
Quantity ParseQuantity(std::string_view text, const std::string& path = "");

// Parses and checks the dimension (code "units.dimension" when it differs). A bare number is taken
// as already in SI and accepted for any expected dimension.
double ParseQuantityAs(std::string_view text, const Dimension& expected,
                       const std::string& path = "");

}  // namespace kyoso

#include "kyoso/base/units.h"

#include <gtest/gtest.h>

#include <string>

#include "kyoso/base/error.h"
#include "kyoso/base/rng.h"
#include "support/expect_close.h"

namespace kyoso {
namespace {

using kyoso::testing::ExpectClose;

// Conversion factors are exact SI definitions (BIPM SI Brochure, 9th ed.), so 1e-15 relative.
TEST(ParseQuantity, ConvertsCommonEngineeringUnitsToSi) {
  ExpectClose(ParseQuantityAs("15 mm", dim::kLength), 0.015, 1e-15);
  ExpectClose(ParseQuantityAs("-6 mm", dim::kLength), -0.006, 1e-15);
  ExpectClose(ParseQuantityAs("0.5mm", dim::kLength), 5e-4, 1e-15);
  ExpectClose(ParseQuantityAs("7 T", dim::kMagneticField), 7.0, 1e-15);
  ExpectClose(ParseQuantityAs("0.01 T/s", dim::kMagneticFieldRate), 0.01, 1e-15);
  ExpectClose(ParseQuantityAs("2.3e8 A/m^2", dim::kCurrentDensity), 2.3e8, 1e-15);
  ExpectClose(ParseQuantityAs("2.3e4 A/cm^2", dim::kCurrentDensity), 2.3e8, 1e-15);
  ExpectClose(ParseQuantityAs("38 K", dim::kTemperature), 38.0, 1e-15);
  ExpectClose(ParseQuantityAs("10 min", dim::kTime), 600.0, 1e-15);
  ExpectClose(ParseQuantityAs("1.5 h", dim::kTime), 5400.0, 1e-15);
  ExpectClose(ParseQuantityAs("100 mT", dim::kMagneticField), 0.1, 1e-15);
  ExpectClose(ParseQuantityAs("1e-4 V/m", dim::kElectricField), 1e-4, 1e-15);
  ExpectClose(ParseQuantityAs("1 J/m^2", dim::kEnergyPerArea), 1.0, 1e-15);
  ExpectClose(ParseQuantityAs("250 kJ/mol", dim::kEnergyPerAmount), 2.5e5, 1e-15);
  ExpectClose(ParseQuantityAs("1e-12 m^2/s", dim::kDiffusivity), 1e-12, 1e-15);
  ExpectClose(ParseQuantityAs("2 um", dim::kLength), 2e-6, 1e-15);
  ExpectClose(ParseQuantityAs("2 \xC2\xB5m", dim::kLength), 2e-6, 1e-15);
  ExpectClose(ParseQuantityAs("3 nm", dim::kLength), 3e-9, 1e-15);
}

TEST(ParseQuantity, CelsiusIsAbsoluteAloneAndADifferenceInRates) {
  ExpectClose(ParseQuantityAs("600 degC", dim::kTemperature), 873.15, 1e-15);
  ExpectClose(ParseQuantityAs("0 \xC2\xB0" "C", dim::kTemperature), 273.15, 1e-15);
  ExpectClose(ParseQuantityAs("60 degC/min", dim::kTemperatureRate), 1.0, 1e-15);
  ExpectClose(ParseQuantityAs("120 K/min", dim::kTemperatureRate), 2.0, 1e-15);
}

TEST(ParseQuantity, BareNumberIsSiForAnyDimension) {
  ExpectClose(ParseQuantityAs("0.015", dim::kLength), 0.015, 1e-15);
  ExpectClose(ParseQuantityAs("+3", dim::kTime), 3.0, 1e-15);
}

TEST(ParseQuantity, WrongDimensionIsAnInputErrorNamingBoth) {
  try {
    ParseQuantityAs("15 mm", dim::kTime, "/bodies/0/radius");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), "units.dimension");
    EXPECT_EQ(e.issues()[0].path, "/bodies/0/radius");
    EXPECT_NE(std::string(e.what()).find("expected s"), std::string::npos) << e.what();
  }
}

TEST(ParseQuantity, UnknownUnitAndSyntaxErrorsNameThePosition) {
  try {
    ParseQuantity("15 furlong");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), "units.unknown_unit");
    EXPECT_NE(std::string(e.what()).find("character 4"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ParseQuantity("mm"), InputError);
  EXPECT_THROW(ParseQuantity("1 m^x"), InputError);
  EXPECT_THROW(ParseQuantity("1 m +"), InputError);
  EXPECT_THROW(ParseQuantity(""), InputError);
  EXPECT_THROW(ParseQuantity("nan"), InputError);
  EXPECT_THROW(ParseQuantity("inf T"), InputError);
}

TEST(ParseQuantity, RandomInputNeverCrashes) {
  // Seeded fuzz: random strings over the parser's alphabet either parse or throw InputError.
  const std::string alphabet = "0123456789.eE+-*/^ mkgsATKVJNPaHzuLGnpdegCminh\xC2\xB5\xB0()";
  Rng rng(2024);
  int parsed = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    std::string text;
    const auto length = rng.UniformInt(12);
    for (std::uint64_t i = 0; i < length; ++i) text += alphabet[rng.UniformInt(alphabet.size())];
    try {
      ParseQuantity(text);
      ++parsed;
    } catch (const InputError&) {
    }
  }
  EXPECT_GT(parsed, 0);
}

}  // namespace
}  // namespace kyoso

#include "kyoso/base/rng.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "support/expect_close.h"

namespace kyoso {
namespace {

using kyoso::testing::ExpectClose;

TEST(Rng, SameSeedGivesSameSequence) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t x = a.NextU64();
    EXPECT_EQ(x, b.NextU64());
    differs = differs || (x != c.NextU64());
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, FirstOutputsArePinnedAcrossPlatforms) {
  // Pinned values: if the generator changes, every stored seed replays differently, so this
  // test must fail loudly. Values from this implementation of xoshiro256** + SplitMix64 seeding.
  Rng rng(0);
  const std::uint64_t first = rng.NextU64();
  Rng again(0);
  EXPECT_EQ(first, again.NextU64());
  // SplitMix64(0) first output is 0xE220A8397B1DCDAF (Vigna's reference splitmix64.c).
  // The xoshiro state is four consecutive SplitMix64 outputs, so s[1] is the second one:
  // result = rotl(s[1] * 5, 7) * 9.
  std::uint64_t x = 0;
  auto splitmix = [&x]() {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  EXPECT_EQ(splitmix(), 0xE220A8397B1DCDAFULL);
  const std::uint64_t s1 = splitmix();
  const std::uint64_t m = s1 * 5;
  EXPECT_EQ(first, ((m << 7) | (m >> 57)) * 9);
}

TEST(Rng, UniformMomentsMatchTheory) {
  // Mean 1/2, variance 1/12; with n = 2e5 the standard error of the mean is ~6.5e-4, so a 5e-3
  // tolerance is > 7 standard errors.
  Rng rng(7);
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n;
  ExpectClose(mean, 0.5, 0, 5e-3);
  ExpectClose(sum2 / n - mean * mean, 1.0 / 12, 0, 2e-3);
}

TEST(Rng, NormalMomentsMatchTheory) {
  // Mean 0, variance 1, E[x^4] = 3; n = 2e5 gives standard errors 2.2e-3, 3.2e-3 and ~0.02.
  Rng rng(11);
  const int n = 200000;
  double s1 = 0, s2 = 0, s4 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.Normal();
    s1 += z;
    s2 += z * z;
    s4 += z * z * z * z;
  }
  ExpectClose(s1 / n, 0.0, 0, 0.015);
  ExpectClose(s2 / n, 1.0, 0, 0.02);
  ExpectClose(s4 / n, 3.0, 0, 0.12);
}

TEST(Rng, UniformIntIsUnbiasedOverSmallRange) {
  // Chi-square with 6 bins over 60000 draws; the 99.9% critical value for 5 dof is 20.5.
  Rng rng(3);
  std::vector<int> counts(6, 0);
  for (int i = 0; i < 60000; ++i) ++counts[rng.UniformInt(6)];
  double chi2 = 0;
  for (int c : counts) chi2 += (c - 10000.0) * (c - 10000.0) / 10000.0;
  EXPECT_LT(chi2, 20.5);
}

TEST(Rng, SplitStreamsAreReproducibleAndDistinct) {
  Rng base(5);
  Rng a = base.Split(1), b = base.Split(1), c = base.Split(2);
  const std::uint64_t xa = a.NextU64();
  EXPECT_EQ(xa, b.NextU64());
  EXPECT_NE(xa, c.NextU64());
}

}  // namespace
}  // namespace kyoso

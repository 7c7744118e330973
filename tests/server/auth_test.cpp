// Tokens, digests, the users file and the authenticator of server/auth.h.
#include "kyoso/server/auth.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "kyoso/base/error.h"

namespace kyoso::server {
namespace {

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "kyoso_auth_" + std::to_string(::getpid()) + "_" + name;
}

TEST(GenerateToken, IsHexOfRequestedLengthAndNeverRepeats) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string token = GenerateToken();
    ASSERT_EQ(token.size(), 64u);
    EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(token);
  }
  // 200 draws of 256 bits: a collision has probability ~2^-241.
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_EQ(GenerateToken(4).size(), 8u);
}

TEST(Sha256Hex, MatchesFips180Vectors) {
  // FIPS 180-4 examples (NIST CSRC "SHA256.pdf"): "abc" and the empty string.
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abcd"));
  EXPECT_TRUE(ConstantTimeEqual("", ""));
}

TEST(IsLoopbackHost, AcceptsOnlyLoopbackAddresses) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.1.2.3"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("192.168.1.10"));
  EXPECT_FALSE(IsLoopbackHost("127.0.0.1.example.com"));
  EXPECT_FALSE(IsLoopbackHost("::"));
}

TEST(Authenticator, SingleTokenNamesItsUser) {
  const Authenticator auth = Authenticator::SingleToken("kato", "secret-token");
  EXPECT_TRUE(auth.single_token());
  EXPECT_EQ(auth.Authenticate("secret-token"), std::optional<std::string>("kato"));
  EXPECT_EQ(auth.Authenticate("secret-tokem"), std::nullopt);
  EXPECT_EQ(auth.Authenticate(""), std::nullopt);
}

TEST(Authenticator, NamedUsersAreTellApartAndEmptyListIsRefused) {
  const Authenticator auth =
      Authenticator::FromUsers({{"alice", Sha256Hex("token-a")}, {"bob", Sha256Hex("token-b")}});
  EXPECT_FALSE(auth.single_token());
  EXPECT_EQ(auth.Authenticate("token-a"), std::optional<std::string>("alice"));
  EXPECT_EQ(auth.Authenticate("token-b"), std::optional<std::string>("bob"));
  EXPECT_EQ(auth.Authenticate("token-c"), std::nullopt);
  try {
    Authenticator::FromUsers({});
    FAIL() << "expected users.empty";
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), "users.empty");
  }
}

TEST(UsersFile, AddUserStoresOnlyTheDigestWithPrivateMode) {
  const std::string path = TempPath("users.json");
  ::unlink(path.c_str());
  const std::string alice = AddUserToFile(path, "alice");
  const std::string bob = AddUserToFile(path, "bob");
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find(alice), std::string::npos) << "the token itself must not be stored";
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  const Authenticator auth = Authenticator::FromUsers(LoadUsersFile(path));
  EXPECT_EQ(auth.num_users(), 2u);
  EXPECT_EQ(auth.Authenticate(alice), std::optional<std::string>("alice"));
  EXPECT_EQ(auth.Authenticate(bob), std::optional<std::string>("bob"));

  // Adding alice again replaces her token: the old one stops working.
  const std::string alice2 = AddUserToFile(path, "alice");
  const Authenticator again = Authenticator::FromUsers(LoadUsersFile(path));
  EXPECT_EQ(again.num_users(), 2u);
  EXPECT_EQ(again.Authenticate(alice), std::nullopt);
  EXPECT_EQ(again.Authenticate(alice2), std::optional<std::string>("alice"));
  ::unlink(path.c_str());
}

TEST(UsersFile, ReportsEveryProblemAtItsJsonPointer) {
  const std::string path = TempPath("bad_users.json");
  {
    std::ofstream out(path);
    out << R"({"users":[{"name":"ok","token_sha256":"00"},{"name":"bad name!","token_sha256":)"
        << '"' << std::string(64, 'a') << '"' << R"(,"extra":1}],"x":2})";
  }
  try {
    LoadUsersFile(path);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    std::set<std::pair<std::string, std::string>> found;
    for (const Issue& issue : e.issues()) found.insert({issue.path, issue.code});
    EXPECT_TRUE(found.count({"/users/0/token_sha256", "users.digest"}));
    EXPECT_TRUE(found.count({"/users/1/name", "users.name"}));
    EXPECT_TRUE(found.count({"/users/1/extra", "spec.unknown_key"}));
    EXPECT_TRUE(found.count({"/x", "spec.unknown_key"}));
  }
  ::unlink(path.c_str());
  try {
    LoadUsersFile(path);
    FAIL() << "expected users.file";
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), "users.file");
  }
  EXPECT_THROW(AddUserToFile(path, "no spaces"), InputError);
}

}  // namespace
}  // namespace kyoso::server

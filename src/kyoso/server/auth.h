// Authentication for the HTTP server: who is asking, proven by a bearer token. Two modes:
//   * single token (the default on loopback): one random token printed in the start-up URL, as
//     Jupyter does; every request carrying it acts as one named user (the person who started it);
//   * named users (required off loopback): a users file holding, per user, the SHA-256 of a token
//     that was shown once when the user was added (`kyoso serve --add-user NAME --users FILE`).
// Tokens come from the kernel CSPRNG (getrandom(2)), never from kyoso::Rng, and are compared in
// constant time over their SHA-256 digests, so neither the comparison time nor the file reveals a
// token. The authenticated name is what the campaign history records as "who". See
// docs/http-api.md, "Authentication".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kyoso::server {

// A user allowed to use the server: a display name and the hex SHA-256 of the user's token.
struct UserRecord {
  std::string name;
  std::string token_sha256;  // 64 lowercase hex digits
};

// `num_bytes` random bytes from getrandom(2) as lowercase hex (2 * num_bytes characters). Throws
// kyoso::Error "server.random" if the kernel cannot provide them.
std::string GenerateToken(std::size_t num_bytes = 32);

// Lowercase hex SHA-256 of `text` (FIPS 180-4, via OpenSSL).
std::string Sha256Hex(std::string_view text);

// True when a and b are equal; the time taken depends only on their lengths (CRYPTO_memcmp).
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// True for loopback addresses: "127.x.y.z", "::1", "localhost". Anything else (including
// "0.0.0.0", which listens on every interface) is not loopback.
bool IsLoopbackHost(const std::string& host);

// Checks presented tokens against the known users.
class Authenticator {
 public:
  // One user `user_name` with the given token (single-token mode).
  static Authenticator SingleToken(const std::string& user_name, const std::string& token);
  // Named users; throws InputError "users.empty" when there are none.
  static Authenticator FromUsers(std::vector<UserRecord> users);

  // The user whose token this is, or nullopt. Every user's digest is compared (no early exit).
  std::optional<std::string> Authenticate(std::string_view token) const;
  bool single_token() const { return single_token_; }
  std::size_t num_users() const { return users_.size(); }

 private:
  Authenticator(std::vector<UserRecord> users, bool single_token);
  std::vector<UserRecord> users_;
  bool single_token_ = false;
};

// Users file, JSON: {"users":[{"name":"alice","token_sha256":"<64 hex>"}, ...]}.
// Reading reports every problem at its JSON pointer (InputError: users.*, json.syntax); a missing
// file is InputError "users.file" naming the path.
std::vector<UserRecord> LoadUsersFile(const std::string& path);

// Adds (or replaces the token of) user `name` in the users file, creating the file with mode 0600
// if needed; writes a temporary file and renames it, so a crash leaves the old file intact.
// Returns the new token, which is stored only as its digest: show it to the user once.
// Names are 1-64 characters of letters, digits, '.', '_', '-', '@' (InputError "users.name").
std::string AddUserToFile(const std::string& path, const std::string& name);

}  // namespace kyoso::server

// Tokens, digests and the users file of auth.h.
#include "kyoso/server/auth.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "kyoso/base/error.h"
#include "kyoso/base/json_reader.h"

namespace kyoso::server {
namespace {

std::string ToHex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(2 * size, '0');
  for (std::size_t i = 0; i < size; ++i) {
    hex[2 * i] = kDigits[data[i] >> 4];
    hex[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
  return hex;
}

bool IsHexDigest(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsValidUserName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '@';
    if (!ok) return false;
  }
  return true;
}

void WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw Error("users.write", "cannot write " + temp + ": " + std::strerror(errno));
  }
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string reason = std::strerror(errno);
      ::close(fd);
      ::unlink(temp.c_str());
      throw Error("users.write", "cannot write " + temp + ": " + reason);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp.c_str());
    throw Error("users.write", "cannot flush " + temp);
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temp.c_str());
    throw Error("users.write", "cannot replace " + path + ": " + reason);
  }
}

}  // namespace

std::string GenerateToken(std::size_t num_bytes) {
  std::string bytes(num_bytes, '\0');
  std::size_t filled = 0;
  while (filled < num_bytes) {
    const ssize_t n = ::getrandom(bytes.data() + filled, num_bytes - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error("server.random", std::string("getrandom failed: ") + std::strerror(errno));
    }
    filled += static_cast<std::size_t>(n);
  }
  return ToHex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    throw InternalError("SHA-256 digest failed");
  }
  return ToHex(digest, size);
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  // 127.0.0.0/8, written as a dotted quad.
  unsigned a = 0, b = 0, c = 0, d = 0;
  char tail = 0;
  if (std::sscanf(host.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4) {
    return a == 127 && b < 256 && c < 256 && d < 256;
  }
  return false;
}

Authenticator::Authenticator(std::vector<UserRecord> users, bool single_token)
    : users_(std::move(users)), single_token_(single_token) {}

Authenticator Authenticator::SingleToken(const std::string& user_name, const std::string& token) {
  return Authenticator({{user_name, Sha256Hex(token)}}, true);
}

Authenticator Authenticator::FromUsers(std::vector<UserRecord> users) {
  if (users.empty()) {
    throw InputError("/users", "users.empty", "no users: add one with `kyoso serve --add-user`");
  }
  return Authenticator(std::move(users), false);
}

std::optional<std::string> Authenticator::Authenticate(std::string_view token) const {
  if (token.empty()) return std::nullopt;
  const std::string digest = Sha256Hex(token);
  std::optional<std::string> found;
  for (const UserRecord& user : users_) {
    // No early exit: every digest is compared whatever matched before.
    if (ConstantTimeEqual(digest, user.token_sha256) && !found) found = user.name;
  }
  return found;
}

std::vector<UserRecord> LoadUsersFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "users.file", "cannot read users file " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const nlohmann::json document = ParseJson(buffer.str(), path);
  IssueList issues;
  ObjectReader root(document, "", issues);
  std::vector<UserRecord> users;
  if (const nlohmann::json* list = root.Array("users", true)) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      ObjectReader entry((*list)[i], JsonPointer("/users", i), issues);
      UserRecord user;
      user.name = entry.String("name", true).value_or("");
      user.token_sha256 = entry.String("token_sha256", true).value_or("");
      entry.CheckNoUnknownKeys();
      if (entry.Has("name") && !IsValidUserName(user.name)) {
        entry.AddIssue("name", "users.name",
                       "user names are 1-64 letters, digits, '.', '_', '-' or '@'");
      }
      if (entry.Has("token_sha256") && !IsHexDigest(user.token_sha256)) {
        entry.AddIssue("token_sha256", "users.digest", "expected 64 lowercase hex digits");
      }
      for (const UserRecord& other : users) {
        if (other.name == user.name) {
          entry.AddIssue("name", "users.duplicate", "user '" + user.name + "' appears twice");
        }
      }
      users.push_back(std::move(user));
    }
  }
  root.CheckNoUnknownKeys();
  issues.ThrowIfAny();
  return users;
}

std::string AddUserToFile(const std::string& path, const std::string& name) {
  if (!IsValidUserName(name)) {
    throw InputError("name", "users.name",
                     "user names are 1-64 letters, digits, '.', '_', '-' or '@': '" + name + "'");
  }
  std::vector<UserRecord> users;
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) users = LoadUsersFile(path);
  const std::string token = GenerateToken();
  bool replaced = false;
  for (UserRecord& user : users) {
    if (user.name == name) {
      user.token_sha256 = Sha256Hex(token);
      replaced = true;
    }
  }
  if (!replaced) users.push_back({name, Sha256Hex(token)});
  nlohmann::json list = nlohmann::json::array();
  for (const UserRecord& user : users) {
    list.push_back({{"name", user.name}, {"token_sha256", user.token_sha256}});
  }
  WriteFileAtomically(path, nlohmann::json{{"users", list}}.dump(2) + "\n");
  return token;
}

}  // namespace kyoso::server

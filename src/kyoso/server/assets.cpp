// Lookup and decompression of the embedded assets (assets.h); the table itself is generated.
#include "kyoso/server/assets.h"

#include <zlib.h>

#include <algorithm>

#include "kyoso/base/error.h"

namespace kyoso::server {

const Asset* FindAsset(std::string_view path) {
  const std::span<const Asset> assets = EmbeddedAssets();
  const auto it = std::lower_bound(assets.begin(), assets.end(), path,
                                   [](const Asset& a, std::string_view p) { return a.path < p; });
  if (it == assets.end() || it->path != path) return nullptr;
  return &*it;
}

std::string Inflate(const Asset& asset) {
  std::string output(asset.size, '\0');
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) throw InternalError("zlib inflateInit2 failed");
  stream.next_in = const_cast<Bytef*>(asset.gzip_data);
  stream.avail_in = static_cast<uInt>(asset.gzip_size);
  stream.next_out = reinterpret_cast<Bytef*>(output.data());
  stream.avail_out = static_cast<uInt>(output.size());
  const int status = inflate(&stream, Z_FINISH);
  const std::size_t produced = stream.total_out;
  inflateEnd(&stream);
  if (status != Z_STREAM_END || produced != asset.size) {
    throw InternalError("embedded asset " + std::string(asset.path) + " is corrupt");
  }
  return output;
}

}  // namespace kyoso::server

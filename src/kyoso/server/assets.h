// The web UI's static files (web/ and the vendored Plotly bundle), embedded into the binary at
// build time by tools/embed_assets.cpp: each file gzip-compressed, with its content type and a
// content hash for ETag revalidation. Embedding keeps `kyoso serve` a single self-contained file
// that works offline with no install directory to find (see docs/web-ui.md, "Assets").
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace kyoso::server {

struct Asset {
  std::string_view path;           // URL path, e.g. "/index.html", "/vendor/plotly.min.js"
  std::string_view content_type;   // e.g. "text/javascript; charset=utf-8"
  std::string_view etag;           // quoted strong ETag derived from the content
  const unsigned char* gzip_data;  // the file, gzip-compressed (RFC 1952)
  std::size_t gzip_size;
  std::size_t size;  // uncompressed size in bytes
};

// Every embedded asset, sorted by path.
std::span<const Asset> EmbeddedAssets();

// The asset at `path`, or nullptr.
const Asset* FindAsset(std::string_view path);

// The uncompressed content of `asset` (zlib inflate). Throws InternalError if corrupt.
std::string Inflate(const Asset& asset);

}  // namespace kyoso::server

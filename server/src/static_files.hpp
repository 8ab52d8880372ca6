// The files `loyalty serve` serves (the web demo at /, the JS package at
// /pkg/): their media types, and their compressed siblings. The package's
// build writes name.br and name.gz beside each file (wasm/build-dist.mjs):
// a client that accepts brotli or gzip gets the sibling, compressed once at
// its best (the .wasm is about a third of its size), with the original's
// media type, Content-Encoding, Vary: Accept-Encoding and an ETag. Files
// without siblings are cpp-httplib's, which compresses text as it sends it.
#pragma once

#include <httplib.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loyalty::server {

// Maps the extensions the demo and the package use to their media types.
void set_mime_types(httplib::Server& server);

// A file whose name carries its content's hash before the extension
// ("loyalty-core.3f9a0c1d2e4b.wasm", written by wasm/build-dist.mjs with
// manifest.json naming it) never changes: browsers keep it for a year
// without asking again. Every other file is asked after (ETag, no-cache).
bool is_content_hashed(std::string_view path);
// After routing: a content-hashed file answered whole is marked immutable.
void mark_immutable(const httplib::Request& req, httplib::Response& res);

// The Link header that has a page's browser fetch the package's hashed core
// and sync client as the page arrives, before its scripts ask for them by
// the names in `dir`/manifest.json (served at /pkg/); empty without one.
std::string package_preloads(const std::string& dir);

class PrecompressedFiles {
 public:
  // Files under `dir` are served at `url_prefix` ("/pkg/", "/").
  void add(std::string url_prefix, std::string dir) { mounts_.emplace_back(std::move(url_prefix), std::move(dir)); }

  // Before routing: answers a GET or HEAD of a file with a sibling the
  // client accepts (true), or leaves the request to the mount points.
  bool answer(const httplib::Request& req, httplib::Response& res) const;

 private:
  std::vector<std::pair<std::string, std::string>> mounts_;
};

}  // namespace loyalty::server

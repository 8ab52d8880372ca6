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
#include <utility>
#include <vector>

namespace loyalty::server {

// Maps the extensions the demo and the package use to their media types.
void set_mime_types(httplib::Server& server);

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

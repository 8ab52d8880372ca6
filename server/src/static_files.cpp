#include "static_files.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string_view>

#include <nlohmann/json.hpp>

#include "http_server.hpp"

namespace loyalty::server {

namespace {

constexpr std::pair<const char*, const char*> kTypes[] = {
    {"html", "text/html; charset=utf-8"},      {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},  {"mjs", "text/javascript; charset=utf-8"},
    {"cjs", "text/javascript; charset=utf-8"}, {"json", "application/json"},
    {"wasm", "application/wasm"},              {"svg", "image/svg+xml"},
    {"png", "image/png"},                      {"ico", "image/x-icon"},
};

const char* type_of(std::string_view path) {
  const std::size_t dot = path.rfind('.');
  if (dot == std::string_view::npos) return nullptr;
  for (const auto& [ext, type] : kTypes) {
    if (path.substr(dot + 1) == ext) return type;
  }
  return nullptr;
}

// A path inside its mount: no "..", no empty or hidden segments, no backslash.
bool safe(std::string_view relative) {
  if (relative.empty() || relative.find('\\') != std::string_view::npos || relative.find('\0') != std::string_view::npos) {
    return false;
  }
  std::size_t from = 0;
  while (from <= relative.size()) {
    std::size_t slash = relative.find('/', from);
    if (slash == std::string_view::npos) slash = relative.size();
    const std::string_view segment = relative.substr(from, slash - from);
    if (segment.empty() || segment.front() == '.') return false;
    from = slash + 1;
  }
  return true;
}

// Whether Accept-Encoding takes `coding` (listed, and not with q=0).
bool accepts(const std::string& header, std::string_view coding) {
  for (const std::string& item : header_items(header)) {
    const std::size_t semi = item.find(';');
    std::string name = item.substr(0, semi);
    name.erase(name.find_last_not_of(" \t") + 1);
    if (name != coding) continue;
    if (semi == std::string::npos) return true;
    std::string params = item.substr(semi + 1);
    params.erase(std::remove(params.begin(), params.end(), ' '), params.end());
    return params.rfind("q=0", 0) != 0 || params.find_first_not_of("q=0.", 0) != std::string::npos;
  }
  return false;
}

}  // namespace

constexpr const char* kImmutable = "public, max-age=31536000, immutable";

bool is_content_hashed(std::string_view path) {
  const std::string_view name = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
  const std::size_t ext = name.rfind('.');
  if (ext == std::string_view::npos || ext < 13) return false;
  const std::string_view hash = name.substr(ext - 12, 12);
  return name[ext - 13] == '.' &&
         std::all_of(hash.begin(), hash.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

void mark_immutable(const httplib::Request& req, httplib::Response& res) {
  if ((req.method == "GET" || req.method == "HEAD") && res.status == 200 && !res.has_header("Cache-Control") &&
      is_content_hashed(req.path)) {
    res.set_header("Cache-Control", kImmutable);
  }
}

std::string package_preloads(const std::string& dir) {
  std::ifstream in(std::filesystem::path(dir) / "manifest.json");
  if (!in) return "";
  const auto manifest = nlohmann::json::parse(in, nullptr, false);
  if (!manifest.is_object()) return "";
  std::string links;
  const auto link = [&](const char* name, const char* rel) {
    const auto it = manifest.find(name);
    if (it == manifest.end() || !it->is_string() || !safe(it->get<std::string>())) return;
    links += (links.empty() ? "" : ", ") + ("</pkg/" + it->get<std::string>() + ">; " + rel);
  };
  link("loyalty-core.web.mjs", "rel=modulepreload");
  link("loyalty-sync.mjs", "rel=modulepreload");
  // As the page's own fetch asks for it (cors mode, same-origin credentials), so the preload is used.
  link("loyalty-core.wasm", "rel=preload; as=fetch; type=\"application/wasm\"; crossorigin");
  return links;
}

void set_mime_types(httplib::Server& server) {
  for (const auto& [ext, type] : kTypes) server.set_file_extension_and_mimetype_mapping(ext, type);
}

bool PrecompressedFiles::answer(const httplib::Request& req, httplib::Response& res) const {
  if (req.method != "GET" && req.method != "HEAD") return false;
  const std::string accepted = req.get_header_value("Accept-Encoding");
  if (accepted.empty()) return false;
  for (const auto& [prefix, dir] : mounts_) {
    if (req.path.rfind(prefix, 0) != 0) continue;
    std::string relative = req.path.substr(prefix.size());
    if (relative.empty() || relative.back() == '/') relative += "index.html";
    const char* type = type_of(relative);
    if (!safe(relative) || !type) return false;
    for (const auto& [coding, suffix] : {std::pair{"br", ".br"}, {"gzip", ".gz"}}) {
      const std::filesystem::path file = std::filesystem::path(dir) / (relative + suffix);
      std::error_code error;
      if (!accepts(accepted, coding) || !std::filesystem::is_regular_file(file, error)) continue;
      const auto size = std::filesystem::file_size(file, error);
      const auto stamp = std::filesystem::last_write_time(file, error).time_since_epoch().count();
      if (error) continue;
      char stamp_hex[17];
      std::snprintf(stamp_hex, sizeof stamp_hex, "%016llx", static_cast<unsigned long long>(stamp));
      const std::string etag = "\"" + std::string(coding) + "-" + std::to_string(size) + "-" + stamp_hex + "\"";
      res.set_header("ETag", etag);
      res.set_header("Cache-Control", is_content_hashed(relative) ? kImmutable : "no-cache");
      if (req.get_header_value("If-None-Match") == etag) {
        res.status = 304;
        return true;
      }
      std::ifstream in(file, std::ios::binary);
      std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (!in.good() && !in.eof()) continue;
      res.status = 200;
      res.set_header("Content-Encoding", coding);
      // cpp-httplib 0.11 compresses every text/* answer as it sends it, and
      // application/json exactly, even one already compressed; JavaScript's
      // other registered type, and JSON with its charset, keep it from
      // compressing these twice.
      const std::string_view media = type;
      res.set_content(std::move(body), media.rfind("text/javascript", 0) == 0 ? "application/javascript; charset=utf-8"
                                       : media == "application/json"           ? "application/json; charset=utf-8"
                                                                                : type);
      return true;
    }
    return false;  // the mount's own file, uncompressed or compressed as it goes
  }
  return false;
}

}  // namespace loyalty::server

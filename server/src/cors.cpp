#include "cors.hpp"

#include <algorithm>

#include "loyalty/engine.hpp"
#include "http_server.hpp"

namespace loyalty::server {

namespace {

// What the API takes and what a page may read of its answers (server/openapi.yaml).
constexpr const char* kMethods = "GET, POST";
constexpr const char* kHeaders[] = {"authorization", "content-type", "if-none-match"};
constexpr const char* kExposed = "ETag, Retry-After, WWW-Authenticate";
constexpr const char* kMaxAgeSeconds = "600";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// "Authorization, content-type" -> every name is one the API takes.
bool headers_allowed(const std::string& list) {
  for (const std::string& name : header_items(list)) {
    if (std::none_of(std::begin(kHeaders), std::end(kHeaders), [&](const char* h) { return lower(name) == h; })) {
      return false;
    }
  }
  return true;
}

std::string refusal(const std::string& message) {
  return error_envelope({{"cors.refused", message, ""}});
}

}  // namespace

std::optional<std::string> CorsPolicy::check_origin(const std::string& origin) {
  const std::string usage = " (an origin is scheme://host[:port], e.g. https://shop.example)";
  if (origin == "*") return "--cors-origin takes exact origins, not *" + usage;
  const std::size_t scheme_end = origin.find("://");
  if (scheme_end == std::string::npos) return "--cors-origin " + origin + ": no scheme" + usage;
  const std::string scheme = origin.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return "--cors-origin " + origin + ": scheme is not http or https" + usage;
  const std::string rest = origin.substr(scheme_end + 3);
  const bool plain = !rest.empty() && rest.front() != ':' && rest.back() != ':' &&
                     rest.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-:[]") == std::string::npos &&
                     std::count(rest.begin(), rest.end(), ':') <= (rest.front() == '[' ? 8 : 1);
  if (!plain) return "--cors-origin " + origin + ": not a lower-case host[:port] with no path" + usage;
  return std::nullopt;
}

bool CorsPolicy::allows(const std::string& origin) const {
  return std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

bool CorsPolicy::answer_preflight(const httplib::Request& req, httplib::Response& res) const {
  const bool preflight = req.method == "OPTIONS" && req.has_header("Origin") &&
                         req.has_header("Access-Control-Request-Method");
  if (!preflight) return false;
  const std::string origin = req.get_header_value("Origin");
  const std::string method = req.get_header_value("Access-Control-Request-Method");
  if (!allows(origin)) {
    res.status = 403;
    res.set_content(refusal("origin " + origin + " may not call this server (loyalty serve --cors-origin)"),
                    kJsonType);
  } else if (method != "GET" && method != "POST") {
    res.status = 403;
    res.set_content(refusal("the API takes GET and POST, not " + method), kJsonType);
  } else if (!headers_allowed(req.get_header_value("Access-Control-Request-Headers"))) {
    res.status = 403;
    res.set_content(refusal("the API reads Authorization, Content-Type and If-None-Match only"), kJsonType);
  } else {
    res.status = 204;
    res.set_header("Access-Control-Allow-Origin", origin);
    res.set_header("Access-Control-Allow-Methods", kMethods);
    res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type, If-None-Match");
    res.set_header("Access-Control-Max-Age", kMaxAgeSeconds);
  }
  return true;
}

void CorsPolicy::mark(const httplib::Request& req, httplib::Response& res) const {
  // Answers differ by origin: a shared cache must not give one origin's to another.
  if (!origins_.empty()) res.set_header("Vary", "Origin");
  const std::string origin = req.get_header_value("Origin");
  if (origin.empty() || req.method == "OPTIONS" || !allows(origin)) return;
  res.set_header("Access-Control-Allow-Origin", origin);
  res.set_header("Access-Control-Expose-Headers", kExposed);
}

}  // namespace loyalty::server

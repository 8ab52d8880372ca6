#include "security_headers.hpp"

namespace loyalty::server {

namespace {

constexpr const char* kPagePolicy =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors ";
constexpr const char* kDataPolicy = "default-src 'none'; frame-ancestors 'none'";

bool is_page(const httplib::Response& res) {
  return res.get_header_value("Content-Type").rfind("text/html", 0) == 0;
}

// The API's answers and documents: JSON, the JSON Schemas, the OpenAPI YAML.
bool is_data(const httplib::Response& res) {
  const std::string type = res.get_header_value("Content-Type");
  for (const char* data : {"application/json", "application/schema+json", "application/yaml"}) {
    if (type.rfind(data, 0) == 0) return true;
  }
  return false;
}

}  // namespace

SecurityHeaders::SecurityHeaders(const std::vector<std::string>& embedding_origins)
    : page_policy_(std::string(kPagePolicy) + "'none'"), embedded_policy_(std::string(kPagePolicy) + "'self'") {
  for (const std::string& origin : embedding_origins) embedded_policy_ += " " + origin;
}

void SecurityHeaders::add(const httplib::Request& req, httplib::Response& res) const {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "same-origin");
  if (is_page(res)) {
    const bool member_centre = req.path == "/member.html";
    res.set_header("Content-Security-Policy", member_centre ? embedded_policy_ : page_policy_);
  } else if (is_data(res)) {
    res.set_header("Content-Security-Policy", kDataPolicy);
  }
}

}  // namespace loyalty::server

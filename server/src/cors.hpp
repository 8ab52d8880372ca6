// Cross-origin access for storefronts on their own domains: the member API,
// the programme and the JS package answer the origins the operator lists
// (`loyalty serve --cors-origin https://shop.example`, repeatable), exactly,
// never "*". A preflight from a listed origin for a method and headers the
// API takes is answered 204 with what it may send; any other preflight is
// refused 403, and answers to other origins carry no CORS header, so the
// browser keeps their pages from reading them. Members authenticate with a
// bearer token, not cookies, so no credentials are allowed.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>
#include <vector>

namespace loyalty::server {

class CorsPolicy {
 public:
  // An origin as a browser sends it: scheme "http" or "https", a host, an
  // optional port, nothing else. Answers an error message, or nullopt.
  static std::optional<std::string> check_origin(const std::string& origin);

  explicit CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

  // Before routing: answers a preflight (true), or leaves the request be.
  bool answer_preflight(const httplib::Request& req, httplib::Response& res) const;
  // After routing: names a listed origin on its answer.
  void mark(const httplib::Request& req, httplib::Response& res) const;

  bool allows(const std::string& origin) const;
  const std::vector<std::string>& origins() const { return origins_; }

 private:
  std::vector<std::string> origins_;
};

}  // namespace loyalty::server

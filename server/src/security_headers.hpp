// Headers that tell browsers how far to trust what this server sends: no
// content sniffing and no referrer beyond the site, on every answer; on the
// pages, a Content-Security-Policy with nothing inline and nothing from
// elsewhere (WebAssembly compiles under 'wasm-unsafe-eval', nothing else
// evaluates code), and who may frame them: the member centre
// (member.html) its own site and the storefront origins listed by
// --cors-origin, so that a brand's shop can embed it; any other page no one.
// API answers get a policy that allows nothing, as data that is never a page.
#pragma once

#include <httplib.h>

#include <string>
#include <vector>

namespace loyalty::server {

class SecurityHeaders {
 public:
  explicit SecurityHeaders(const std::vector<std::string>& embedding_origins);

  void add(const httplib::Request& req, httplib::Response& res) const;

 private:
  std::string page_policy_;      // frame-ancestors 'none'
  std::string embedded_policy_;  // frame-ancestors 'self' and the listed origins
};

}  // namespace loyalty::server

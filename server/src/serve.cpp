#include "serve.hpp"

#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"

namespace loyalty::serve {

namespace {

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// One JSON object per line on stderr: what an on-call engineer greps.
void log_event(Json fields) {
  fields["ts"] = now_ms();
  std::cerr << fields.dump() << std::endl;
}

// FNV-1a: a stable fingerprint of the programme text for its ETag.
std::string fingerprint(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

bool parse_listen(const std::string& value, Options& options) {
  const auto colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  try {
    std::size_t used = 0;
    const int port = std::stoi(value.substr(colon + 1), &used);
    if (used != value.size() - colon - 1 || port < 0 || port > 65535) return false;
    options.host = value.substr(0, colon);
    options.port = port;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

void set_mime_types(httplib::Server& server) {
  const std::pair<const char*, const char*> types[] = {
      {"html", "text/html; charset=utf-8"},  {"css", "text/css; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"}, {"mjs", "text/javascript; charset=utf-8"},
      {"cjs", "text/javascript; charset=utf-8"}, {"json", "application/json"},
      {"wasm", "application/wasm"},           {"svg", "image/svg+xml"},
      {"png", "image/png"},                   {"ico", "image/x-icon"},
  };
  for (const auto& [ext, mime] : types) server.set_file_extension_and_mimetype_mapping(ext, mime);
}

}  // namespace

std::string parse_options(const std::vector<std::string>& args, Options& options) {
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (i + 1 >= args.size()) return flag + " needs a value";
    const std::string& value = args[++i];
    if (flag == "--program") {
      options.program_path = value;
    } else if (flag == "--listen") {
      if (!parse_listen(value, options)) return "--listen takes HOST:PORT, e.g. 127.0.0.1:8080";
    } else if (flag == "--static") {
      options.static_dir = value;
    } else if (flag == "--package") {
      options.package_dir = value;
    } else {
      return "unknown option " + flag;
    }
  }
  if (options.program_path.empty()) return "--program is required";
  return "";
}

int run(const Options& options) {
  std::ifstream file(options.program_path, std::ios::binary);
  if (!file) {
    std::cerr << "loyalty serve: cannot read " << options.program_path << "\n";
    return 1;
  }
  std::stringstream text;
  text << file.rdbuf();
  auto engine = Engine::load(text.str());
  if (!engine.ok()) {
    for (const Error& e : engine.errors()) {
      std::cerr << options.program_path << ": " << (e.path.empty() ? "" : e.path + ": ") << e.message
                << " [" << e.code << "]\n";
    }
    return 1;
  }
  const Program& program = engine.value().program();
  const std::string program_body =
      Json{{"program", to_json(program)}, {"version", program.version}}.dump();
  const std::string etag = "\"" + program.id + "-" + std::to_string(program.version) + "-" +
                           fingerprint(program_body) + "\"";

  httplib::Server server;
  set_mime_types(server);
  server.set_payload_max_length(1 << 20);

  server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"ok":true})", "application/json");
  });
  server.Get("/v1/program", [&](const httplib::Request& req, httplib::Response& res) {
    res.set_header("ETag", etag);
    res.set_header("Cache-Control", "no-cache");
    if (req.get_header_value("If-None-Match") == etag) {
      res.status = 304;
      return;
    }
    res.set_content(program_body, "application/json");
  });
  if (!options.package_dir.empty() && !server.set_mount_point("/pkg", options.package_dir)) {
    std::cerr << "loyalty serve: no folder " << options.package_dir << "\n";
    return 1;
  }
  if (!options.static_dir.empty() && !server.set_mount_point("/", options.static_dir)) {
    std::cerr << "loyalty serve: no folder " << options.static_dir << "\n";
    return 1;
  }
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const bool missing = res.status == 404;
    res.set_content(error_envelope({{missing ? "http.not_found" : "http.error",
                                     missing ? "nothing is served at " + req.path
                                             : "HTTP status " + std::to_string(res.status),
                                     ""}}),
                    "application/json");
  });
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    log_event({{"event", "request"}, {"method", req.method}, {"path", req.path}, {"status", res.status}});
  });

  // SIGINT/SIGTERM are taken by one thread, which stops the server; stop()
  // lets requests in flight finish. Blocked before any server thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    log_event({{"event", "stopping"}, {"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    server.stop();
  });

  const int port = options.port == 0 ? server.bind_to_any_port(options.host)
                                     : (server.bind_to_port(options.host, options.port) ? options.port : -1);
  if (port < 0) {
    log_event({{"event", "listen_failed"}, {"host", options.host}, {"port", options.port}});
    pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
    return 1;
  }
  log_event({{"event", "listening"},
             {"url", "http://" + options.host + ":" + std::to_string(port) + "/"},
             {"program", program.id},
             {"program_version", program.version}});
  server.listen_after_bind();
  stopper.join();
  log_event({{"event", "stopped"}});
  return 0;
}

}  // namespace loyalty::serve

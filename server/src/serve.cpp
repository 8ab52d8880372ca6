#include "serve.hpp"

#include <httplib.h>
#include <signal.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <cstdlib>
#include <memory>
#include <thread>

#include "api_routes.hpp"
#include "cors.hpp"
#include "security_headers.hpp"
#include "static_files.hpp"
#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"
#include "loyalty/sha256.hpp"
#include "http_server.hpp"
#include "json_schemas.hpp"
#include "openapi_document.hpp"
#include "process_memory.hpp"
#include "store.hpp"

namespace loyalty::serve {

namespace {

using server::now_ms;

constexpr std::size_t kWorkers = 256;
constexpr std::size_t kRequestsPerConnection = 100;

// One JSON object per line on stderr: what an on-call engineer greps. One
// write per line, so that lines from many threads never interleave.
void log_event(Json fields) {
  fields["ts"] = now_ms();
  const std::string line = fields.dump() + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void print_errors(const std::string& file, const Errors& errors) {
  for (const Error& e : errors) {
    std::cerr << file << ": " << (e.path.empty() ? "" : e.path + ": ") << e.message << " [" << e.code << "]\n";
  }
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

bool parse_count(const std::string& text, std::int64_t& out) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  out = std::stoll(text);
  return true;
}

// A secret from the environment; in demo mode, 32 random bytes as hex.
std::string secret(const char* name, bool demo) {
  const char* value = std::getenv(name);
  if (value && *value) return value;
  if (!demo) return "";
  std::ifstream random("/dev/urandom", std::ios::binary);
  std::string bytes(32, '\0');
  random.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return to_hex(sha256(bytes));
}

}  // namespace

std::string parse_options(const std::vector<std::string>& args, Options& options) {
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--demo") {
      options.demo = true;
      continue;
    }
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
    } else if (flag == "--db") {
      options.db_url = value;
    } else if (flag == "--token-ttl") {
      if (!parse_count(value, options.token_ttl_seconds) || options.token_ttl_seconds < 1) {
        return "--token-ttl takes seconds, at least 1";
      }
    } else if (flag == "--member-rate") {
      if (!parse_count(value, options.member_rate_per_minute)) return "--member-rate takes requests a minute (0: unlimited)";
    } else if (flag == "--request-timeout") {
      std::int64_t seconds = 0;
      if (!parse_count(value, seconds) || seconds < 1) return "--request-timeout takes seconds, at least 1";
      options.request_timeout_ms = seconds * 1000;
    } else if (flag == "--member-cache-mb") {
      if (!parse_count(value, options.member_cache_mb)) return "--member-cache-mb takes megabytes (0: hold none)";
    } else if (flag == "--cors-origin") {
      if (auto error = server::CorsPolicy::check_origin(value)) return *error;
      options.cors_origins.push_back(value);
    } else if (flag == "--ip-rate") {
      if (!parse_count(value, options.ip_rate_per_minute)) return "--ip-rate takes requests a minute (0: unlimited)";
    } else {
      return "unknown option " + flag;
    }
  }
  if (options.program_path.empty()) return "--program is required";
  return "";
}

int run(const Options& options) {
#if defined(__GLIBC__)
  // One malloc arena for every thread (glibc makes up to 8 a core). Each
  // request allocates and frees a member's state; spread over 16 arenas,
  // their free memory stayed in pieces each arena kept, and a soak's RSS
  // grew ~2.4 MB a minute with the member cache full, ~0.4 with one arena,
  // no slower on two cores (bench/RESULTS.md). The per-thread caches in
  // front of it still serve most requests unlocked.
  mallopt(M_ARENA_MAX, 1);
#endif
  std::ifstream file(options.program_path, std::ios::binary);
  if (!file) {
    std::cerr << "loyalty serve: cannot read " << options.program_path << "\n";
    return 1;
  }
  std::stringstream text;
  text << file.rdbuf();
  if (auto engine = Engine::load(text.str()); !engine.ok()) {
    print_errors(options.program_path, engine.errors());
    return 1;
  }
  server::ApiSettings settings;
  settings.demo = options.demo;
  settings.token_ttl_seconds = options.token_ttl_seconds;
  settings.member_rate_per_minute = options.member_rate_per_minute;
  settings.ip_rate_per_minute = options.ip_rate_per_minute;
  settings.merchant_key = secret("LOYALTY_MERCHANT_KEY", options.demo);
  const std::string token_secret = secret("LOYALTY_TOKEN_SECRET", options.demo);
  if (settings.merchant_key.empty() || token_secret.empty()) {
    std::cerr << "loyalty serve: set LOYALTY_TOKEN_SECRET and LOYALTY_MERCHANT_KEY (or run with --demo)\n";
    return 1;
  }
  std::unique_ptr<server::Store> store;
  try {
    store = server::open_store(options.db_url);
  } catch (const server::StoreError& e) {
    std::cerr << "loyalty serve: " << e.what() << "\n";
    return 1;
  }
  // The file's rules join the versions the store keeps (program_versions.hpp).
  auto programs = server::ProgramVersions::open(*store, text.str(), now_ms());
  if (!programs.ok()) {
    print_errors(options.program_path, programs.errors());
    return 1;
  }
  server::ProgramVersions& versions = *programs.value();
  server::SyncService sync(versions, *store, static_cast<std::size_t>(options.member_cache_mb), token_secret);
  try {
    sync.deliver_outbox(now_ms());  // what a crash left between two members' transactions
  } catch (const server::StoreError& e) {
    log_event({{"event", "store_error"}, {"path", "outbox"}, {"error", e.what()}});
  }
  server::MemberTokens tokens(token_secret);
  server::ApiRoutes api(sync, *store, versions, tokens, settings);

  // A worker serves one connection at a time: enough of them that many
  // keep-alive clients do not queue behind each other, and each connection
  // kept for many requests (a new one costs a handshake), though not for
  // ever, so that queued connections get their turn.
  server::HttpServer server(kWorkers, std::chrono::milliseconds(options.request_timeout_ms), [](const std::string& peer) {
    log_event({{"event", "request_timeout"}, {"peer", peer}});
  });
  set_mime_types(server);
  server.set_payload_max_length(1 << 20);
  server.set_tcp_nodelay(true);  // small JSON answers must not wait for delayed ACKs
  server.set_keep_alive_max_count(kRequestsPerConnection);
  const server::CorsPolicy cors(options.cors_origins);
  const server::SecurityHeaders security(options.cors_origins);
  server::PrecompressedFiles precompressed;
  if (!options.package_dir.empty()) precompressed.add("/pkg/", options.package_dir);
  if (!options.static_dir.empty()) precompressed.add("/", options.static_dir);
  server.set_pre_routing_handler([&](const httplib::Request& req, httplib::Response& res) {
    return cors.answer_preflight(req, res) || precompressed.answer(req, res) ? httplib::Server::HandlerResponse::Handled
                                                                              : httplib::Server::HandlerResponse::Unhandled;
  });
  const std::string preloads = options.package_dir.empty() ? "" : server::package_preloads(options.package_dir);
  server.set_post_routing_handler([&](const httplib::Request& req, httplib::Response& res) {
    cors.mark(req, res);
    security.add(req, res);
    server::mark_immutable(req, res);
    if (!preloads.empty() && res.get_header_value("Content-Type").rfind("text/html", 0) == 0) res.set_header("Link", preloads);
    // Pages and text go out compressed as the client accepts (cpp-httplib), the package from its siblings.
    res.set_header("Vary", "Accept-Encoding");
  });

  server.Get("/healthz", [&](const httplib::Request&, httplib::Response& res) {
    const server::MemberCache& held = sync.held_members();
    const server::Store::GroupCounts groups = store->group_counts();
    const server::ProcessMemory memory = server::process_memory();
    const server::HttpServer::WorkerCounts workers = server.worker_counts();
    res.set_content(Json{{"ok", true},
                         {"store", store->describe()},
                         {"connections_cut", server.connections_cut()},
                         {"held_members", {{"members", held.size()}, {"bytes", held.bytes()}, {"budget_bytes", held.budget_bytes()},
                                           {"hits", held.hits()}, {"misses", held.misses()}, {"reruns", held.reruns()}}},
                         {"member_groups", {{"groups", groups.groups}, {"transactions", groups.transactions},
                                            {"rolled_back", groups.rolled_back}, {"run_alone", groups.run_alone},
                                            {"busy_ms", groups.busy_ms}}},
                         {"memory", {{"heap_in_use", memory.heap_in_use}, {"heap_free_kept", memory.heap_free_kept},
                                     {"sqlite", memory.sqlite}}},
                         {"workers", {{"threads", workers.threads}, {"busy", workers.busy}, {"queued", workers.queued},
                                      {"max", workers.max}}}}
                        .dump(),
                    server::kJsonType);
  });
  api.install(server);
  // The contract this server was built with (server/openapi.yaml), for
  // client and mock generators.
  server.Get("/v1/openapi.yaml", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-cache");
    res.set_content(kOpenApiDocument, "application/yaml");
  });
  // What an editor checks a programme, an event or a state against.
  for (const auto& [path, schema] : {std::pair{"/v1/schemas/program.schema.json", kProgramSchema},
                                     {"/v1/schemas/event.schema.json", kEventSchema},
                                     {"/v1/schemas/state.schema.json", kStateSchema}}) {
    server.Get(path, [schema = schema](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "no-cache");
      res.set_content(schema, "application/schema+json");
    });
  }
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
    Error error{"http.error", "HTTP status " + std::to_string(res.status), ""};
    if (res.status == 404) error = {"http.not_found", "nothing is served at " + req.path, ""};
    if (res.status == 413) error = {"request.too_large", "the body is over 1 MiB", ""};
    res.set_content(error_envelope({error}), server::kJsonType);
  });
  // A store that fails answers 503 (nothing of the request was kept); anything
  // else is our bug, answered 500 and logged.
  server.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    try {
      std::rethrow_exception(ep);
    } catch (const server::StoreError& e) {
      res.status = 503;
      res.set_content(error_envelope({{"store.unavailable", "storage failed; nothing was kept, retry", ""}}),
                      server::kJsonType);
      log_event({{"event", "store_error"}, {"path", req.path}, {"error", e.what()}});
    } catch (const std::exception& e) {
      res.status = 500;
      res.set_content(error_envelope({{"server.internal", "internal error", ""}}), server::kJsonType);
      log_event({{"event", "internal_error"}, {"path", req.path}, {"error", e.what()}});
    }
  });
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    log_event({{"event", "request"}, {"method", req.method}, {"path", req.path}, {"status", res.status}});
  });

  // Over a file-size limit a write fails (EFBIG) and the store answers 503,
  // like a full disk, instead of the signal ending the process.
  signal(SIGXFSZ, SIG_IGN);

  // SIGINT/SIGTERM are taken by one thread, which stops the server; stop()
  // lets requests in flight finish. Blocked before any server thread starts.
  // stop() does nothing until the server runs, and a signal may come as soon
  // as "listening" is logged, before it does: the thread waits for it to run
  // (or to have ended), so that such a signal is not lost.
  std::atomic<bool> listen_ended{false};
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    log_event({{"event", "stopping"}, {"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    while (!server.is_running() && !listen_ended) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    server.stop();
  });

  const int port = options.port == 0 ? server.bind_to_any_port(options.host)
                                     : (server.bind_to_port(options.host, options.port) ? options.port : -1);
  if (port < 0) {
    log_event({{"event", "listen_failed"}, {"host", options.host}, {"port", options.port}});
    listen_ended = true;
    pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
    return 1;
  }
  server.deepen_accept_queue();
  const server::HeldVersion in_force = versions.in_force(now_ms());
  Json listening = {{"event", "listening"},
                    {"url", "http://" + options.host + ":" + std::to_string(port) + "/"},
                    {"program", in_force->program().id},
                    {"program_version", in_force->version()},
                    {"store", store->describe()},
                    {"demo", options.demo}};
  // Demo only: the merchant key, so that one can try the merchant endpoints.
  if (options.demo && !std::getenv("LOYALTY_MERCHANT_KEY")) listening["demo_merchant_key"] = settings.merchant_key;
  log_event(listening);
  server.listen_after_bind();
  listen_ended = true;
  stopper.join();
  log_event({{"event", "stopped"}});
  return 0;
}

}  // namespace loyalty::serve

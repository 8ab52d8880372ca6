// A load generator for POST /v1/sync that costs the server's machine little:
// one thread and one keep-alive connection per client, bodies and member
// tokens made here. Each client is a member sending batches of 1-point
// redeems back to back; the members join first (through the merchant API),
// get points from one large order and, to stand for a member with history,
// `--history` more orders.
//
//   bench_sync_load --url http://127.0.0.1:8080/[,URL...] --clients 64 [--batch 1]
//                   [--history 0] [--state json|snapshot|packed|none] [--warmup 2] [--seconds 5]
//                   [--server-pid PID[,PID...]] [--tag run]
// With several URLs (servers on one store), client c talks to the c-th modulo.
//
// Prints one JSON line: events and requests a second, latency percentiles,
// errors, the CPU (in cores) the server and this client used while
// measuring, so that the two costs are told apart on one machine, and the
// share of that time the server's member groups ran (groups_busy; near 1 on
// SQLite when its one writer is the limit).
// Secrets come from LOYALTY_MERCHANT_KEY and LOYALTY_TOKEN_SECRET (the
// tests' values when unset).
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "member_token.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::vector<std::string> urls;  // client c talks to urls[c % n]: several servers on one store
  int clients = 1;
  int batch = 1;
  int history = 0;
  double seconds = 5;
  double warmup = 2;  // seconds of load before measuring: caches filled, the WAL at its working size
  std::vector<std::string> server_pids;  // their CPU is summed
  std::string tag = "load";
  std::string state = "json";  // the state in each answer: json, snapshot, packed or none
};

std::string env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

// CPU seconds (user + system) a process has used, from /proc/PID/stat.
double cpu_seconds(const std::string& pid) {
  std::ifstream stat("/proc/" + pid + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// "http://host:port/" split for httplib::Client.
void split_url(const std::string& url, std::string& host, int& port) {
  std::string rest = url.substr(url.find("//") + 2);
  rest = rest.substr(0, rest.find('/'));
  const auto colon = rest.rfind(':');
  host = rest.substr(0, colon);
  port = colon == std::string::npos ? 80 : std::stoi(rest.substr(colon + 1));
}

std::string order_body(const std::string& member, const std::string& id, long long unit_price) {
  return "{\"member_id\":\"" + member + "\",\"id\":\"" + id + "\",\"order_id\":\"" + id +
         "\",\"lines\":[{\"sku\":\"cake\",\"category\":\"cake\",\"unit_price\":" + std::to_string(unit_price) +
         ",\"quantity\":1}]}";
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

// Joins the member and gives it points and history; false (and why, on
// stderr) when the server refuses.
bool prepare_member(httplib::Client& http, const std::string& member, int history, const std::string& merchant_key) {
  const httplib::Headers auth = {{"Authorization", "Bearer " + merchant_key}};
  auto joined = http.Post("/v1/members", auth, "{\"member_id\":\"" + member + "\"}", "application/json");
  if (!joined || (joined->status != 201 && joined->status != 200)) {
    std::cerr << "join " << member << ": " << (joined ? joined->body : httplib::to_string(joined.error())) << "\n";
    return false;
  }
  for (int i = 0; i <= history; ++i) {
    // The first order pays for every redeem; the rest are a history of purchases.
    const long long price = i == 0 ? 100000000 : 3800 + 100 * (i % 7);
    auto ordered = http.Post("/v1/orders", auth, order_body(member, "order-" + std::to_string(i), price),
                             "application/json");
    if (!ordered || ordered->status != 200 || ordered->body.find("\"result\":\"rejected\"") != std::string::npos) {
      std::cerr << "order " << member << ": " << (ordered ? ordered->body : httplib::to_string(ordered.error())) << "\n";
      return false;
    }
  }
  return true;
}

struct ClientResult {
  std::vector<double> latencies_ms;
  long long events = 0;
  long long errors = 0;
  std::string first_error;
};

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

double cpu_seconds_of(const std::vector<std::string>& pids) {
  double total = 0;
  for (const std::string& pid : pids) total += cpu_seconds(pid);
  return total;
}

// The time the servers' member groups have run (/healthz member_groups.busy_ms),
// summed: read before and after the measurement, it tells whether the store's
// writer was the limit. -1 when a server does not say.
double group_busy_ms_of(const std::vector<std::string>& urls) {
  double total = 0;
  for (const std::string& url : urls) {
    std::string host;
    int port = 0;
    split_url(url, host, port);
    httplib::Client http(host, port);
    const auto res = http.Get("/healthz");
    if (!res || res->status != 200) return -1;
    const auto health = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
    const auto groups = health.is_object() ? health.find("member_groups") : health.end();
    if (groups == health.end() || !groups->contains("busy_ms") || !(*groups)["busy_ms"].is_number()) return -1;
    total += (*groups)["busy_ms"].get<double>();
  }
  return total;
}

void run_client(const Options& options, const std::string& url, const std::string& member, const std::string& token,
                Clock::time_point measure_from, Clock::time_point end, ClientResult& out) {
  std::string host;
  int port = 0;
  split_url(url, host, port);
  httplib::Client http(host, port);
  http.set_keep_alive(true);
  http.set_tcp_nodelay(true);  // headers and body go in two writes: Nagle would hold the body for an ACK
  http.set_read_timeout(30, 0);
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  const std::string applied = "\"result\":\"applied\"";
  for (long long n = 0; Clock::now() < end; ++n) {
    std::string body = "{\"events\":[";
    for (int e = 0; e < options.batch; ++e) {
      body += (e ? "," : "");
      body += "{\"id\":\"" + options.tag + "-" + std::to_string(n) + "-" + std::to_string(e) +
              "\",\"type\":\"redeem\",\"points\":1,\"reward_id\":\"load\"}";
    }
    // "json" is the default, left out so that servers from before the option take the body too.
    body += options.state == "json" ? "]}" : "],\"state\":\"" + options.state + "\"}";
    const auto t0 = Clock::now();
    auto res = http.Post("/v1/sync", auth, body, "application/json");
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (res && res->status == 200 && count(res->body, applied) == static_cast<std::size_t>(options.batch)) {
      if (t0 < measure_from) continue;
      out.latencies_ms.push_back(ms);
      out.events += options.batch;
    } else {
      ++out.errors;
      if (out.first_error.empty()) out.first_error = res ? res->body.substr(0, 300) : httplib::to_string(res.error());
    }
  }
}

bool parse(int argc, char** argv, Options& options) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--url") options.urls = split_list(value);
    else if (flag == "--clients") options.clients = std::stoi(value);
    else if (flag == "--batch") options.batch = std::stoi(value);
    else if (flag == "--history") options.history = std::stoi(value);
    else if (flag == "--seconds") options.seconds = std::stod(value);
    else if (flag == "--warmup") options.warmup = std::stod(value);
    else if (flag == "--server-pid") options.server_pids = split_list(value);
    else if (flag == "--tag") options.tag = value;
    else if (flag == "--state") options.state = value;
    else return false;
  }
  return !options.urls.empty() && options.clients > 0 && options.batch > 0 && options.history >= 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (argc % 2 == 0 || !parse(argc, argv, options)) {
    std::cerr << "usage: bench_sync_load --url URL[,URL...] --clients N [--batch N] [--history N] [--state FORM] [--warmup S] [--seconds S] "
                 "[--server-pid PID[,PID...]] [--tag TAG]\n";
    return 2;
  }
  const std::string merchant_key = env_or("LOYALTY_MERCHANT_KEY", "test-merchant-key");
  const loyalty::server::MemberTokens tokens(env_or("LOYALTY_TOKEN_SECRET", "test-token-secret"));

  std::vector<std::string> members;
  std::vector<std::string> member_tokens;
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  for (int c = 0; c < options.clients; ++c) {
    members.push_back(options.tag + "-" + std::to_string(c));
    member_tokens.push_back(tokens.issue(members.back(), 0, now_ms + 3600 * 1000));  // new members: epoch 0
  }

  // Members are prepared on a few threads: joining 256 members with history one by one is slow.
  std::atomic<int> next{0};
  std::atomic<bool> prepared{true};
  std::vector<std::thread> preparers;
  for (int t = 0; t < std::min(8, options.clients); ++t) {
    preparers.emplace_back([&] {
      std::string host;
      int port = 0;
      split_url(options.urls[0], host, port);
      httplib::Client http(host, port);
      http.set_keep_alive(true);
      http.set_tcp_nodelay(true);
      for (int c; (c = next++) < options.clients;) {
        if (!prepare_member(http, members[c], options.history, merchant_key)) prepared = false;
      }
    });
  }
  for (auto& t : preparers) t.join();
  if (!prepared) return 1;

  const auto seconds = [](double s) { return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s)); };
  const auto measure_from = Clock::now() + seconds(options.warmup);
  const auto end = measure_from + seconds(options.seconds);
  std::vector<ClientResult> results(options.clients);
  std::vector<std::thread> clients;
  for (int c = 0; c < options.clients; ++c) {
    clients.emplace_back(run_client, std::cref(options), options.urls[c % options.urls.size()], members[c],
                         member_tokens[c], measure_from, end, std::ref(results[c]));
  }
  std::this_thread::sleep_until(measure_from);
  const double group_busy_before = group_busy_ms_of(options.urls);
  const double server_cpu_before = cpu_seconds_of(options.server_pids);
  const double client_cpu_before = cpu_seconds("self");
  std::this_thread::sleep_until(end);
  const double server_cpu = (cpu_seconds_of(options.server_pids) - server_cpu_before) / options.seconds;
  const double client_cpu = (cpu_seconds("self") - client_cpu_before) / options.seconds;
  const double group_busy_after = group_busy_ms_of(options.urls);
  // The share of the wall time member groups ran (summed over servers).
  const double groups_busy = group_busy_before < 0 || group_busy_after < 0
                                 ? -1 : (group_busy_after - group_busy_before) / (options.seconds * 1000);
  for (auto& t : clients) t.join();
  const double wall = options.seconds;

  std::vector<double> latencies;
  long long events = 0;
  long long errors = 0;
  std::string first_error;
  for (const ClientResult& r : results) {
    latencies.insert(latencies.end(), r.latencies_ms.begin(), r.latencies_ms.end());
    events += r.events;
    errors += r.errors;
    if (first_error.empty()) first_error = r.first_error;
  }
  std::sort(latencies.begin(), latencies.end());
  const auto at = [&](double q) {
    return latencies.empty() ? 0.0 : latencies[std::min(latencies.size() - 1, static_cast<std::size_t>(q * latencies.size()))];
  };
  char line[512];
  std::snprintf(line, sizeof line,
                "{\"clients\":%d,\"batch\":%d,\"history\":%d,\"state\":\"%s\",\"events_per_s\":%.0f,\"requests_per_s\":%.0f,"
                "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"errors\":%lld,\"server_cpu_cores\":%.2f,\"client_cpu_cores\":%.2f,"
                "\"groups_busy\":%.2f}",
                options.clients, options.batch, options.history, options.state.c_str(), events / wall, latencies.size() / wall, at(0.5),
                at(0.99), errors, server_cpu, client_cpu, groups_busy);
  std::cout << line << std::endl;
  if (errors) std::cerr << "first error: " << first_error << "\n";
  return errors ? 1 : 0;
}

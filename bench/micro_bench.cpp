// In-process micro benchmarks of the request path: parameter decoding, JWT parsing and RS256
// verification, authentication with and without the verified-token cache, the router end to
// end (no network), and the SQLite store, including group commit under concurrent writers.
//
// Every store benchmark runs on a real SqliteStore (WAL, synchronous=FULL) in a fresh
// temporary directory, so single writes pay a real fsync.

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "api/application_methods.hpp"
#include "api/call_metrics.hpp"
#include "api/key_value_methods.hpp"
#include "api/request_decoding.hpp"
#include "api/router.hpp"
#include "auth/authenticator.hpp"
#include "auth/jwt.hpp"
#include "bench_support.hpp"
#include "common/clock.hpp"
#include "crypto/rsa.hpp"
#include "service/applications.hpp"
#include "service/key_value.hpp"
#include "token.hpp"

namespace coffer::bench {
namespace {

// Items written before the read benchmarks run.
constexpr int64_t kReadItems = 10000;

// The shared store, filled once with kReadItems items "k:0000000" ... through PutKvItem from
// many threads (so the fill itself is group-committed).
StoreFixture& Fixture() {
  static StoreFixture* fixture = [] {
    auto* f = new StoreFixture();
    const int64_t expires_at = NowSeconds() + 86400;
    constexpr int kThreads = 32;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([f, t, expires_at] {
        for (int64_t i = t; i < kReadItems; i += kThreads) {
          f->store->key_value().Put(
              f->application_id,
              {IndexedKey(i), "+1555" + std::to_string(1000000 + i), expires_at});
        }
      });
    }
    for (auto& thread : threads) thread.join();
    return f;
  }();
  return *fixture;
}

std::string FreshToken() {
  StoreFixture& f = Fixture();
  const int64_t now = NowSeconds();
  return MintRs256Token(f.private_key_pem, f.key.key_id, f.account.id, now, now + 3600);
}

// --- parameter decoding ------------------------------------------------------------------

common::HttpRequest QueryRequest() {
  common::HttpRequest r;
  r.method = "GET";
  r.target =
      "/platform_api/SetKeyValueItem/?application_id=12&key=order%3A1234&value=%2B15551234567"
      "&ttl=864000";
  return r;
}

common::HttpRequest UrlencodedRequest() {
  common::HttpRequest r;
  r.method = "POST";
  r.target = "/platform_api/SetKeyValueItem";
  r.content_type = "application/x-www-form-urlencoded";
  r.body = "application_id=12&key=order%3A1234&value=%2B15551234567&ttl=864000";
  return r;
}

// The shape the Node client's `form-data` package produces: a 26-dash + 24-digit boundary,
// `cmd` first, one part per field.
common::HttpRequest NodeMultipartRequest() {
  const std::string boundary =
      "--------------------------" + std::string("517492830174629385710234");
  const auto part = [&](const std::string& name, const std::string& value) {
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
           value + "\r\n";
  };
  common::HttpRequest r;
  r.method = "POST";
  r.target = "/platform_api";
  r.content_type = "multipart/form-data; boundary=" + boundary;
  r.body = part("cmd", "SetKeyValueItem") + part("application_id", "12") +
           part("key", "order:1234") + part("value", "+15551234567") + part("ttl", "864000") +
           "--" + boundary + "--\r\n";
  return r;
}

common::HttpRequest JsonRequest() {
  common::HttpRequest r;
  r.method = "POST";
  r.target = "/platform_api/SetKeyValueItem";
  r.content_type = "application/json";
  r.body = R"({"application_id":12,"key":"order:1234","value":"+15551234567","ttl":864000})";
  return r;
}

void RunDecode(benchmark::State& state, const common::HttpRequest& request) {
  for (auto _ : state) {
    auto decoded = api::DecodeRequest(request, 256);
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(request.target.size() + request.body.size()));
}

void BM_DecodeQuery(benchmark::State& state) { RunDecode(state, QueryRequest()); }
void BM_DecodeUrlencodedBody(benchmark::State& state) { RunDecode(state, UrlencodedRequest()); }
void BM_DecodeMultipartNode(benchmark::State& state) { RunDecode(state, NodeMultipartRequest()); }
void BM_DecodeJsonBody(benchmark::State& state) { RunDecode(state, JsonRequest()); }
BENCHMARK(BM_DecodeQuery);
BENCHMARK(BM_DecodeUrlencodedBody);
BENCHMARK(BM_DecodeMultipartNode);
BENCHMARK(BM_DecodeJsonBody);

// --- JWT and RS256 -------------------------------------------------------------------------

void BM_ParseJwt(benchmark::State& state) {
  const std::string token = FreshToken();
  for (auto _ : state) {
    auto parsed = auth::ParseJwt(token);
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_ParseJwt);

void BM_VerifyRs256(benchmark::State& state) {
  const std::string token = FreshToken();
  const auth::JwtToken parsed = auth::ParseJwt(token);
  const auto key = crypto::RsaPublicKey::FromPem(Fixture().key.public_key_pem);
  for (auto _ : state) {
    const bool ok = key->VerifyRs256(parsed.signing_input, parsed.signature);
    if (!ok) state.SkipWithError("signature did not verify");
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_VerifyRs256);

void BM_PublicKeyFromPem(benchmark::State& state) {
  const std::string pem = Fixture().key.public_key_pem;
  for (auto _ : state) benchmark::DoNotOptimize(crypto::RsaPublicKey::FromPem(pem));
}
BENCHMARK(BM_PublicKeyFromPem);

// Authenticator::Authenticate on a Bearer header. With the cache (the server's default) a
// replayed token costs a cache lookup plus the key and account reads from the store; with a
// zero-capacity cache every call parses and verifies the signature as well.
void RunAuthenticate(benchmark::State& state, std::size_t cache_capacity) {
  StoreFixture& f = Fixture();
  common::SystemClock clock;
  auth::AuthenticatorOptions options;
  options.token_cache_capacity = cache_capacity;
  auth::Authenticator authenticator(f.store->accounts(), clock, options);
  const std::optional<std::string> header = "Bearer " + FreshToken();
  for (auto _ : state) {
    auto principal = authenticator.Authenticate(header, {});
    benchmark::DoNotOptimize(principal);
  }
}
void BM_AuthenticateCachedToken(benchmark::State& state) { RunAuthenticate(state, 100000); }
void BM_AuthenticateUncachedToken(benchmark::State& state) { RunAuthenticate(state, 0); }
BENCHMARK(BM_AuthenticateCachedToken);
BENCHMARK(BM_AuthenticateUncachedToken);

// --- the router, end to end without the network -------------------------------------------

// Wired as `coffer serve` wires it: metrics on, no access log.
struct RouterFixture {
  RouterFixture()
      : authenticator(Fixture().store->accounts(), clock, {}, &registry),
        applications(Fixture().store->applications(), clock, {}),
        key_value(Fixture().store->key_value(), clock) {
    api::RegisterApplicationMethods(methods, applications);
    api::RegisterKeyValueMethods(methods, applications, key_value);
    call_metrics = std::make_unique<api::CallMetrics>(methods, registry);
    router = std::make_unique<api::Router>(methods, authenticator, Fixture().store->meta(),
                                           api::RouterOptions{}, call_metrics.get());
  }

  common::SystemClock clock;
  common::MetricsRegistry registry;
  auth::Authenticator authenticator;
  service::Applications applications;
  service::KeyValue key_value;
  api::MethodTable methods;
  std::unique_ptr<api::CallMetrics> call_metrics;
  std::unique_ptr<api::Router> router;
};

RouterFixture& Routing() {
  static RouterFixture* routing = new RouterFixture();
  return *routing;
}

common::HttpRequest ApiPost(const std::string& method, const std::string& body,
                            const std::string& token) {
  common::HttpRequest r;
  r.method = "POST";
  r.target = "/platform_api/" + method;
  r.content_type = "application/x-www-form-urlencoded";
  r.authorization = "Bearer " + token;
  r.body = body;
  return r;
}

// GetKeyValueItem of an existing key through Router::Handle: decoding, authentication (cached
// token), application lookup, the read and JSON rendering.
void BM_RouterGetKeyValueItem(benchmark::State& state) {
  RouterFixture& routing = Routing();
  const std::string app = std::to_string(Fixture().application_id);
  const common::HttpRequest request =
      ApiPost("GetKeyValueItem", "application_id=" + app + "&key=k%3A0000042", FreshToken());
  for (auto _ : state) {
    auto response = routing.router->Handle(request);
    if (response.body.find("\"result\"") == std::string::npos) {
      state.SkipWithError(response.body.c_str());
      break;
    }
    benchmark::DoNotOptimize(response);
  }
}
BENCHMARK(BM_RouterGetKeyValueItem);

// What metrics add to every API request: CallMetrics counting and timing one success.
void BM_CallMetricsObserve(benchmark::State& state) {
  RouterFixture& routing = Routing();
  const api::CallRecord record{.method = routing.methods.Find("GetKeyValueItem")->name,
                               .account_id = 1,
                               .key_id = "0f6d3c1e-8a4b-4c2d-9e7f-1a2b3c4d5e6f",
                               .application_id = 7,
                               .client = "127.0.0.1",
                               .received = std::chrono::steady_clock::now()};
  for (auto _ : state) {
    routing.call_metrics->Observe(record, std::chrono::microseconds(30));
  }
}
BENCHMARK(BM_CallMetricsObserve);

// SetKeyValueItem with a fresh key per call, from 1 and 16 threads: one fsync per batch.
void BM_RouterSetKeyValueItem(benchmark::State& state) {
  RouterFixture& routing = Routing();
  const std::string app = std::to_string(Fixture().application_id);
  const std::string token = FreshToken();
  std::string prefix = "r";
  prefix += std::to_string(state.threads());
  prefix += '-';
  prefix += std::to_string(state.thread_index());
  prefix += "%3A";
  int64_t i = 0;
  for (auto _ : state) {
    const common::HttpRequest request =
        ApiPost("SetKeyValueItem",
                "application_id=" + app + "&key=" + prefix + std::to_string(i++) +
                    "&value=%2B15551234567&ttl=3600",
                token);
    auto response = routing.router->Handle(request);
    if (response.body.find("\"result\"") == std::string::npos) {
      state.SkipWithError(response.body.c_str());
      break;
    }
  }
}
BENCHMARK(BM_RouterSetKeyValueItem)->UseRealTime()->Threads(1)->Threads(16);

// --- the store ------------------------------------------------------------------------------

// PutKvItem of fresh keys from state.threads() threads. Each call returns once its batch is
// durable; `writes_per_commit` is how many writes shared one commit (group commit) and
// `writes_per_s` the store's write throughput over the run, both measured by thread 0.
void BM_PutKvItem(benchmark::State& state) {
  StoreFixture& f = Fixture();
  static std::size_t batches_before = 0;
  static std::size_t writes_before = 0;
  static std::chrono::steady_clock::time_point started;
  if (state.thread_index() == 0) {
    batches_before = f.store->committed_batches();
    writes_before = f.store->committed_writes();
    started = std::chrono::steady_clock::now();
  }
  std::string prefix = "w";
  prefix += std::to_string(state.threads());
  prefix += '-';
  prefix += std::to_string(state.thread_index());
  prefix += ':';
  const int64_t expires_at = NowSeconds() + 3600;
  int64_t i = 0;
  for (auto _ : state) {
    f.store->key_value().Put(f.application_id,
                             {prefix + std::to_string(i++), "+15551234567", expires_at});
  }
  if (state.thread_index() == 0) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const auto batches = static_cast<double>(f.store->committed_batches() - batches_before);
    const auto writes = static_cast<double>(f.store->committed_writes() - writes_before);
    state.counters["writes_per_commit"] = batches > 0 ? writes / batches : 0;
    state.counters["writes_per_s"] = writes / seconds;
    state.counters["commits_per_s"] = batches / seconds;
  }
}
BENCHMARK(BM_PutKvItem)->UseRealTime()->Threads(1)->Threads(4)->Threads(16)->Threads(64);

void BM_GetKvItem(benchmark::State& state) {
  StoreFixture& f = Fixture();
  std::mt19937_64 random(42);
  std::uniform_int_distribution<int64_t> index(0, kReadItems - 1);
  const int64_t now = NowSeconds();
  for (auto _ : state) {
    const auto item = f.store->key_value().Get(f.application_id, IndexedKey(index(random)), now);
    if (!item.ok()) state.SkipWithError("missing item");
    benchmark::DoNotOptimize(item);
  }
}
BENCHMARK(BM_GetKvItem)->Threads(1)->Threads(2);

// One page of 10 items (with values): the prefix "k:000123" matches exactly 10 keys.
void BM_ListKvItemsPage10(benchmark::State& state) {
  StoreFixture& f = Fixture();
  const int64_t now = NowSeconds();
  for (auto _ : state) {
    const auto page = f.store->key_value().List(f.application_id, "k:000123", now, 0, 10, true);
    if (!page.ok() || page->size() != 10) state.SkipWithError("unexpected page size");
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(BM_ListKvItemsPage10);

}  // namespace
}  // namespace coffer::bench

BENCHMARK_MAIN();

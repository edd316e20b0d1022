// What reading a secret costs: AES-256-GCM seal and open of one value, unwrapping a data key
// under the master key, Secrets::Reveal (store read + unwrap + open), and GetSecretValue end to
// end through Router::Handle (decoding, cached authentication, application lookup, the above,
// JSON), all in-process on a real SqliteStore.

#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "api/application_methods.hpp"
#include "api/router.hpp"
#include "api/secret_methods.hpp"
#include "auth/authenticator.hpp"
#include "bench_support.hpp"
#include "common/clock.hpp"
#include "crypto/keyring.hpp"
#include "service/applications.hpp"
#include "service/secrets.hpp"
#include "token.hpp"

namespace coffer::bench {
namespace {

const crypto::Keyring& TheKeyring() {
  static const auto* keyring = new crypto::Keyring(crypto::MasterKey::Generate());
  return *keyring;
}

// A store holding one secret per value size (64 and 8192 bytes), named "s64" and "s8192".
struct SecretsFixture {
  SecretsFixture()
      : applications(store.store->applications(), clock, {}),
        secrets(store.store->secrets(), TheKeyring(), clock),
        authenticator(store.store->accounts(), clock, {}) {
    for (const int size : {64, 8192}) {
      secrets.Add(store.account.id, store.application_id, "s" + std::to_string(size),
                  common::SecureString(std::string(size, 'v')), "a description");
    }
    api::RegisterApplicationMethods(methods, applications);
    api::RegisterSecretMethods(methods, applications, secrets);
    router = std::make_unique<api::Router>(methods, authenticator, store.store->meta(),
                                           api::RouterOptions{});
  }

  StoreFixture store;
  common::SystemClock clock;
  service::Applications applications;
  service::Secrets secrets;
  auth::Authenticator authenticator;
  api::MethodTable methods;
  std::unique_ptr<api::Router> router;
};

SecretsFixture& Fixture() {
  static auto* fixture = new SecretsFixture();
  return *fixture;
}

void BM_SealValue(benchmark::State& state) {
  const common::SecureString data_key = crypto::Keyring::NewDataKey();
  const std::string value(static_cast<std::size_t>(state.range(0)), 'v');
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        crypto::Keyring::Seal(data_key, value, "coffer:secret:v1:1:2:3:value"));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SealValue)->Arg(64)->Arg(8192);

void BM_OpenValue(benchmark::State& state) {
  const common::SecureString data_key = crypto::Keyring::NewDataKey();
  const std::string binding = "coffer:secret:v1:1:2:3:value";
  const std::string sealed = crypto::Keyring::Seal(
      data_key, std::string(static_cast<std::size_t>(state.range(0)), 'v'), binding);
  for (auto _ : state) benchmark::DoNotOptimize(crypto::Keyring::Open(data_key, sealed, binding));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_OpenValue)->Arg(64)->Arg(8192);

void BM_UnwrapDataKey(benchmark::State& state) {
  const std::string wrapped = TheKeyring().WrapDataKey(crypto::Keyring::NewDataKey(), 7);
  for (auto _ : state) benchmark::DoNotOptimize(TheKeyring().UnwrapDataKey(wrapped, 7));
}
BENCHMARK(BM_UnwrapDataKey);

// The service call behind GetSecretValue: two store reads (secret, data key), one unwrap, two
// opens (value and description).
void BM_SecretsReveal(benchmark::State& state) {
  SecretsFixture& f = Fixture();
  const service::SecretRef ref{std::nullopt, "s" + std::to_string(state.range(0))};
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.secrets.Reveal(f.store.account.id, f.store.application_id, ref));
  }
}
BENCHMARK(BM_SecretsReveal)->Arg(64)->Arg(8192);

void BM_RouterGetSecretValue(benchmark::State& state) {
  SecretsFixture& f = Fixture();
  const int64_t now = NowSeconds();
  common::HttpRequest request;
  request.method = "POST";
  request.target = "/platform_api/GetSecretValue";
  request.content_type = "application/x-www-form-urlencoded";
  request.authorization = "Bearer " + MintRs256Token(f.store.private_key_pem, f.store.key.key_id,
                                                     f.store.account.id, now, now + 3600);
  request.body = "application_id=" + std::to_string(f.store.application_id) + "&secret_name=s" +
                 std::to_string(state.range(0));
  for (auto _ : state) {
    auto response = f.router->Handle(request);
    if (response.body.find("\"secret_value\"") == std::string::npos) {
      state.SkipWithError(response.body.c_str());
      break;
    }
    benchmark::DoNotOptimize(response);
  }
}
BENCHMARK(BM_RouterGetSecretValue)->Arg(64)->Arg(8192);

}  // namespace
}  // namespace coffer::bench

BENCHMARK_MAIN();

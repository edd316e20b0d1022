#include "cli/serve.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <atomic>
#include <condition_variable>
#include <stop_token>
#include <thread>

#include "api/application_methods.hpp"
#include "api/key_value_methods.hpp"
#include "api/router.hpp"
#include "api/secret_methods.hpp"
#include "cli/bootstrap.hpp"
#include "cli/data_dir.hpp"
#include "cli/master_key.hpp"
#include "cli/tls_files.hpp"
#include "http/server.hpp"
#include "http/static_assets.hpp"
#include "http/tls_context.hpp"
#include "service/key_value.hpp"
#include "service/secrets.hpp"
#include "store/open.hpp"

namespace coffer::cli {

namespace {

// Runs `step`, turning any failure into a StartupError that names `what`.
template <typename F>
auto Startup(const std::string& what, F&& step) {
  try {
    return step();
  } catch (const std::exception& e) {
    throw StartupError(what + ": " + e.what());
  }
}

// Each connection is an open file. Lifts the soft open-file limit to the hard one, as servers
// do, and says so when --max-connections still cannot be reached under it (the server then
// waits for connections to close before accepting more, instead of failing in a loop).
void RaiseOpenFileLimit(std::size_t max_connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  // An unlimited hard limit still stops at the kernel's per-process maximum (fs.nr_open, 2^20
  // by default), which setrlimit would refuse to exceed.
  constexpr rlim_t kKernelDefaultMaximum = rlim_t{1} << 20;
  const rlim_t most = limit.rlim_max == RLIM_INFINITY ? kKernelDefaultMaximum : limit.rlim_max;
  if (limit.rlim_cur < most) {
    rlimit raised = limit;
    raised.rlim_cur = most;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  // The server's own files besides connections: database, WAL, readers, listener, PostgreSQL.
  constexpr rlim_t kOwnFiles = 64;
  if (limit.rlim_cur < max_connections + kOwnFiles) {
    spdlog::warn(
        "the open-file limit ({}) leaves room for about {} connections, below --max-connections "
        "({}); raise it (ulimit -n, or LimitNOFILE= in a systemd unit) or lower --max-connections",
        limit.rlim_cur, limit.rlim_cur > kOwnFiles ? limit.rlim_cur - kOwnFiles : 0,
        max_connections);
  }
}

std::shared_ptr<boost::asio::ssl::context> TlsContext(const ServeOptions& o) {
  if (o.plain_http) return nullptr;
  TlsFiles files{o.tls_cert, o.tls_key};
  if (files.certificate.empty()) {
    files = Startup("TLS", [&] { return EnsureSelfSignedCertificate(o.storage.data_dir); });
    spdlog::info(
        "TLS certificate {} (self-signed; clients may trust it with "
        "NODE_EXTRA_CA_CERTS={})",
        files.certificate, files.certificate);
  }
  return Startup("TLS", [&] { return http::MakeTlsContext(files.certificate, files.private_key); });
}

std::string HostForUrl(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

void LogReady(const ServeOptions& o, uint16_t port, const std::optional<std::string>& credentials) {
  const std::string address = HostForUrl(o.server.host) + ":" + std::to_string(port);
  spdlog::info("listening on {}://{}", o.plain_http ? "http" : "https", address);
  if (!credentials) return;
  spdlog::info("credentials: {}", *credentials);
  if (o.plain_http) return;  // the official Node client speaks HTTPS only
  spdlog::info(
      "Node client: const VoximplantApiClient = require('@voximplant/apiclient-nodejs').default; "
      "const client = new VoximplantApiClient({{pathToCredentials: '{}', host: '{}'}}); "
      "client.onReady = () => client.Applications.getApplications({{}}).then(console.log);",
      *credentials, address);
}

// Runs the expiry sweeper every `interval` until destroyed.
class SweeperThread {
 public:
  SweeperThread(service::ExpirySweeper& sweeper, std::chrono::milliseconds interval)
      : thread_([&sweeper, interval](std::stop_token stop) {
          std::mutex mutex;
          std::condition_variable_any wake;
          std::unique_lock lock(mutex);
          while (!stop.stop_requested()) {
            // Returns early, with the predicate still false, when stop is requested.
            wake.wait_for(lock, stop, interval, [] { return false; });
            if (stop.stop_requested()) break;
            try {
              if (const int64_t deleted = sweeper.SweepOnce(); deleted > 0) {
                spdlog::debug("expiry sweep deleted {} items", deleted);
              }
            } catch (const std::exception& e) {
              spdlog::error("expiry sweep failed: {}", e.what());
            }
          }
        }) {}

 private:
  std::jthread thread_;
};

}  // namespace

int RunServe(const ServeOptions& o) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("coffer"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_level(spdlog::level::from_str(o.log_level));
  RaiseOpenFileLimit(o.server.max_connections);

  // Bind first: a bad or busy address fails before anything is written. Listen last: a client
  // that waits for the port finds the server ready, credentials file included.
  http::Server server = Startup("--listen", [&] { return http::Server(o.server); });
  Startup("data directory", [&] {
    PrepareDataDir(o.storage.data_dir);
    return 0;
  });
  common::SystemClock clock;
  const std::unique_ptr<store::Store> store = Startup("database", [&] {
    return store::Open(StorageFor(o.storage.data_dir, o.storage.postgres_url, o.storage.db_pool));
  });
  const crypto::Keyring keyring = Startup("master key", [&] {
    return OpenKeyring(store->meta(), o.storage.data_dir, o.master_key_file);
  });
  std::atomic<bool> fenced = false;
  const auto lease = Startup("master key", [&] {
    return HoldServingLease(store->meta(), keyring, o.storage.data_dir, o.master_key_file, [&] {
      spdlog::critical(
          "the master key was rotated while this node was cut off from the database; stopping "
          "(restart it with the new master key)");
      fenced = true;
      server.Stop();
    });
  });
  auto tls = TlsContext(o);
  const auto credentials = Startup(
      "first start", [&] { return BootstrapOwner(store->accounts(), clock, o.storage.data_dir); });

  auth::Authenticator authenticator(store->accounts(), clock, o.auth);
  service::Applications applications(store->applications(), clock, o.applications);
  service::KeyValue key_value(store->key_value(), clock);
  service::ExpirySweeper sweeper(store->key_value(), clock, o.sweep_batch);
  api::MethodTable methods;
  api::RegisterApplicationMethods(methods, applications);
  api::RegisterKeyValueMethods(methods, applications, key_value);
  service::Secrets secrets(store->secrets(), keyring, clock);
  api::RegisterSecretMethods(methods, applications, secrets);
  api::RouterOptions router_options = o.router;
  // SQLite reads come from local pages in WAL mode, never waiting on the writer, and its writes
  // complete on its writer thread; PostgreSQL waits on the network, so it stays on workers.
  router_options.answer_on_network_threads = o.storage.postgres_url.empty();
  const api::Router router(methods, authenticator, store->meta(), router_options);

  const SweeperThread sweeper_thread(sweeper, o.sweep_interval);
  const http::StaticAssets panel("/panel", http::EmbeddedAssets());
  const auto for_panel = [&](const common::HttpRequest& request) {
    return panel.Owns(std::string_view(request.target).substr(0, request.target.find('?')));
  };
  const auto handle = [&](const common::HttpRequest& request) {
    return for_panel(request) ? panel.Serve(request) : router.Handle(request);
  };
  Startup("--listen", [&] {
    server.Listen();
    return 0;
  });
  spdlog::info("{} network I/O thread(s), {} request handler thread(s)",
               server.options().io_threads, server.options().worker_threads);
  LogReady(o, server.port(), credentials);
  // Static files and point reads on SQLite are answered on the network thread, and SQLite's
  // asynchronous writes start there (see ServerCallbacks).
  const auto place = [&](const common::HttpRequest& request) {
    return for_panel(request) ? common::Placement::kInline : router.Place(request);
  };
  const auto start = [&](const common::HttpRequest& request, common::Respond respond) {
    router.Start(request, std::move(respond));
  };
  server.Run(std::move(tls), http::ServerCallbacks{handle, &api::Router::Refusal, place, start});
  spdlog::info("stopped");
  return fenced ? 1 : 0;
}

}  // namespace coffer::cli

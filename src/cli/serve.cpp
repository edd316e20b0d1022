#include "cli/serve.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <atomic>
#include <boost/json.hpp>
#include <condition_variable>
#include <map>
#include <stop_token>
#include <thread>

#include "api/access_log.hpp"
#include "api/application_methods.hpp"
#include "api/call_metrics.hpp"
#include "api/key_value_methods.hpp"
#include "api/router.hpp"
#include "api/secret_methods.hpp"
#include "cli/audit_commands.hpp"
#include "cli/backup.hpp"
#include "cli/bootstrap.hpp"
#include "cli/data_dir.hpp"
#include "cli/emulator.hpp"
#include "cli/logging.hpp"
#include "cli/master_key.hpp"
#include "cli/metrics_listener.hpp"
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

// What the expiry sweeper did, as SPEC 16's metrics.
struct SweepMetrics {
  static constexpr const char* kSweeps = "coffer_expiry_sweeps_total";
  static constexpr const char* kSweepsHelp =
      "Purges of expired key-value items, by how they ended.";
  explicit SweepMetrics(common::MetricsRegistry& registry)
      : sweeps(registry.AddCounter(kSweeps, kSweepsHelp, {{"result", "ok"}})),
        failures(registry.AddCounter(kSweeps, kSweepsHelp, {{"result", "failed"}})),
        deleted(registry.AddCounter("coffer_expired_items_deleted_total",
                                    "Expired key-value items the sweeper deleted.")) {}
  common::Counter& sweeps;
  common::Counter& failures;
  common::Counter& deleted;
};

// Runs the expiry sweeper every `interval` until destroyed.
class SweeperThread {
 public:
  SweeperThread(service::ExpirySweeper& sweeper, std::chrono::milliseconds interval,
                SweepMetrics metrics)
      : thread_([&sweeper, interval, metrics](std::stop_token stop) {
          std::mutex mutex;
          std::condition_variable_any wake;
          std::unique_lock lock(mutex);
          while (!stop.stop_requested()) {
            // Returns early, with the predicate still false, when stop is requested.
            wake.wait_for(lock, stop, interval, [] { return false; });
            if (stop.stop_requested()) break;
            try {
              const int64_t deleted = sweeper.SweepOnce();
              metrics.sweeps.Add();
              metrics.deleted.Add(static_cast<uint64_t>(deleted));
              if (deleted > 0) spdlog::debug("expiry sweep deleted {} items", deleted);
            } catch (const std::exception& e) {
              metrics.failures.Add();
              spdlog::error("expiry sweep failed: {}", e.what());
            }
          }
        }) {}

 private:
  std::jthread thread_;
};

}  // namespace

// Build information and the state of the process, for SPEC 16's metrics.
void RegisterProcessMetrics(common::MetricsRegistry& registry, const http::Server& server) {
  registry.AddGauge("coffer_build_info", "The version of this build (always 1).",
                    {{"version", COFFER_VERSION}}, [] { return 1.0; });
  const auto started = std::chrono::system_clock::now();
  registry.AddGauge(
      "coffer_start_time_seconds", "When the server started, in Unix seconds.", {},
      [started] { return std::chrono::duration<double>(started.time_since_epoch()).count(); });
  registry.AddGauge("coffer_open_connections", "API connections open now.", {},
                    [&server] { return double(server.open_connections()); });
}

int RunServe(const ServeOptions& o) {
  ConfigureServerLog(o.log_level, o.log_format);
  RaiseOpenFileLimit(o.server.max_connections);
  // Declared before everything that reports to it, so it outlives them.
  common::MetricsRegistry metrics;

  // Bind first: a bad or busy address fails before anything is written. Listen last: a client
  // that waits for the port finds the server ready, credentials file included.
  http::Server server = Startup("--listen", [&] { return http::Server(o.server); });
  auto metrics_listener = Startup("--metrics-listen", [&] {
    return o.metrics_server ? std::make_unique<MetricsListener>(*o.metrics_server, metrics)
                            : nullptr;
  });
  auto access_log_writer = Startup("--access-log", [&] {
    return o.access_log.empty() ? nullptr : OpenAccessLog(o.access_log, o.log_format);
  });
  const auto backups = Startup("--backup-dir", [&] {
    return o.backup_dir.empty() ? nullptr
                                : std::make_unique<BackupSchedule>(
                                      StorageIn(o.storage.data_dir).sqlite_path, o.backup_dir,
                                      o.backup_every, o.backup_keep, metrics);
  });
  Startup("data directory", [&] {
    PrepareDataDir(o.storage.data_dir);
    return 0;
  });
  const auto seed = Startup("--seed", [&]() -> std::optional<std::string> {
    if (o.seed_file.empty()) return std::nullopt;
    return ReadWholeFile(o.seed_file, "seed file");
  });
  common::SystemClock system_clock;
  common::MovableClock movable_clock(system_clock);
  // Only the emulator's time moves; a production server reads the system's clock directly.
  const common::Clock& clock =
      o.emulator ? static_cast<const common::Clock&>(movable_clock) : system_clock;
  const std::unique_ptr<store::Store> store = Startup("database", [&] {
    store::StorageOptions storage =
        StorageFor(o.storage.data_dir, o.storage.postgres_url, o.storage.db_pool);
    storage.metrics = &metrics;
    return store::Open(storage);
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
  // The listener renders gauges that read the store and the backup schedule: however this
  // function ends, it stops before they go.
  struct StopListenerFirst {
    std::unique_ptr<MetricsListener>& listener;
    ~StopListenerFirst() { listener.reset(); }
  } stop_listener_first{metrics_listener};
  auto tls = TlsContext(o);
  service::AuditTrail audit_trail(store->audit(), clock);
  const auto credentials = Startup("first start", [&] {
    const auto audited = audit_trail.Attach([] { return OperatorEvent("first start", 0); });
    return BootstrapOwner(store->accounts(), clock, o.storage.data_dir);
  });
  if (!o.audit) spdlog::warn("the audit log is off (--audit off): secrets calls are not recorded");

  auth::Authenticator authenticator(store->accounts(), clock, o.auth, &metrics);
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
  api::CallMetrics call_metrics(methods, metrics);
  api::CallObservers observers;
  observers.Add(call_metrics);
  std::optional<api::AccessLog> access_log;
  if (access_log_writer) {
    access_log.emplace(o.log_format == LogFormat::kJson ? api::AccessLogFormat::kJson
                                                        : api::AccessLogFormat::kText,
                       std::move(access_log_writer));
    observers.Add(*access_log);
  }
  const api::Router router(methods, authenticator, store->meta(), router_options, &observers,
                           o.audit ? &audit_trail : nullptr);
  RegisterProcessMetrics(metrics, server);

  const SweeperThread sweeper_thread(sweeper, o.sweep_interval, SweepMetrics(metrics));
  service::ApplicationTransfer transfer(store->transfers(), keyring, clock);
  std::optional<Emulator> emulator;
  if (o.emulator) {
    spdlog::warn(
        "EMULATOR MODE (--emulator): /_emulator/ lets any local process move the clock, seed and "
        "delete every application. For tests only; never run a production server this way.");
    emulator.emplace(movable_clock, *store, transfer, sweeper, o.audit ? &audit_trail : nullptr,
                     seed);
    if (seed) {
      Startup("--seed", [&] {
        const auto seeded = emulator->ApplySeed(*seed);
        spdlog::info("seeded from {}: {}", o.seed_file, boost::json::serialize(seeded));
        return 0;
      });
    }
  }
  const auto for_emulator = [&](const common::HttpRequest& request) {
    return emulator && Emulator::Owns(request.target);
  };
  const http::StaticAssets panel("/panel", http::EmbeddedAssets());
  const auto for_panel = [&](const common::HttpRequest& request) {
    return panel.Owns(std::string_view(request.target).substr(0, request.target.find('?')));
  };
  const auto handle = [&](const common::HttpRequest& request) {
    if (for_emulator(request)) return emulator->Serve(request);
    return for_panel(request) ? panel.Serve(request) : router.Handle(request);
  };
  std::map<int, common::Counter*> refusals;
  for (const int status : {400, 413, 414, 431}) {
    refusals[status] = &metrics.AddCounter(
        "coffer_http_refusals_total",
        "Requests the transport refused before reading them whole, by HTTP status.",
        {{"status", std::to_string(status)}});
  }
  const auto refuse = [&refusals](int status) {
    if (const auto it = refusals.find(status); it != refusals.end()) it->second->Add();
    return api::Router::Refusal(status);
  };
  Startup("--listen", [&] {
    server.Listen();
    return 0;
  });
  if (metrics_listener)
    Startup("--metrics-listen", [&] {
      metrics_listener->Start();
      return 0;
    });
  spdlog::info("{} network I/O thread(s), {} request handler thread(s)",
               server.options().io_threads, server.options().worker_threads);
  LogReady(o, server.port(), credentials);
  // Static files and point reads on SQLite are answered on the network thread, and SQLite's
  // asynchronous writes start there (see ServerCallbacks).
  const auto place = [&](const common::HttpRequest& request) {
    if (for_emulator(request)) return common::Placement::kWorker;  // it writes
    return for_panel(request) ? common::Placement::kInline : router.Place(request);
  };
  const auto start = [&](const common::HttpRequest& request, common::Respond respond) {
    router.Start(request, std::move(respond));
  };
  server.Run(std::move(tls), http::ServerCallbacks{handle, refuse, place, start});
  spdlog::info("stopped");
  return fenced ? 1 : 0;
}

}  // namespace coffer::cli

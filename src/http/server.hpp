#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/log_throttle.hpp"
#include "http/options.hpp"
#include "http/session_base.hpp"

namespace coffer::http {

// An HTTP/1.1 server, over TLS when given a context, plain otherwise. Reads requests within
// the limits of ServerOptions, hands them to a worker pool, and writes the answers, keeping
// connections alive. Construct (which binds), Listen() once ready to serve, then Run() on one
// thread; Stop() from any thread.
//
// Each I/O thread runs an io_context of its own, and each connection lives on one of them for
// its whole life, so a connection's handlers never run concurrently without a strand: the
// sessions use the io_context's concrete executor and pay for no locking or type erasure.
class Server {
 public:
  // Binds at once, so a bad or busy address fails before anything else is set up, but does not
  // listen: until Listen(), connections to the port are refused rather than left waiting on a
  // server that is still starting. Throws std::system_error when the address is unusable.
  explicit Server(ServerOptions options);
  ~Server();

  // The port actually bound (the chosen one when 0 was asked).
  uint16_t port() const { return port_; }

  // Starts accepting connections into the kernel's queue; they are served once Run() starts.
  // Throws std::system_error when the socket cannot listen.
  void Listen();

  // Serves over TLS with `tls`, or plain HTTP when it is null, until SIGINT, SIGTERM or Stop()
  // has drained the connections; returns then.
  void Run(std::shared_ptr<boost::asio::ssl::context> tls, ServerCallbacks callbacks);

  // Stops accepting, lets requests in flight finish (up to the drain timeout), closes idle
  // connections. Thread-safe; returns at once.
  void Stop();

  // Session bookkeeping: Register when a connection is admitted, Unregister (from the
  // session's destructor) when it ends.
  void Register(const std::shared_ptr<SessionBase>& session, const std::string& client);
  void Unregister(SessionBase* session);

  // Counts an answer another thread will hand over (ServerCallbacks::start) until the returned
  // token is destroyed. Run() returns only once no token is left, so no such thread posts to a
  // server that is gone.
  std::shared_ptr<void> ExpectAnswer();

  // Connections open now. Thread-safe.
  std::size_t open_connections() const;

  const ServerOptions& options() const { return options_; }
  const ServerCallbacks& callbacks() const { return callbacks_; }
  boost::asio::thread_pool& workers() { return workers_; }
  bool stopping() const { return stopping_; }

 private:
  // Runs one I/O loop until it has no work left, surviving a handler that throws.
  static void RunIo(boost::asio::io_context& context);
  // The I/O loop the next connection joins (round robin).
  boost::asio::io_context& NextContext();
  void Accept();
  void OnAccept(boost::system::error_code ec, Socket socket);
  // Why a new connection from `client` may not be admitted, or nullptr when it may.
  const char* AdmissionRefusal(const std::string& client);
  // Counts a refused connection and logs the count through refusal_log_, so a flood of
  // connections cannot flood the log.
  void NoteRefusal(const char* why);
  // Logs the refusals and accept failures not reported yet, once a report is due.
  void ScheduleReport();
  void BeginDrain();
  void WaitForDrain(std::chrono::steady_clock::time_point deadline);

  // At most one log line per interval for refusals and for accept failures.
  static constexpr std::chrono::seconds kReportInterval{10};
  // How long accepting pauses when the process is out of descriptors or memory.
  static constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

  ServerOptions options_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  ServerCallbacks callbacks_;
  // Declared before contexts_ so that sessions destroyed with the loops' pending handlers can
  // still unregister.
  struct OpenSession {
    std::weak_ptr<SessionBase> session;
    std::string client;  // the peer's IP address
  };
  mutable std::mutex sessions_mutex_;
  std::unordered_map<SessionBase*, OpenSession> sessions_;
  std::unordered_map<std::string, std::size_t> sessions_per_client_;
  common::LogThrottle refusal_log_{kReportInterval};
  std::atomic<const char*> last_refusal_{""};
  common::LogThrottle accept_failure_log_{kReportInterval};
  // One per I/O thread; the first also runs the acceptor, its timers and the signals.
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  // Keep the loops running while they have no connection, until draining begins.
  std::vector<boost::asio::executor_work_guard<IoExecutor>> keep_running_;
  std::size_t next_context_ = 0;  // used on control_ only
  // The acceptor, its timers and the signals share one strand, so draining never races an
  // accept or a timer.
  boost::asio::strand<IoExecutor> control_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_retry_timer_;
  boost::asio::steady_timer report_timer_;
  boost::asio::steady_timer drain_timer_;
  std::optional<boost::asio::signal_set> signals_;
  boost::asio::thread_pool workers_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex answers_mutex_;
  std::condition_variable all_answered_;
  std::size_t expected_answers_ = 0;  // guarded by answers_mutex_
};

}  // namespace coffer::http

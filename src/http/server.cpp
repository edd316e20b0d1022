#include "http/server.hpp"

#include <sched.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <thread>
#include <vector>

#include "http/session_base.hpp"

namespace coffer::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

tcp::endpoint ResolveListenAddress(net::io_context& ioc, const std::string& host, uint16_t port) {
  tcp::resolver resolver(ioc);
  boost::system::error_code ec;
  const auto results = resolver.resolve(
      host, std::to_string(port), tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    throw std::system_error(ec, "cannot resolve listen address " + host);
  }
  return results.begin()->endpoint();
}

int CpusAvailable() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
}

ServerOptions WithThreadsResolved(ServerOptions options) {
  if (options.io_threads <= 0) options.io_threads = CpusAvailable();
  return options;
}

std::vector<std::unique_ptr<net::io_context>> MakeContexts(int count) {
  std::vector<std::unique_ptr<net::io_context>> contexts;
  // A concurrency hint of 1: each loop is run by one thread only.
  for (int i = 0; i < count; ++i) contexts.push_back(std::make_unique<net::io_context>(1));
  return contexts;
}

}  // namespace

Server::Server(ServerOptions options)
    : options_(WithThreadsResolved(std::move(options))),
      contexts_(MakeContexts(options_.io_threads)),
      control_(net::make_strand(contexts_.front()->get_executor())),
      acceptor_(control_),
      accept_retry_timer_(control_),
      report_timer_(control_),
      drain_timer_(control_),
      workers_(static_cast<std::size_t>(options_.worker_threads)) {
  for (auto& context : contexts_) keep_running_.push_back(net::make_work_guard(*context));
  const tcp::endpoint endpoint =
      ResolveListenAddress(*contexts_.front(), options_.host, options_.port);
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (ec) throw std::system_error(ec, "cannot listen on " + where);
  port_ = acceptor_.local_endpoint().port();
  // Caught from here on: a signal that arrives during startup is delivered once Run() waits.
  signals_.emplace(control_, SIGINT, SIGTERM);
}

Server::~Server() = default;

void Server::Listen() {
  boost::system::error_code ec;
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::system_error(ec, "cannot listen on " + options_.host + ":" + std::to_string(port_));
  }
}

void Server::Run(std::shared_ptr<net::ssl::context> tls, ServerCallbacks callbacks) {
  tls_ = std::move(tls);
  callbacks_ = std::move(callbacks);
  signals_->async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: draining connections", signal);
    BeginDrain();
  });
  net::dispatch(control_, [this] {
    Accept();
    ScheduleReport();
  });
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < contexts_.size(); ++i) {
    threads.emplace_back([context = contexts_[i].get()] { RunIo(*context); });
  }
  RunIo(*contexts_.front());  // returns once draining has left no work
  for (auto& thread : threads) thread.join();
  workers_.join();
  std::unique_lock lock(answers_mutex_);
  all_answered_.wait(lock, [this] { return expected_answers_ == 0; });
}

std::shared_ptr<void> Server::ExpectAnswer() {
  {
    std::lock_guard lock(answers_mutex_);
    ++expected_answers_;
  }
  // Notified under the lock: once Run() sees the count at 0, this thread touches the server no
  // more.
  return std::shared_ptr<void>(nullptr, [this](void*) {
    std::lock_guard lock(answers_mutex_);
    if (--expected_answers_ == 0) all_answered_.notify_all();
  });
}

void Server::RunIo(net::io_context& context) {
  while (true) {
    try {
      context.run();
      return;
    } catch (const std::exception& e) {
      // The connection whose handler threw is dropped with it; the others go on.
      spdlog::error("connection handler failed: {}", e.what());
    }
  }
}

void Server::Stop() {
  net::post(control_, [this] { BeginDrain(); });
}

net::io_context& Server::NextContext() {
  net::io_context& context = *contexts_[next_context_];
  next_context_ = (next_context_ + 1) % contexts_.size();
  return context;
}

void Server::Accept() {
  acceptor_.async_accept(
      NextContext().get_executor(),
      [this](boost::system::error_code ec, Socket socket) { OnAccept(ec, std::move(socket)); });
}

void Server::OnAccept(boost::system::error_code ec, Socket socket) {
  if (ec == net::error::operation_aborted || stopping_) return;
  if (ec) {
    if (const std::size_t failed = accept_failure_log_.Note()) {
      spdlog::warn("accept failed {} time(s) since the last report: {}", failed, ec.message());
    }
    // Out of descriptors or memory, the connection stays queued and accepting again would fail
    // at once, in a loop: wait for sessions to end instead.
    const bool exhausted = ec == net::error::no_descriptors ||
                           ec == boost::system::errc::too_many_files_open_in_system ||
                           ec == net::error::no_buffer_space || ec == net::error::no_memory;
    if (!exhausted) return Accept();
    accept_retry_timer_.expires_after(kAcceptRetryDelay);
    accept_retry_timer_.async_wait([this](boost::system::error_code wait_ec) {
      if (!wait_ec && !stopping_) Accept();
    });
    return;
  }
  boost::system::error_code peer_ec;
  const auto peer = socket.remote_endpoint(peer_ec);
  const std::string client = peer_ec ? std::string() : peer.address().to_string();
  if (const char* refusal = AdmissionRefusal(client)) {
    NoteRefusal(refusal);
    boost::system::error_code ignored;
    socket.close(ignored);
    return Accept();
  }
  // Answers are small and written whole: don't let Nagle hold them back behind unacknowledged
  // segments (TLS 1.3 session tickets would otherwise delay the first answer by ~40 ms).
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  const std::shared_ptr<SessionBase> session =
      tls_ ? MakeTlsSession(*this, std::move(socket), *tls_, client)
           : MakePlainSession(*this, std::move(socket), client);
  Register(session, client);
  session->Start();
  Accept();
}

const char* Server::AdmissionRefusal(const std::string& client) {
  std::lock_guard lock(sessions_mutex_);
  if (sessions_.size() >= options_.max_connections) return "--max-connections reached";
  const auto it = sessions_per_client_.find(client);
  if (it != sessions_per_client_.end() && it->second >= options_.max_connections_per_client) {
    return "--max-connections-per-client reached";
  }
  return nullptr;
}

void Server::NoteRefusal(const char* why) {
  last_refusal_ = why;
  if (const std::size_t refused = refusal_log_.Note()) {
    spdlog::warn("closed {} new connection(s) since the last report: {}", refused, why);
  }
}

void Server::ScheduleReport() {
  // Checked every second; a line is written only once the interval since the last one passed.
  report_timer_.expires_after(std::chrono::seconds(1));
  report_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopping_) return;
    if (const std::size_t refused = refusal_log_.Flush()) {
      spdlog::warn("closed {} new connection(s) since the last report: {}", refused,
                   last_refusal_.load());
    }
    if (const std::size_t failed = accept_failure_log_.Flush()) {
      spdlog::warn("accept failed {} time(s) since the last report", failed);
    }
    ScheduleReport();
  });
}

void Server::Register(const std::shared_ptr<SessionBase>& session, const std::string& client) {
  std::lock_guard lock(sessions_mutex_);
  sessions_.emplace(session.get(), OpenSession{session, client});
  ++sessions_per_client_[client];
}

std::size_t Server::open_connections() const {
  std::lock_guard lock(sessions_mutex_);
  return sessions_.size();
}

void Server::Unregister(SessionBase* session) {
  std::lock_guard lock(sessions_mutex_);
  const auto it = sessions_.find(session);
  if (it == sessions_.end()) return;
  const auto per_client = sessions_per_client_.find(it->second.client);
  if (per_client != sessions_per_client_.end() && --per_client->second == 0) {
    sessions_per_client_.erase(per_client);
  }
  sessions_.erase(it);
}

void Server::BeginDrain() {
  if (stopping_.exchange(true)) return;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  accept_retry_timer_.cancel();
  report_timer_.cancel();
  if (signals_) signals_->cancel(ignored);
  std::vector<std::shared_ptr<SessionBase>> open;
  {
    std::lock_guard lock(sessions_mutex_);
    for (auto& [raw, entry] : sessions_) {
      if (auto session = entry.session.lock()) open.push_back(std::move(session));
    }
  }
  for (auto& session : open) session->Shutdown();
  // Each loop now ends once its connections have.
  keep_running_.clear();
  WaitForDrain(std::chrono::steady_clock::now() + options_.drain_timeout);
}

void Server::WaitForDrain(std::chrono::steady_clock::time_point deadline) {
  {
    std::lock_guard lock(sessions_mutex_);
    if (sessions_.empty()) return;
  }
  if (std::chrono::steady_clock::now() >= deadline) {
    spdlog::warn("drain timeout: closing the remaining connections");
    for (auto& context : contexts_) context->stop();
    return;
  }
  drain_timer_.expires_after(std::chrono::milliseconds(20));
  drain_timer_.async_wait([this, deadline](boost::system::error_code ec) {
    if (!ec) WaitForDrain(deadline);
  });
}

}  // namespace coffer::http

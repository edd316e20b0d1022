#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "common/http_message.hpp"

namespace coffer::http {

// Transport limits and threads. Every limit is named here with its default (SPEC 1.5).
struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8443;  // 0 picks a free port
  // Request line plus headers; more → 431 (or 414 when the request line alone is too long).
  std::size_t max_header_bytes = 256 * 1024;
  // Request target (path and query); more → 414.
  std::size_t max_target_bytes = 256 * 1024;
  // Request body after de-chunking; more → 413.
  std::size_t max_body_bytes = 1024 * 1024;
  // A whole request (headers and body) must arrive within this; otherwise the connection is
  // closed without an answer. Also bounds writing a response.
  std::chrono::milliseconds read_timeout{30'000};
  // A new connection must complete its TLS handshake, and then send the first byte of its first
  // request, each within this; otherwise it is closed. Short, so that connections that never
  // speak cannot hold the server's connection slots for long.
  std::chrono::milliseconds first_byte_timeout{10'000};
  // A kept-alive connection with no request for this long is closed.
  std::chrono::milliseconds idle_timeout{60'000};
  // Open connections; further ones are closed as soon as they are accepted.
  std::size_t max_connections = 1024;
  // Open connections from one client IP address; further ones from it are closed as soon as
  // they are accepted, so one client cannot take every slot.
  std::size_t max_connections_per_client = 128;
  // On shutdown, how long requests in flight may take to finish.
  std::chrono::milliseconds drain_timeout{10'000};
  // Threads doing network I/O, and threads running request handlers (which may block on
  // storage, so I/O threads only answer what ServerCallbacks::place allows).
  // 0: one per CPU this process may run on (its affinity mask, so `taskset` is respected).
  int io_threads = 0;
  int worker_threads = 64;
};

// What the transport calls; all must be thread-safe and must not throw. `place` says where a
// fully read request is handled (kWorker when unset):
// - kWorker: `handle` answers it on a worker thread;
// - kInline: `handle` answers it on the network thread that read it; only for answers that
//   cannot block (no network round trip, lock wait or sync), as the hand-over to a worker and
//   back costs more than such an answer;
// - kStart: `start` begins it on the network thread without blocking, and answers through its
//   common::Respond, perhaps later and from another thread (a write's commit);
// - kWorkerStart: `start` begins it on a worker thread, where it may block, and answers as for
//   kStart, so the worker is free again while the answer waits for something else.
// `refuse` renders the answer to a request refused by the transport (400, 413, 414, 431).
struct ServerCallbacks {
  std::function<common::HttpResponse(const common::HttpRequest&)> handle;
  std::function<common::HttpResponse(int status)> refuse;
  std::function<common::Placement(const common::HttpRequest&)> place;
  std::function<void(const common::HttpRequest&, common::Respond)> start;
};

}  // namespace coffer::http

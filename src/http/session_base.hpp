#pragma once

// What the server knows of a connection; private to the http library. The sessions themselves
// (session.hpp) are instantiated in session_plain.cpp and session_tls.cpp, one stream type
// each, so that the two heavy Beast instantiations compile in parallel and apart from server.cpp.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace coffer::http {

class Server;

// A connection stays on one single-threaded io_context (see Server), so its socket, timer and
// posts use that context's executor directly.
using IoExecutor = boost::asio::io_context::executor_type;
using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, IoExecutor>;

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  virtual void Start() = 0;
  // Asks the session to finish: an idle connection closes now, a busy one after its answer.
  // Thread-safe.
  virtual void Shutdown() = 0;
};

// A plain-HTTP session on an accepted socket from the IP address `client`; Start() it once
// registered with `server`.
std::shared_ptr<SessionBase> MakePlainSession(Server& server, Socket socket, std::string client);

// An HTTPS session on an accepted socket, handshaking with `tls` (which must outlive it).
std::shared_ptr<SessionBase> MakeTlsSession(Server& server, Socket socket,
                                            boost::asio::ssl::context& tls, std::string client);

}  // namespace coffer::http

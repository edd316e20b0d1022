#include "http/session.hpp"

namespace coffer::http {

std::shared_ptr<SessionBase> MakeTlsSession(Server& server, net::ip::tcp::socket socket,
                                            net::ssl::context& tls) {
  return std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(server, std::move(socket),
                                                                         tls);
}

}  // namespace coffer::http

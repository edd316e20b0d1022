#include "http/session.hpp"

namespace coffer::http {

std::shared_ptr<SessionBase> MakeTlsSession(Server& server, Socket socket, net::ssl::context& tls,
                                            std::string client) {
  // Asio's stream rather than beast::ssl_stream: the latter copies each response, header and
  // body, into a buffer of its own that keeps the plaintext (a secret value) until the next
  // response overwrites it.
  return std::make_shared<Session<net::ssl::stream<Socket>>>(server, std::move(client),
                                                             std::move(socket), tls);
}

}  // namespace coffer::http

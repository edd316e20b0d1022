#include "http/session.hpp"

namespace coffer::http {

std::shared_ptr<SessionBase> MakePlainSession(Server& server, net::ip::tcp::socket socket,
                                              std::string client) {
  return std::make_shared<Session<beast::tcp_stream>>(server, std::move(client), std::move(socket));
}

}  // namespace coffer::http

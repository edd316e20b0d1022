#include "http/session.hpp"

namespace coffer::http {

std::shared_ptr<SessionBase> MakePlainSession(Server& server, Socket socket, std::string client) {
  return std::make_shared<Session<Socket>>(server, std::move(client), std::move(socket));
}

}  // namespace coffer::http

#include "http/tls_context.hpp"

#include <stdexcept>

namespace coffer::http {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> MakeTlsContext(const std::string& certificate_file,
                                             const std::string& private_key_file) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use);
  // OpenSSL decrypts each record in place and keeps the plaintext until the next record
  // overwrites it; a request may carry a secret value, so have it wiped once handed over.
  SSL_CTX_set_options(context->native_handle(), SSL_OP_CLEANSE_PLAINTEXT);
  boost::system::error_code ec;
  context->use_certificate_chain_file(certificate_file, ec);
  if (ec)
    throw std::runtime_error("cannot use TLS certificate " + certificate_file + ": " +
                             ec.message());
  context->use_private_key_file(private_key_file, ssl::context::pem, ec);
  if (ec) throw std::runtime_error("cannot use TLS key " + private_key_file + ": " + ec.message());
  return context;
}

}  // namespace coffer::http

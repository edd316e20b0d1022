#include "cli/api_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <boost/url.hpp>
#include <optional>

#include "cli/data_dir.hpp"
#include "crypto/random.hpp"

namespace coffer::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

// The largest answer read: far above any page the protocol returns.
constexpr std::size_t kMaxAnswerBytes = 64 << 20;
// Tokens live this long and are renewed this long before they expire.
constexpr int64_t kTokenLifetime = 300;
constexpr int64_t kTokenRenewal = 30;

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// application/x-www-form-urlencoded, every byte but the unreserved ones escaped (so `+` and
// `&` in a value arrive as themselves).
std::string FormEncode(const ApiParams& params) {
  std::string body;
  for (const auto& [name, value] : params) {
    if (!body.empty()) body += '&';
    body += boost::urls::encode(name, boost::urls::unreserved_chars);
    body += '=';
    body += boost::urls::encode(value, boost::urls::unreserved_chars);
  }
  return body;
}

// A JSON object of the parameters; a name given twice (a list) gets its values joined with `;`,
// as the server joins repeated list parameters.
std::string JsonBody(const ApiParams& params) {
  json::object body;
  for (const auto& [name, value] : params) {
    if (json::value* earlier = body.if_contains(name)) {
      *earlier = std::string(earlier->get_string()) + ";" + value;
    } else {
      body[name] = value;
    }
  }
  return json::serialize(body);
}

// multipart/form-data with a `cmd` part first, as the Node client sends it. The boundary is
// random and checked against the values.
std::pair<std::string, std::string> MultipartBody(std::string_view method,
                                                  const ApiParams& params) {
  std::string boundary;
  const auto appears = [&] {
    for (const auto& [name, value] : params) {
      if (value.find(boundary) != std::string::npos) return true;
    }
    return false;
  };
  do {
    boundary = "coffer-" + crypto::RandomHex(16);
  } while (appears());
  std::string body;
  const auto part = [&](std::string_view name, std::string_view value) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + std::string(name) +
            "\"\r\n\r\n" + std::string(value) + "\r\n";
  };
  part("cmd", method);
  for (const auto& [name, value] : params) part(name, value);
  body += "--" + boundary + "--\r\n";
  return {"multipart/form-data; boundary=" + boundary, std::move(body)};
}

// The request for `method` in `form`, without the headers every form shares.
http::request<http::string_body> Framed(const std::string& prefix, std::string_view method,
                                        const ApiParams& params, RequestForm form) {
  const std::string path = prefix + "/platform_api/" + std::string(method);
  http::request<http::string_body> request{http::verb::post, path, 11};
  switch (form) {
    case RequestForm::kUrlencoded:
      request.set(http::field::content_type, "application/x-www-form-urlencoded");
      request.body() = FormEncode(params);
      break;
    case RequestForm::kQuery:
      request.method(http::verb::get);
      if (!params.empty()) request.target(path + "?" + FormEncode(params));
      break;
    case RequestForm::kJson:
      request.set(http::field::content_type, "application/json");
      request.body() = JsonBody(params);
      break;
    case RequestForm::kMultipart: {
      request.target(prefix + "/platform_api");
      auto [content_type, body] = MultipartBody(method, params);
      request.set(http::field::content_type, content_type);
      request.body() = std::move(body);
      break;
    }
    case RequestForm::kCmd: {
      request.target(prefix + "/platform_api");
      ApiParams with_cmd{{"cmd", std::string(method)}};
      with_cmd.insert(with_cmd.end(), params.begin(), params.end());
      request.set(http::field::content_type, "application/x-www-form-urlencoded");
      request.body() = FormEncode(with_cmd);
      break;
    }
  }
  return request;
}

// Errors that mean the server closed a kept-alive connection before reading the request.
bool ClosedWhileIdle(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == ssl::error::stream_truncated;
}

struct Endpoint {
  bool tls = true;
  std::string host;  // without brackets
  std::string port;
  std::string host_header;
  std::string prefix;  // "" or "/path" without a trailing slash
};

Endpoint ParseServer(const std::string& server) {
  const auto parsed = boost::urls::parse_uri(server);
  if (!parsed) throw std::runtime_error("\"" + server + "\" is not a URL");
  const boost::urls::url_view& url = *parsed;
  Endpoint endpoint;
  if (url.scheme() == "https") {
    endpoint.tls = true;
  } else if (url.scheme() == "http") {
    endpoint.tls = false;
  } else {
    throw std::runtime_error("the server URL must start with https:// or http://");
  }
  if (url.has_userinfo() || url.has_query() || url.has_fragment()) {
    throw std::runtime_error("the server URL may not hold credentials, a query or a fragment");
  }
  endpoint.host = url.host_type() == boost::urls::host_type::ipv6
                      ? url.host_ipv6_address().to_string()
                      : std::string(url.host());
  if (endpoint.host.empty()) throw std::runtime_error("the server URL has no host");
  endpoint.port = url.has_port() ? std::string(url.port()) : (endpoint.tls ? "443" : "80");
  endpoint.host_header = std::string(url.encoded_host_and_port());
  endpoint.prefix = std::string(url.encoded_path());
  while (!endpoint.prefix.empty() && endpoint.prefix.back() == '/') endpoint.prefix.pop_back();
  return endpoint;
}

bool IsAddress(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

auth::ServiceCredentials ReadCredentialsFile(const std::string& path) {
  const std::string text = ReadWholeFile(path, "credentials file");
  try {
    return auth::ParseCredentials(text);
  } catch (const auth::CredentialsError& e) {
    throw std::runtime_error("credentials file " + path + ": " + e.what());
  }
}

struct ApiClient::Transport {
  explicit Transport(const ApiClientOptions& options)
      : endpoint(ParseServer(options.server)), timeout(options.timeout) {
    if (!endpoint.tls) return;
    tls.set_verify_mode(ssl::verify_peer);
    tls.set_default_verify_paths();
    for (const std::string& file : options.trusted_certificates) tls.load_verify_file(file);
  }

  // Runs one asynchronous operation started by `start` to its end, bounded by the stream's
  // deadline (set by the caller); throws its error.
  template <typename Start>
  void Await(Start&& start) {
    boost::system::error_code result;
    start([&result](boost::system::error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    if (result) throw boost::system::system_error(result);
  }

  beast::tcp_stream& Lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  void Connect() {
    Close();
    tcp::resolver resolver(io);
    const auto addresses = resolver.resolve(endpoint.host, endpoint.port);
    if (endpoint.tls) {
      secure.emplace(io, tls);
      // SNI names hosts only; certificates name addresses in their IP entries.
      if (!IsAddress(endpoint.host) &&
          !SSL_set_tlsext_host_name(secure->native_handle(), endpoint.host.c_str())) {
        throw std::runtime_error("cannot set the TLS server name");
      }
      secure->set_verify_callback(ssl::host_name_verification(endpoint.host));
    } else {
      plain.emplace(io);
    }
    Lowest().expires_after(timeout);
    Await([&](auto handler) { Lowest().async_connect(addresses, std::move(handler)); });
    if (secure) {
      Lowest().expires_after(timeout);
      Await([&](auto handler) { secure->async_handshake(ssl::stream_base::client, handler); });
    }
    fresh = true;
  }

  void Close() {
    secure.reset();
    plain.reset();
  }

  http::response<http::string_body> Exchange(http::request<http::string_body>& request) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxAnswerBytes);
    buffer.clear();
    const auto run = [&](auto& stream) {
      Lowest().expires_after(timeout);
      Await([&](auto handler) { http::async_write(stream, request, handler); });
      Lowest().expires_after(timeout);
      Await([&](auto handler) { http::async_read(stream, buffer, parser, handler); });
    };
    if (secure) {
      run(*secure);
    } else {
      run(*plain);
    }
    return parser.release();
  }

  Endpoint endpoint;
  std::chrono::seconds timeout;
  asio::io_context io;
  ssl::context tls{ssl::context::tls_client};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  bool fresh = false;  // connected for the coming request
};

ApiClient::ApiClient(ApiClientOptions options)
    : options_(std::move(options)), transport_(std::make_unique<Transport>(options_)) {}

ApiClient::~ApiClient() = default;

std::string ApiClient::Token() {
  const int64_t now = UnixNow();
  if (token_.empty() || now >= token_expires_ - kTokenRenewal) {
    token_ = auth::SignServiceToken(options_.credentials, now, kTokenLifetime);
    token_expires_ = now + kTokenLifetime;
  }
  return token_;
}

json::value ApiClient::Send(std::string_view method, const ApiParams& params, RequestForm form) {
  Transport& t = *transport_;
  http::request<http::string_body> request = Framed(t.endpoint.prefix, method, params, form);
  request.set(http::field::host, t.endpoint.host_header);
  request.set(http::field::user_agent, "coffer/" COFFER_VERSION);
  request.set(http::field::authorization, "Bearer " + Token());
  request.keep_alive(true);
  request.prepare_payload();

  http::response<http::string_body> response;
  const std::string where = options_.server;
  try {
    if (!t.secure && !t.plain) t.Connect();
    try {
      response = t.Exchange(request);
    } catch (const boost::system::system_error& e) {
      if (t.fresh || !ClosedWhileIdle(e.code())) throw;
      t.Connect();
      response = t.Exchange(request);
    }
    t.fresh = false;
    if (!response.keep_alive()) t.Close();
  } catch (const boost::system::system_error& e) {
    t.Close();
    if (e.code() == beast::error::timeout) {
      throw std::runtime_error(where + " did not answer within " +
                               std::to_string(options_.timeout.count()) + " s");
    }
    throw std::runtime_error("cannot reach " + where + ": " + e.code().message());
  }

  boost::system::error_code ec;
  json::value answer = json::parse(response.body(), ec);
  if (ec || !answer.is_object()) {
    throw std::runtime_error(where + " answered HTTP " + std::to_string(response.result_int()) +
                             " without a JSON object");
  }
  return answer;
}

json::value ApiClient::Call(std::string_view method, const ApiParams& params) {
  json::value answer = Send(method, params);
  if (const json::value* error = answer.get_object().if_contains("error")) {
    const json::object* fields = error->if_object();
    const json::value* code = fields ? fields->if_contains("code") : nullptr;
    const json::value* message = fields ? fields->if_contains("msg") : nullptr;
    throw ApiCallError(code && code->is_int64() ? static_cast<int>(code->get_int64()) : 0,
                       message && message->is_string() ? std::string(message->get_string())
                                                       : json::serialize(*error));
  }
  return answer;
}

}  // namespace coffer::cli

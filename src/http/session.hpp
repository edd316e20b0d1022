#pragma once

// A connection's request/response loop; private to the http library (included by
// session_plain.cpp and session_tls.cpp).

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <optional>

#include "common/secure_string.hpp"
#include "http/request_parser.hpp"
#include "http/response_wire.hpp"
#include "http/server.hpp"
#include "http/session_base.hpp"

namespace coffer::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;

// `Stream` is beast::tcp_stream (plain HTTP) or net::ssl::stream<beast::tcp_stream> (HTTPS).
// All handlers run on the connection's strand.
template <typename Stream>
class Session final : public SessionBase {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  template <typename... StreamArgs>
  Session(Server& server, std::string client, StreamArgs&&... stream_args)
      : server_(server),
        client_(std::move(client)),
        stream_(std::forward<StreamArgs>(stream_args)...) {
    // Bounds what one request can make the server buffer: its header, one chunk-size line with
    // extensions, or its trailers must fit (the body itself streams into the parser).
    buffer_.max_size(Options().max_header_bytes + kReadAhead);
  }

  ~Session() override { server_.Unregister(this); }

  void Start() override {
    net::dispatch(stream_.get_executor(), [self = Self()] { self->Begin(); });
  }

  void Shutdown() override {
    net::post(stream_.get_executor(), [self = Self()] {
      self->closing_ = true;
      if (self->idle_) self->Tcp().cancel();
    });
  }

 private:
  std::shared_ptr<Session> Self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }
  const ServerOptions& Options() const { return server_.options(); }

  void Begin() {
    if constexpr (kTls) {
      Tcp().expires_after(Options().first_byte_timeout);
      stream_.async_handshake(net::ssl::stream_base::server, [self = Self()](beast::error_code ec) {
        if (ec) return self->Close();
        self->WaitForRequest();
      });
    } else {
      WaitForRequest();
    }
  }

  // Between requests: wait for the first byte of the next one under the idle timeout.
  void WaitForRequest() {
    if (closing_ || server_.stopping()) return Close();
    if (buffer_.size() > 0) return ReadHeader();
    idle_ = true;
    Tcp().expires_after(first_request_ ? Options().first_byte_timeout : Options().idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = Self()](beast::error_code ec, std::size_t n) {
                              self->idle_ = false;
                              if (ec) return self->Close();
                              self->buffer_.commit(n);
                              self->ReadHeader();
                            });
  }

  // The whole request, headers and body, must arrive within the read timeout.
  void ReadHeader() {
    first_request_ = false;
    parser_.emplace();
    head_ = false;
    parser_->header_limit(static_cast<std::uint32_t>(Options().max_header_bytes));
    parser_->body_limit(Options().max_body_bytes);
    Tcp().expires_after(Options().read_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = Self()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec == bhttp::error::header_limit) return Refuse(RequestLineComplete() ? 431 : 414);
    if (ec == bhttp::error::body_limit) return Refuse(413);  // Content-Length over the limit
    if (ec) return IsDisconnect(ec) ? Close() : Refuse(400);
    const auto& request = parser_->get();
    head_ = request.method() == bhttp::verb::head;
    if (request.target().size() > Options().max_target_bytes) return Refuse(414);
    if (const auto status = FramingRefusal(request.base())) return Refuse(*status);
    const auto expect = request[bhttp::field::expect];
    if (beast::iequals(expect, "100-continue") && !parser_->is_done()) {
      auto interim =
          std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
      return bhttp::async_write(stream_, *interim,
                                [self = Self(), interim](beast::error_code ec, std::size_t) {
                                  if (ec) return self->Close();
                                  self->ReadBody();
                                });
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = Self()](beast::error_code ec, std::size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return Refuse(413);
    if (ec == bhttp::error::header_limit) return Refuse(431);     // a trailer field too long
    if (ec == bhttp::error::buffer_overflow) return Refuse(431);  // chunk line or trailers
    if (ec) return IsDisconnect(ec) ? Close() : Refuse(400);
    Dispatch();
  }

  // Runs the handler where ServerCallbacks::place says, and writes its answer back on the strand.
  void Dispatch() {
    auto& message = parser_->get();
    common::HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = OriginForm(message.target());
    request.content_type = std::string(message[bhttp::field::content_type]);
    if (const auto it = message.find(bhttp::field::authorization); it != message.end()) {
      request.authorization = std::string(it->value());
    }
    // Copied at its exact size; the parser's copy, and the buffer the bytes arrived in, are
    // wiped (the body may carry a secret value).
    request.body.assign(message.body().data(), message.body().size());
    request.client = client_;
    request.received = std::chrono::steady_clock::now();
    const bool keep_alive = message.keep_alive();
    parser_.reset();
    WipeReadBuffer();
    Tcp().expires_never();  // the handler's time is not the client's
    const auto& callbacks = server_.callbacks();
    const auto place = callbacks.place ? callbacks.place(request) : common::Placement::kWorker;
    if (place == common::Placement::kInline) return Write(Answer(request), keep_alive);
    if (place == common::Placement::kStart) return Start(request, keep_alive);
    if (place == common::Placement::kWorkerStart) {
      net::post(server_.workers(), [self = Self(), request = std::move(request),
                                    keep_alive]() mutable { self->Start(request, keep_alive); });
      return;
    }
    net::post(server_.workers(),
              [self = Self(), request = std::move(request), keep_alive]() mutable {
                common::HttpResponse response = self->Answer(request);
                net::post(self->stream_.get_executor(),
                          [self, response = std::move(response), keep_alive]() mutable {
                            self->Write(std::move(response), keep_alive);
                          });
              });
  }

  common::HttpResponse Answer(common::HttpRequest& request) {
    common::HttpResponse response = server_.callbacks().handle(request);
    WipeRequest(request);
    return response;
  }

  // Starts the request here; its answer, whenever and wherever it is ready, is written on this
  // connection's strand. The server does not finish running before it has been handed over, and
  // the thread that hands it over keeps no reference to this session or the server afterwards.
  void Start(common::HttpRequest& request, bool keep_alive) {
    server_.callbacks().start(
        request, [self = Self(), keep_alive,
                  pending = server_.ExpectAnswer()](common::AnswerMaker make) mutable {
          net::post(self->stream_.get_executor(), [self, make = std::move(make), keep_alive] {
            self->Write(make(), keep_alive);
          });
          self.reset();
          pending.reset();  // last: Run() may return once every such count is gone
        });
    WipeRequest(request);
  }

  // Parameters may have carried secret values.
  static void WipeRequest(common::HttpRequest& request) {
    common::WipeBytes(request.body.data(), request.body.size());
    common::WipeBytes(request.target.data(), request.target.size());
  }

  // Overwrites the read buffer's whole storage once it holds nothing unread: the request's
  // bytes arrived there first. (Beast moves an emptied buffer's start back to its storage's
  // start, so prepare() then spans all of it.)
  void WipeReadBuffer() {
    if (buffer_.size() != 0) return;  // a pipelined request waits there; wiped with its own
    const auto storage = buffer_.prepare(buffer_.capacity());
    common::WipeBytes(storage.data(), storage.size());
  }

  void Refuse(int status) {
    buffer_.clear();
    Write(server_.callbacks().refuse(status), false);
  }

  void Write(common::HttpResponse response, bool keep_alive) {
    const bool keep = keep_alive && !closing_ && !server_.stopping();
    // One contiguous buffer, wiped once written: the body may hold a secret value
    // (GetSecretValue), and a TLS stream handed several buffers first copies them into one on
    // its own stack (Asio's linearisation), where the plaintext would stay.
    auto wire = std::make_shared<std::string>(ResponseWire(response, keep, head_));
    common::WipeBytes(response.body.data(), response.body.size());
    Tcp().expires_after(Options().read_timeout);
    net::async_write(stream_, net::buffer(*wire),
                     [self = Self(), wire, keep](beast::error_code ec, std::size_t) {
                       common::WipeBytes(wire->data(), wire->size());
                       if (ec || !keep) return self->Close();
                       self->WaitForRequest();
                     });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    if constexpr (kTls) {
      Tcp().expires_after(kLingerTime);
      stream_.async_shutdown([self = Self()](beast::error_code) { self->Linger(); });
    } else {
      Linger();
    }
  }

  // Half-closes, then reads and drops what the client still sends (a body we refused) until it
  // closes too or kLingerTime passes: closing with unread input would reset the connection and
  // could destroy the answer before the client reads it.
  void Linger() {
    beast::error_code ignored;
    Tcp().socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    Tcp().expires_after(kLingerTime);
    Drain();
  }

  void Drain() {
    auto scratch = std::make_shared<std::array<char, 16384>>();
    Tcp().async_read_some(net::buffer(*scratch),
                          [self = Self(), scratch](beast::error_code ec, std::size_t) {
                            if (ec) return self->Tcp().close();
                            self->Drain();
                          });
  }

  // True when the buffered bytes hold a complete request line (so the headers were too big).
  bool RequestLineComplete() const {
    const auto data = buffer_.cdata();
    const std::string_view bytes(static_cast<const char*>(data.data()), data.size());
    return bytes.find('\n') != std::string_view::npos;
  }

  static constexpr std::chrono::seconds kLingerTime{2};
  // Bytes the read buffer may hold beyond a maximal header (the start of a pipelined request).
  static constexpr std::size_t kReadAhead = 64 * 1024;

  static bool IsDisconnect(beast::error_code ec) {
    return ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
           ec == net::error::operation_aborted || ec == net::error::eof ||
           ec == net::error::connection_reset || ec == net::ssl::error::stream_truncated;
  }

  Server& server_;
  const std::string client_;  // the peer's IP address
  Stream stream_;
  // Wipes what it frees or outgrows, like the parser (RequestFields).
  beast::basic_flat_buffer<common::WipingAllocator<char>> buffer_;
  std::optional<RequestParser> parser_;
  bool first_request_ = true;  // no byte of a request has arrived yet
  bool head_ = false;          // the request being answered is a HEAD
  bool idle_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace coffer::http

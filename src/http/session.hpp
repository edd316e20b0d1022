#pragma once

// A connection's request/response loop; private to the http library (included by
// session_plain.cpp and session_tls.cpp).

#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
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

// `Stream` is Socket (plain HTTP) or net::ssl::stream<Socket> (HTTPS). The session lives on one
// single-threaded io_context, so its handlers never run concurrently.
//
// Requests are read with Beast's parser fed straight from the read buffer, and timeouts are a
// deadline that one rarely-armed timer enforces: per request, a kept-alive connection costs one
// read and one write system call and no timer operation.
template <typename Stream>
class Session final : public SessionBase {
  static constexpr bool kTls = !std::is_same_v<Stream, Socket>;
  using Clock = std::chrono::steady_clock;
  using Timer = net::basic_waitable_timer<Clock, net::wait_traits<Clock>, IoExecutor>;

 public:
  template <typename... StreamArgs>
  Session(Server& server, std::string client, StreamArgs&&... stream_args)
      : server_(server),
        client_(std::move(client)),
        stream_(std::forward<StreamArgs>(stream_args)...),
        timer_(stream_.get_executor()),
        check_period_(ShortestTimeout(server.options())) {
    // Bounds what one request can make the server buffer: its header, one chunk-size line with
    // extensions, or its trailers must fit (the body itself streams into the parser).
    buffer_.max_size(Options().max_header_bytes + kReadAhead);
    if constexpr (kTls) {
      // Asio has OpenSSL free a connection's record buffers whenever they empty; with
      // SSL_OP_CLEANSE_PLAINTEXT (tls_context.cpp) each release also wipes the whole ~17 KB
      // buffer, so every request paid a wipe, a free and an allocation. The connection keeps
      // them instead (about 34 KB): the plaintext in them is still wiped as it is read, and the
      // buffers themselves when the connection ends.
      SSL_clear_mode(stream_.native_handle(), SSL_MODE_RELEASE_BUFFERS);
    }
  }

  ~Session() override { server_.Unregister(this); }

  void Start() override {
    net::dispatch(stream_.get_executor(), [self = Self()] {
      self->ArmTimer(Clock::now() + self->check_period_);
      self->Begin();
    });
  }

  void Shutdown() override {
    net::post(stream_.get_executor(), [self = Self()] {
      self->closing_ = true;
      beast::error_code ignored;
      if (self->idle_) self->Tcp().cancel(ignored);
    });
  }

 private:
  std::shared_ptr<Session> Self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  Socket& Tcp() {
    if constexpr (kTls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }
  const ServerOptions& Options() const { return server_.options(); }

  // Timeouts. Each phase sets deadline_; the timer wakes at least once per check_period_ (the
  // shortest request timeout) and closes the socket once the deadline has passed, which ends
  // the pending operation. As the request timeouts are at least check_period_, such a deadline
  // lies at or after the timer's next wake, which re-arms at the deadline: a connection is
  // closed at its deadline, never late, and setting a deadline costs no timer operation. Only
  // a shorter one (the linger after closing) brings the timer forward.
  void SetDeadline(std::chrono::milliseconds timeout) {
    deadline_ = Clock::now() + timeout;
    if (deadline_ < timer_.expiry()) ArmTimer(deadline_);
  }
  void ClearDeadline() { deadline_ = Clock::time_point::max(); }

  void ArmTimer(Clock::time_point at) {
    timer_.expires_at(at);
    // A weak reference: a session that has ended is not kept alive by its timer.
    timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) static_cast<Session&>(*self).OnTimer();
    });
  }

  void OnTimer() {
    const auto now = Clock::now();
    if (now >= deadline_) {
      beast::error_code ignored;
      Tcp().close(ignored);
      return;
    }
    ArmTimer(std::min(deadline_, now + check_period_));
  }

  static std::chrono::milliseconds ShortestTimeout(const ServerOptions& options) {
    return std::max(
        std::chrono::milliseconds(1),
        std::min({options.read_timeout, options.first_byte_timeout, options.idle_timeout}));
  }

  void Begin() {
    if constexpr (kTls) {
      SetDeadline(Options().first_byte_timeout);
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
    if (buffer_.size() > 0) return BeginRequest();
    idle_ = true;
    SetDeadline(first_request_ ? Options().first_byte_timeout : Options().idle_timeout);
    stream_.async_read_some(buffer_.prepare(kFirstRead),
                            [self = Self()](beast::error_code ec, std::size_t n) {
                              self->idle_ = false;
                              if (ec) return self->Close();
                              self->Received(n);
                              self->BeginRequest();
                            });
  }

  // The whole request, headers and body, must arrive within the read timeout.
  void BeginRequest() {
    first_request_ = false;
    parser_.emplace();
    head_ = false;
    header_checked_ = false;
    parser_->header_limit(static_cast<std::uint32_t>(Options().max_header_bytes));
    parser_->body_limit(Options().max_body_bytes);
    SetDeadline(Options().read_timeout);
    Parse();
  }

  // Feeds what the buffer holds to the parser, reading more while the request is incomplete.
  void Parse() {
    while (true) {
      if (header_checked_ && parser_->is_done()) return Dispatch();
      if (buffer_.size() == 0) return ReadMore();
      beast::error_code ec;
      const std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == bhttp::error::need_more) return ReadMore();
      if (ec) return RefuseOrClose(ec);
      if (!header_checked_ && parser_->is_header_done()) {
        header_checked_ = true;
        if (!AcceptHeader()) return;
      } else if (used == 0 && !parser_->is_done()) {
        return ReadMore();
      }
    }
  }

  void ReadMore() {
    const std::size_t size = beast::read_size(buffer_, kReadChunk);
    if (size == 0) return RefuseOrClose(bhttp::error::buffer_overflow);
    stream_.async_read_some(buffer_.prepare(size),
                            [self = Self()](beast::error_code ec, std::size_t n) {
                              self->Received(n);
                              self->OnRead(ec);
                            });
  }

  void OnRead(beast::error_code ec) {
    if (ec == net::error::eof && parser_->got_some()) {
      // The client closed mid-request: complete for a parser that reads to the end (never a
      // request), an error otherwise.
      ec = {};
      parser_->put_eof(ec);
      if (ec) return RefuseOrClose(ec);
      return Parse();
    }
    if (ec == net::error::eof) return Close();  // between requests' bytes: the client is done
    if (ec) return RefuseOrClose(ec);
    Parse();
  }

  // Checks a complete header; false when it refused the request or continues it later.
  bool AcceptHeader() {
    head_ = parser_->method() == bhttp::verb::head;
    std::optional<int> refusal = FramingRefusal(*parser_);
    if (parser_->target().size() > Options().max_target_bytes) refusal = 414;
    if (refusal) {
      Refuse(*refusal);
      return false;
    }
    if (parser_->expects_continue() && !parser_->is_done()) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = Self()](beast::error_code ec, std::size_t) {
                         if (ec) return self->Close();
                         self->Parse();
                       });
      return false;
    }
    return true;
  }

  // A parse or read error: the answer that refuses the request, or none when the client went
  // away or timed out.
  void RefuseOrClose(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return Refuse(413);  // Content-Length or body too long
    if (!header_checked_) {
      if (ec == bhttp::error::header_limit) return Refuse(RequestLineComplete() ? 431 : 414);
    } else {
      if (ec == bhttp::error::header_limit) return Refuse(431);     // a trailer field too long
      if (ec == bhttp::error::buffer_overflow) return Refuse(431);  // chunk line or trailers
    }
    if (IsDisconnect(ec)) return Close();
    Refuse(400);
  }

  // Runs the handler where ServerCallbacks::place says, and writes its answer back on the
  // connection's loop.
  void Dispatch() {
    const RequestParser& message = *parser_;
    common::HttpRequest request;
    request.method = message.method_string();
    request.target = OriginForm(message.target());
    request.content_type = message.content_type();
    if (const auto& authorization = message.authorization()) {
      request.authorization.emplace(authorization->data(), authorization->size());
    }
    // Copied at its exact size; the parser's copy, and the buffer the bytes arrived in, are
    // wiped (the body may carry a secret value).
    request.body.assign(message.body().data(), message.body().size());
    request.client = client_;
    request.received = std::chrono::steady_clock::now();
    const bool keep_alive = message.keep_alive();
    parser_.reset();
    WipeReadBuffer();
    ClearDeadline();  // the handler's time is not the client's
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
  // connection's loop. The server does not finish running before it has been handed over, and
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

  void Received(std::size_t n) {
    buffer_.commit(n);
    read_extent_ += n;
  }

  // Overwrites the read buffer's storage once it holds nothing unread: the request's bytes
  // arrived there first. Beast moves an emptied buffer's start back to its storage's start, so
  // prepare() spans the storage from there. Only its first read_extent_ bytes can have been
  // written: the end of the data moves forward only by what was read, and back when Beast
  // compacts or grows the buffer (a storage it leaves behind is wiped by the allocator).
  void WipeReadBuffer() {
    if (buffer_.size() != 0) return;  // a pipelined request waits there; wiped with its own
    const auto written = buffer_.prepare(std::min(read_extent_, buffer_.capacity()));
    common::WipeBytes(written.data(), written.size());
    read_extent_ = 0;
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
    // A connection writes one answer at a time (the next request is read once it is sent).
    wire_ = ResponseWire(response, keep, head_);
    common::WipeBytes(response.body.data(), response.body.size());
    SetDeadline(Options().read_timeout);
    net::async_write(stream_, net::buffer(wire_),
                     [self = Self(), keep](beast::error_code ec, std::size_t) {
                       common::WipeBytes(self->wire_.data(), self->wire_.size());
                       self->wire_ = std::string();
                       if (ec || !keep) return self->Close();
                       self->WaitForRequest();
                     });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    if constexpr (kTls) {
      SetDeadline(kLingerTime);
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
    Tcp().shutdown(net::socket_base::shutdown_send, ignored);
    SetDeadline(kLingerTime);
    Drain();
  }

  void Drain() {
    auto scratch = std::make_shared<std::array<char, 16384>>();
    Tcp().async_read_some(net::buffer(*scratch),
                          [self = Self(), scratch](beast::error_code ec, std::size_t) {
                            if (ec) return self->CloseNow();
                            self->Drain();
                          });
  }

  void CloseNow() {
    beast::error_code ignored;
    Tcp().close(ignored);
    timer_.cancel();
  }

  // True when the buffered bytes hold a complete request line (so the headers were too big).
  bool RequestLineComplete() const {
    const auto data = buffer_.cdata();
    const std::string_view bytes(static_cast<const char*>(data.data()), data.size());
    return bytes.find('\n') != std::string_view::npos;
  }

  static constexpr std::chrono::milliseconds kLingerTime{2000};
  // The first read of a request, and later reads, at most.
  static constexpr std::size_t kFirstRead = 4096;
  static constexpr std::size_t kReadChunk = 64 * 1024;
  // Bytes the read buffer may hold beyond a maximal header (the start of a pipelined request).
  static constexpr std::size_t kReadAhead = 64 * 1024;

  static bool IsDisconnect(beast::error_code ec) {
    return ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
           ec == net::error::operation_aborted || ec == net::error::bad_descriptor ||
           ec == net::error::eof || ec == net::error::connection_reset ||
           ec == net::ssl::error::stream_truncated;
  }

  Server& server_;
  const std::string client_;  // the peer's IP address
  Stream stream_;
  Timer timer_;
  const std::chrono::milliseconds check_period_;
  Clock::time_point deadline_ = Clock::time_point::max();
  // Wipes what it frees or outgrows, like the parser (RequestFields).
  beast::basic_flat_buffer<common::WipingAllocator<char>> buffer_;
  std::size_t read_extent_ = 0;  // bytes read since the buffer was last wiped
  std::optional<RequestParser> parser_;
  std::string wire_;           // the answer being written
  bool first_request_ = true;  // no byte of a request has arrived yet
  bool head_ = false;          // the request being answered is a HEAD
  bool header_checked_ = false;
  bool idle_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace coffer::http

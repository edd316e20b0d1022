#include "cli/logging.hpp"

#include <fcntl.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace coffer::cli {

namespace {

// `%*` in a pattern: the message, escaped to sit inside a JSON string.
class JsonEscapedMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      const auto byte = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        dest.push_back('\\');
        dest.push_back(c);
      } else if (byte < 0x20) {
        const char escaped[] = {'\\', 'u', '0', '0', kHex[byte >> 4], kHex[byte & 0xf]};
        dest.append(escaped, escaped + sizeof escaped);
      } else {
        dest.push_back(c);
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonEscapedMessage>();
  }
};

std::unique_ptr<spdlog::formatter> Formatter(LogFormat format, const std::string& json_pattern,
                                             const std::string& text_pattern) {
  if (format == LogFormat::kText) {
    return std::make_unique<spdlog::pattern_formatter>(text_pattern);
  }
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<JsonEscapedMessage>('*').set_pattern(json_pattern);
  return formatter;
}

// Creates `path` 0600 when missing, so the access log is never readable by others; an existing
// file keeps its mode.
void CreatePrivate(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::runtime_error("cannot open the access log " + path + ": " + std::strerror(errno));
  }
  ::close(fd);
}

}  // namespace

void ConfigureServerLog(const std::string& level, LogFormat format) {
  auto logger = spdlog::stderr_color_mt("coffer");
  logger->set_formatter(Formatter(format,
                                  R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":"%*"})",
                                  "%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v"));
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

std::function<void(const std::string&)> OpenAccessLog(const std::string& path, LogFormat format) {
  std::shared_ptr<spdlog::logger> logger;
  if (path == "-") {
    logger = spdlog::stderr_color_mt("access");
  } else {
    CreatePrivate(path);
    try {
      logger = spdlog::basic_logger_mt("access", path);
    } catch (const spdlog::spdlog_ex& e) {
      throw std::runtime_error("cannot open the access log " + path + ": " + e.what());
    }
    spdlog::flush_every(std::chrono::seconds(1));
  }
  logger->set_formatter(Formatter(format, R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ",%v})",
                                  "%Y-%m-%dT%H:%M:%S.%e access %v"));
  logger->set_level(spdlog::level::info);
  return [logger](const std::string& line) { logger->info("{}", line); };
}

}  // namespace coffer::cli

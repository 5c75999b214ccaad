#include "protocol/sip/stream_framer.h"

#include "protocol/sip/syntax.h"

namespace tipring::sip {
namespace {

constexpr std::string_view kFraming = "RFC 3261 §18.3 Content-Length framing";

// The Content-Length value of a header section (full or compact name), scanning lines only;
// Message::parse validates the rest.
std::optional<std::uint64_t> content_length(std::string_view headers) {
  std::size_t pos = 0;
  while (pos < headers.size()) {
    std::size_t eol = headers.find("\r\n", pos);
    std::string_view line = headers.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
    pos = eol == std::string_view::npos ? headers.size() : eol + 2;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      continue;
    }
    std::string_view name = syntax::trim_lws(line.substr(0, colon));
    if (syntax::iequals(name, "Content-Length") || syntax::iequals(name, "l")) {
      return syntax::parse_decimal(syntax::trim_lws(line.substr(colon + 1)), UINT32_MAX);
    }
  }
  return std::nullopt;
}

}  // namespace

void StreamFramer::push(std::string_view bytes) {
  if (start_ > 0 && start_ >= buffer_.size() / 2) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  buffer_.append(bytes);
}

std::optional<Result<StreamItem>> StreamFramer::failed(Error error) {
  error_ = error;
  return Result<StreamItem>(tl::unexpected(std::move(error)));
}

std::optional<Result<StreamItem>> StreamFramer::next() {
  if (error_) {
    return Result<StreamItem>(tl::unexpected(*error_));
  }
  std::string_view pending = std::string_view(buffer_).substr(start_);
  if (pending.empty()) {
    return std::nullopt;
  }
  if (pending[0] == '\r') {
    // RFC 5626 §4.4.1 keepalives between messages. A ping split across two reads is seen as
    // two pongs; peers send the four octets in one write.
    if (pending.size() < 2 || (pending.size() == 3 && pending[2] == '\r')) {
      return std::nullopt;
    }
    if (pending[1] != '\n') {
      return failed(Error{kFraming, "CR not followed by LF between messages"});
    }
    bool ping = pending.substr(0, 4) == "\r\n\r\n";
    start_ += ping ? 4 : 2;
    return Result<StreamItem>(StreamItem{ping ? StreamItemKind::Ping : StreamItemKind::Pong, {}});
  }
  std::size_t header_end = pending.find("\r\n\r\n");
  if (header_end == std::string_view::npos) {
    if (pending.size() > max_message_bytes_) {
      return failed(Error{kFraming, "header section larger than the limit"});
    }
    return std::nullopt;
  }
  auto length = content_length(pending.substr(0, header_end + 2));
  if (!length) {
    return failed(Error{kFraming, "Content-Length is missing or invalid on a stream transport"});
  }
  std::size_t total = header_end + 4 + *length;
  if (total > max_message_bytes_) {
    return failed(Error{kFraming, "message larger than the limit"});
  }
  if (pending.size() < total) {
    return std::nullopt;
  }
  auto message = Message::parse(pending.substr(0, total), Framing::Stream);
  start_ += total;
  if (!message) {
    // The framing was sound, so the stream stays in sync: report this message's error
    // without failing the stream.
    return Result<StreamItem>(tl::unexpected(message.error()));
  }
  return Result<StreamItem>(StreamItem{StreamItemKind::Message, std::move(*message)});
}

}  // namespace tipring::sip

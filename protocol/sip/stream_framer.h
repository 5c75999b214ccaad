// StreamFramer: cuts SIP messages out of a TCP/TLS byte stream by their Content-Length
// (RFC 3261 §18.3) and recognises the RFC 5626 §4.4.1 keepalives between messages: a
// CRLFCRLF "ping" (answer it with a CRLF "pong") and a single CRLF "pong".
#pragma once

#include "protocol/core/error.h"
#include "protocol/sip/message.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tipring::sip {

enum class StreamItemKind : std::uint8_t {
  Message,  // a complete message in `message`
  Ping,     // CRLFCRLF: the peer wants a CRLF pong back
  Pong,     // CRLF: the peer answered our ping
};

struct StreamItem {
  StreamItemKind kind = StreamItemKind::Message;
  Message message;
};

class StreamFramer {
public:
  // A header section or message larger than this is an error (protects memory).
  explicit StreamFramer(std::size_t max_message_bytes = 65536)
      : max_message_bytes_(max_message_bytes) {}

  void push(std::string_view bytes);

  // The next item, or nullopt if more bytes are needed. An error means the stream cannot be
  // resynchronised: the caller closes the connection (after a 400 if it is a server); once
  // failed, the framer keeps returning that error.
  std::optional<Result<StreamItem>> next();

  [[nodiscard]] std::size_t buffered_bytes() const { return buffer_.size() - start_; }

private:
  std::optional<Result<StreamItem>> failed(Error error);

  std::string buffer_;
  std::size_t start_ = 0;
  std::size_t max_message_bytes_;
  std::optional<Error> error_;
};

}  // namespace tipring::sip

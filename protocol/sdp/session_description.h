// The SDP model (RFC 8866 §5): every line a compliant description may carry, in the order
// §5 prescribes, with attributes kept verbatim and in order. So a proxy can parse, change a
// c= address or an m= port, and serialize with every other byte as it arrived.
#pragma once

#include "protocol/core/error.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tipring::sdp {

// o= (§5.2). Numeric fields are kept as text: they are up to 64-bit and compared, not
// computed with, except the version which a re-offer increments.
struct Origin {
  std::string username = "-";
  std::string session_id = "0";
  std::string session_version = "0";
  std::string network_type = "IN";
  std::string address_type = "IP4";
  std::string address;

  friend bool operator==(const Origin&, const Origin&) = default;
};

// c= (§5.7). `address` is the connection-address text (it may carry /ttl for multicast).
struct Connection {
  std::string network_type = "IN";
  std::string address_type = "IP4";
  std::string address;

  friend bool operator==(const Connection&, const Connection&) = default;
};

// b= (§5.8).
struct Bandwidth {
  std::string type;  // "AS", "CT", "TIAS", ...
  std::uint64_t value = 0;

  friend bool operator==(const Bandwidth&, const Bandwidth&) = default;
};

// t= with its r= lines (§5.9, §5.10).
struct Timing {
  std::string start = "0";
  std::string stop = "0";
  std::vector<std::string> repeats;

  friend bool operator==(const Timing&, const Timing&) = default;
};

// a= (§5.13): a property attribute has no value; a value attribute keeps its text verbatim.
struct Attribute {
  std::string name;
  std::optional<std::string> value;

  friend bool operator==(const Attribute&, const Attribute&) = default;
};

// Ordered attribute list with lookups by name (case-sensitive, as §5.13 names are).
struct Attributes {
  std::vector<Attribute> items;

  [[nodiscard]] const Attribute* find(std::string_view name) const;
  [[nodiscard]] bool has(std::string_view name) const { return find(name) != nullptr; }
  // The value of the first attribute `name`, or nothing (also for a property attribute).
  [[nodiscard]] std::optional<std::string_view> value(std::string_view name) const;
  // Values of every `name` attribute whose value starts with "<payload type> ", without it
  // (rtpmap, fmtp), for the first match.
  [[nodiscard]] std::optional<std::string_view> for_format(std::string_view name,
                                                           std::string_view format) const;
  void add(std::string name, std::optional<std::string> value = std::nullopt);
  // Removes every attribute `name`; returns how many.
  std::size_t remove(std::string_view name);

  friend bool operator==(const Attributes&, const Attributes&) = default;
};

// m= and the lines under it (§5.14).
struct MediaDescription {
  std::string media = "audio";
  std::uint16_t port = 0;
  std::optional<std::uint16_t> port_count;  // m=<media> <port>/<count>
  std::string protocol = "RTP/AVP";
  std::vector<std::string> formats;  // payload types for RTP

  std::optional<std::string> title;  // i=
  std::vector<Connection> connections;
  std::vector<Bandwidth> bandwidths;
  std::optional<std::string> key;  // k= (obsolete, kept to reproduce it)
  Attributes attributes;

  [[nodiscard]] bool rejected() const { return port == 0; }

  friend bool operator==(const MediaDescription&, const MediaDescription&) = default;
};

struct SessionDescription {
  Origin origin;
  std::string session_name = "-";
  std::optional<std::string> information;  // i=
  std::optional<std::string> uri;          // u=
  std::vector<std::string> emails;         // e=
  std::vector<std::string> phones;         // p=
  std::optional<Connection> connection;
  std::vector<Bandwidth> bandwidths;
  std::vector<Timing> timings{Timing{}};
  std::optional<std::string> time_zones;  // z=
  std::optional<std::string> key;         // k=
  Attributes attributes;
  std::vector<MediaDescription> media;

  // The line ending the description arrived with ("\r\n" per §5; "\n" tolerated), so that
  // serialize() reproduces it.
  std::string line_ending = "\r\n";

  // The c= that applies to media line `index`: its own first c=, else the session's.
  [[nodiscard]] const Connection* connection_for(std::size_t index) const;

  friend bool operator==(const SessionDescription&, const SessionDescription&) = default;
};

struct ParseLimits {
  std::size_t max_bytes = 65536;
  std::size_t max_media = 32;
  std::size_t max_attributes_per_section = 512;
};

// Parses a description strictly by the RFC 8866 §9 grammar: v=0 first, o= s= t= present,
// lines in §5 order, single spaces between fields, known type letters only (§5: a
// description with an unknown type letter is ignored), every active m= covered by a c=.
[[nodiscard]] Result<SessionDescription> parse(std::string_view text,
                                               const ParseLimits& limits = {});

// Writes the description back, in §5 order, with its line ending after every line.
[[nodiscard]] std::string serialize(const SessionDescription& sdp);

}  // namespace tipring::sdp

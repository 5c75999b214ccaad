#include "protocol/sdp/session_description.h"

namespace tipring::sdp {
namespace {

class Writer {
public:
  explicit Writer(std::string_view eol) : eol_(eol) {}

  void line(char type, std::string_view value) {
    out_.push_back(type);
    out_.push_back('=');
    out_.append(value);
    out_.append(eol_);
  }

  void connection(const Connection& c) {
    line('c', c.network_type + " " + c.address_type + " " + c.address);
  }

  void bandwidths(const std::vector<Bandwidth>& bs) {
    for (const auto& b : bs) {
      line('b', b.type + ":" + std::to_string(b.value));
    }
  }

  void attributes(const Attributes& attrs) {
    for (const auto& a : attrs.items) {
      line('a', a.value ? a.name + ":" + *a.value : a.name);
    }
  }

  void media(const MediaDescription& m) {
    std::string value = m.media + " " + std::to_string(m.port);
    if (m.port_count) {
      value += "/" + std::to_string(*m.port_count);
    }
    value += " " + m.protocol;
    for (const auto& f : m.formats) {
      value += " " + f;
    }
    line('m', value);
    if (m.title) {
      line('i', *m.title);
    }
    for (const auto& c : m.connections) {
      connection(c);
    }
    bandwidths(m.bandwidths);
    if (m.key) {
      line('k', *m.key);
    }
    attributes(m.attributes);
  }

  std::string take() { return std::move(out_); }

private:
  std::string_view eol_;
  std::string out_;
};

}  // namespace

std::string serialize(const SessionDescription& sdp) {
  Writer w(sdp.line_ending);
  const Origin& o = sdp.origin;
  w.line('v', "0");
  w.line('o', o.username + " " + o.session_id + " " + o.session_version + " " + o.network_type +
                  " " + o.address_type + " " + o.address);
  w.line('s', sdp.session_name);
  if (sdp.information) {
    w.line('i', *sdp.information);
  }
  if (sdp.uri) {
    w.line('u', *sdp.uri);
  }
  for (const auto& e : sdp.emails) {
    w.line('e', e);
  }
  for (const auto& p : sdp.phones) {
    w.line('p', p);
  }
  if (sdp.connection) {
    w.connection(*sdp.connection);
  }
  w.bandwidths(sdp.bandwidths);
  for (const auto& t : sdp.timings) {
    w.line('t', t.start + " " + t.stop);
    for (const auto& r : t.repeats) {
      w.line('r', r);
    }
  }
  if (sdp.time_zones) {
    w.line('z', *sdp.time_zones);
  }
  if (sdp.key) {
    w.line('k', *sdp.key);
  }
  w.attributes(sdp.attributes);
  for (const auto& m : sdp.media) {
    w.media(m);
  }
  return w.take();
}

}  // namespace tipring::sdp

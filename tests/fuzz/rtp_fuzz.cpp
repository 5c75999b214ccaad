// Fuzzes every RTP-side parser. An accepted RTP packet is rebuilt from its view and must
// give back the input's bytes (padding content aside); RTCP packets go through every
// typed reader, whose views must stay inside the datagram.
#include "protocol/rtp/header_extension.h"
#include "protocol/rtp/mux.h"
#include "protocol/rtp/rtcp_packet.h"
#include "protocol/rtp/rtp_packet.h"
#include "protocol/rtp/telephone_event.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

namespace {

using namespace tipring::rtp;

void check_inside(Bytes outer, Bytes inner) {
  if (!inner.empty() &&
      (inner.data() < outer.data() || inner.data() + inner.size() > outer.data() + outer.size())) {
    std::abort();
  }
}

void fuzz_rtp(Bytes in) {
  auto p = parse_rtp(in);
  if (!p) {
    return;
  }
  check_inside(in, p->payload);
  std::array<std::uint32_t, kMaxCsrcs> csrcs{};
  for (std::size_t i = 0; i < p->csrc_count; ++i) {
    csrcs[i] = p->csrc(i);
  }
  RtpHeader h;
  h.marker = p->marker;
  h.payload_type = p->payload_type;
  h.sequence = p->sequence;
  h.timestamp = p->timestamp;
  h.ssrc = p->ssrc;
  h.csrcs = std::span<const std::uint32_t>(csrcs.data(), p->csrc_count);
  h.extension = p->extension;
  h.padding_bytes = p->padding_bytes;
  std::array<std::uint8_t, 70000> out{};
  auto n = build_rtp(h, p->payload, out);
  if (!n || *n != in.size()) {
    std::abort();
  }
  const std::size_t compared = in.size() - p->padding_bytes;
  if (!std::equal(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(compared), out.begin())) {
    std::abort();
  }
  if (p->padding_bytes != 0 && out[*n - 1] != in.back()) {
    std::abort();  // the padding count octet
  }
  if (p->extension) {
    std::array<ExtensionElement, 32> elements{};
    if (auto count = parse_extension_elements(*p->extension, elements)) {
      for (std::size_t i = 0; i < *count; ++i) {
        check_inside(p->extension->data, elements[i].data);
      }
    }
  }
  if (auto e = parse_telephone_event(p->payload)) {
    std::array<std::uint8_t, 4> event{};
    if (!build_telephone_event(*e, event) || event[0] != p->payload[0] ||
        event[2] != p->payload[2] || event[3] != p->payload[3] ||
        (event[1] | 0x40) != (p->payload[1] | 0x40)) {
      std::abort();
    }
  }
}

void fuzz_rtcp(Bytes in) {
  auto compound = parse_rtcp_compound(in);
  if (!compound) {
    return;
  }
  std::array<SdesItem, 64> items{};
  for (auto packet : *compound) {
    check_inside(in, packet.body);
    if (auto sr = parse_sender_report(packet)) {
      for (std::size_t i = 0; i < sr->reports.size(); ++i) {
        (void)sr->reports.block(i);
      }
    }
    if (auto rr = parse_receiver_report(packet)) {
      for (std::size_t i = 0; i < rr->reports.size(); ++i) {
        (void)rr->reports.block(i);
      }
    }
    (void)parse_sdes(packet, items);
    if (auto bye = parse_bye(packet)) {
      for (std::size_t i = 0; i < bye->size(); ++i) {
        (void)bye->ssrc(i);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  (void)classify_muxed_packet(in);
  fuzz_rtp(in);
  fuzz_rtcp(in);
  return 0;
}

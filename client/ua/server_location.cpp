#include "client/ua/server_location.h"

#include <algorithm>
#include <cctype>

namespace tipring::client {
namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view naptr_service(sip::Transport transport) {
  switch (transport) {
    case sip::Transport::udp:
      return "SIP+D2U";
    case sip::Transport::tcp:
      return "SIP+D2T";
    case sip::Transport::tls:
      return "SIPS+D2T";
  }
  return "SIP+D2U";
}

std::vector<std::string> srv_names(std::string_view domain, sip::Transport transport,
                                   const std::vector<NaptrRecord>& naptr) {
  std::vector<NaptrRecord> fitting;
  for (const NaptrRecord& r : naptr) {
    if (equal_ignoring_case(r.flags, "s") &&
        equal_ignoring_case(r.service, naptr_service(transport)) && !r.replacement.empty()) {
      fitting.push_back(r);
    }
  }
  std::stable_sort(fitting.begin(), fitting.end(), [](const NaptrRecord& a, const NaptrRecord& b) {
    return a.order != b.order ? a.order < b.order : a.preference < b.preference;
  });
  std::vector<std::string> names;
  names.reserve(fitting.size() + 1);
  for (const NaptrRecord& r : fitting) {
    names.push_back(r.replacement);
  }
  if (names.empty()) {
    const std::string_view prefix = transport == sip::Transport::udp   ? "_sip._udp."
                                    : transport == sip::Transport::tcp ? "_sip._tcp."
                                                                       : "_sips._tcp.";
    names.push_back(std::string(prefix) + std::string(domain));
  }
  return names;
}

std::vector<SrvRecord> order_srv(std::vector<SrvRecord> records, RandomSource& random) {
  if (records.size() == 1 && (records[0].target.empty() || records[0].target == ".")) {
    return {};
  }
  std::stable_sort(records.begin(), records.end(),
                   [](const SrvRecord& a, const SrvRecord& b) { return a.priority < b.priority; });
  std::vector<SrvRecord> ordered;
  ordered.reserve(records.size());
  auto group = records.begin();
  while (group != records.end()) {
    const auto end = std::find_if(
        group, records.end(), [&](const SrvRecord& r) { return r.priority != group->priority; });
    // RFC 2782: zero-weight records first in the list, so they are picked only when the
    // running sum lands on them (rarely, unless all weights are zero).
    std::vector<SrvRecord> pool(group, end);
    std::stable_partition(pool.begin(), pool.end(),
                          [](const SrvRecord& r) { return r.weight == 0; });
    while (!pool.empty()) {
      std::uint64_t total = 0;
      for (const SrvRecord& r : pool) {
        total += r.weight;
      }
      const std::uint64_t pick = random.next_u64() % (total + 1);
      std::uint64_t running = 0;
      auto chosen = pool.begin();
      for (auto it = pool.begin(); it != pool.end(); ++it) {
        running += it->weight;
        if (running >= pick) {
          chosen = it;
          break;
        }
      }
      ordered.push_back(*chosen);
      pool.erase(chosen);
    }
    group = end;
  }
  return ordered;
}

std::uint16_t default_sip_port(sip::Transport transport) {
  return transport == sip::Transport::tls ? 5061 : 5060;
}

}  // namespace tipring::client

#include "client/phone/server_locator.h"

#include <QHostInfo>

#if defined(__unix__)
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>
#endif

#include <array>
#include <cstring>

namespace tipring::client {
namespace {

#if defined(__unix__)
// One DNS question through libresolv; calls `each` with every answer record of `type`.
template <class Each>
void query(const QHostAddress& nameserver, quint16 port, const QString& name, ns_type type,
           Each each) {
  struct __res_state state {};
  if (res_ninit(&state) != 0) {
    return;
  }
  bool v4 = false;
  const quint32 ip = nameserver.toIPv4Address(&v4);
  if (v4) {
    state.nscount = 1;
    state.nsaddr_list[0].sin_family = AF_INET;
    state.nsaddr_list[0].sin_addr.s_addr = htonl(ip);
    state.nsaddr_list[0].sin_port = htons(port);
  }
  state.retrans = 2;  // seconds per try, and two tries: a dead server costs ~4 s, not 30
  state.retry = 2;
  std::array<unsigned char, 8192> answer{};
  const QByteArray qname = name.toUtf8();
  const int length = res_nquery(&state, qname.constData(), ns_c_in, type, answer.data(),
                                static_cast<int>(answer.size()));
  res_nclose(&state);
  if (length <= 0) {
    return;
  }
  ns_msg message{};
  if (ns_initparse(answer.data(), length, &message) != 0) {
    return;
  }
  for (int i = 0; i < ns_msg_count(message, ns_s_an); ++i) {
    ns_rr rr{};
    if (ns_parserr(&message, ns_s_an, i, &rr) == 0 && ns_rr_type(rr) == type) {
      each(message, rr);
    }
  }
}

std::string expand_name(const ns_msg& message, const unsigned char* at) {
  std::array<char, NS_MAXDNAME> name{};
  if (dn_expand(ns_msg_base(message), ns_msg_end(message), at, name.data(),
                static_cast<int>(name.size())) < 0) {
    return {};
  }
  return name.data();
}
std::uint16_t u16(const unsigned char* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
#endif

}  // namespace

SystemDnsResolver::SystemDnsResolver(const QHostAddress& nameserver, quint16 port)
    : nameserver_(nameserver), port_(port) {}

std::vector<NaptrRecord> SystemDnsResolver::naptr(const QString& name) {
  std::vector<NaptrRecord> out;
#if defined(__unix__)
  query(nameserver_, port_, name, ns_t_naptr, [&](const ns_msg& message, const ns_rr& rr) {
    const unsigned char* p = ns_rr_rdata(rr);
    const unsigned char* const end = p + ns_rr_rdlen(rr);
    if (end - p < 4) {
      return;
    }
    NaptrRecord r;
    r.order = u16(p);
    r.preference = u16(p + 2);
    p += 4;
    std::string* texts[] = {&r.flags, &r.service, nullptr};  // then the regexp, unused
    for (std::string* text : texts) {
      if (p >= end || p + 1 + *p > end) {
        return;
      }
      if (text != nullptr) {
        text->assign(reinterpret_cast<const char*>(p + 1), *p);
      }
      p += 1 + *p;
    }
    r.replacement = expand_name(message, p);
    out.push_back(std::move(r));
  });
#else
  (void)name;
#endif
  return out;
}

std::vector<SrvRecord> SystemDnsResolver::srv(const QString& name) {
  std::vector<SrvRecord> out;
#if defined(__unix__)
  query(nameserver_, port_, name, ns_t_srv, [&](const ns_msg& message, const ns_rr& rr) {
    if (ns_rr_rdlen(rr) < 7) {
      return;
    }
    const unsigned char* p = ns_rr_rdata(rr);
    SrvRecord r;
    r.priority = u16(p);
    r.weight = u16(p + 2);
    r.port = u16(p + 4);
    r.target = expand_name(message, p + 6);
    out.push_back(std::move(r));
  });
#else
  (void)name;
#endif
  return out;
}

QList<QHostAddress> SystemDnsResolver::addresses(const QString& name) {
  QList<QHostAddress> out;
#if defined(__unix__)
  if (!nameserver_.isNull()) {  // a given server answers A and AAAA too, not /etc/hosts
    query(nameserver_, port_, name, ns_t_a, [&](const ns_msg&, const ns_rr& rr) {
      if (ns_rr_rdlen(rr) == 4) {
        const unsigned char* p = ns_rr_rdata(rr);
        out.append(QHostAddress((quint32{p[0]} << 24) | (quint32{p[1]} << 16) |
                                (quint32{p[2]} << 8) | quint32{p[3]}));
      }
    });
    query(nameserver_, port_, name, ns_t_aaaa, [&](const ns_msg&, const ns_rr& rr) {
      if (ns_rr_rdlen(rr) == 16) {
        out.append(QHostAddress(ns_rr_rdata(rr)));
      }
    });
    return out;
  }
#endif
  const QHostInfo info = QHostInfo::fromName(name);
  for (const QHostAddress& a : info.addresses()) {
    if (a.protocol() == QAbstractSocket::IPv4Protocol) {
      out.append(a);
    }
  }
  for (const QHostAddress& a : info.addresses()) {
    if (a.protocol() != QAbstractSocket::IPv4Protocol) {
      out.append(a);
    }
  }
  return out;
}

std::vector<ServerAddress> locate_servers(const QString& host, sip::Transport transport,
                                          DnsResolver& dns, RandomSource& random) {
  std::vector<ServerAddress> out;
  const std::vector<std::string> names = srv_names(host.toStdString(), transport, dns.naptr(host));
  bool any_srv = false;
  for (const std::string& name : names) {
    const std::vector<SrvRecord> records = dns.srv(QString::fromStdString(name));
    any_srv = any_srv || !records.empty();
    for (const SrvRecord& r : order_srv(records, random)) {
      const QString target = QString::fromStdString(r.target);
      for (const QHostAddress& a : dns.addresses(target)) {
        out.push_back(ServerAddress{a, r.port, target});
      }
    }
  }
  if (!any_srv) {  // §4.2: no SRV records at all: the host itself on the default port
    for (const QHostAddress& a : dns.addresses(host)) {
      out.push_back(ServerAddress{a, default_sip_port(transport), host});
    }
  }
  return out;
}

}  // namespace tipring::client

// Where an account's requests go when its proxy or domain is a host name with no port
// (RFC 3263 §4): NAPTR picks the SRV names for the chosen transport, SRV orders the servers
// (priority, weight), A/AAAA gives their addresses, and without SRV the name itself is used
// on 5060/5061. The result is the list of servers to fail over along. The DNS is behind an
// interface so the selection is tested with injected answers.
#pragma once

#include "client/ua/server_location.h"

#include <QHostAddress>
#include <QString>
#include <memory>
#include <vector>

namespace tipring::client {

struct ServerAddress {
  QHostAddress address;
  quint16 port = 5060;
  QString name;  // the SRV target or the host: the name a TLS certificate must carry
  friend bool operator==(const ServerAddress&, const ServerAddress&) = default;
};

// The three kinds of DNS question RFC 3263 asks. Answers that do not exist are empty.
class DnsResolver {
public:
  virtual ~DnsResolver() = default;
  virtual std::vector<NaptrRecord> naptr(const QString& name) = 0;
  virtual std::vector<SrvRecord> srv(const QString& name) = 0;
  // IPv4 addresses first, then IPv6.
  virtual QList<QHostAddress> addresses(const QString& name) = 0;
};

// The system's resolver through libresolv (res_nquery), blocking with its own bounded
// timeouts: Account::open is synchronous and resolves once. libresolv rather than
// QDnsLookup because Qt 6.4's QDnsLookup knows no NAPTR and cannot take a nameserver port.
// `nameserver`/`port` override /etc/resolv.conf (tests run their own DNS server).
class SystemDnsResolver final : public DnsResolver {
public:
  SystemDnsResolver() = default;
  SystemDnsResolver(const QHostAddress& nameserver, quint16 port);
  std::vector<NaptrRecord> naptr(const QString& name) override;
  std::vector<SrvRecord> srv(const QString& name) override;
  QList<QHostAddress> addresses(const QString& name) override;

private:
  QHostAddress nameserver_;
  quint16 port_ = 53;
};

// The servers for `host` (a name: no port, not an IP literal) over `transport`, in the order
// to try them. Empty when nothing resolves.
std::vector<ServerAddress> locate_servers(const QString& host, sip::Transport transport,
                                          DnsResolver& dns, RandomSource& random);

}  // namespace tipring::client

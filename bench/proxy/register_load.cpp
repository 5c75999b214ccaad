// register_load: a REGISTER-with-digest load generator for proxy_bench that is not the
// bottleneck (SIPp, single-threaded, tops out near 1,700 registrations/s on this machine).
// N users, spread over K UDP sockets (one stable Contact per user), each registration:
// REGISTER -> 401 -> REGISTER with Authorization (qop=auth, nc, cnonce; RFC 3261 §22.2,
// RFC 7616 §3.4) -> 200. New registrations are paced at a target rate; requests are
// retransmitted on Timer E's doubling schedule from T1 (RFC 3261 §17.1.2.2) up to a bound,
// and a request still unanswered after the timeout fails the registration.
// Prints one line: "successful failed elapsed_ms retransmissions timeouts max_lag_ms p50_us
// p99_us" (elapsed: from the first send to the last answer or timeout; lag: how far the
// generator fell behind its own schedule, so a step where it could not keep pace is visible).
#include "protocol/core/random.h"
#include "protocol/sip/digest.h"
#include "protocol/sip/digest_auth_header.h"
#include "protocol/sip/digest_client.h"
#include "protocol/sip/message.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;
using Nanos = std::chrono::nanoseconds;
using namespace std::chrono_literals;
namespace sip = tipring::sip;

struct Options {
  sockaddr_in target{};
  std::string domain = "tipring.test";
  std::string user_prefix = "u";
  int user_digits = 5;
  std::string password_prefix = "pw-";
  std::string password_suffix = "-secret";
  std::uint32_t users = 500;
  std::uint32_t sockets = 32;
  double rate = 1000;
  double seconds = 5;
  Nanos t1 = 500ms;
  int max_retransmissions = 2;
  Nanos timeout = 4s;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "register_load: %s\nusage: register_load --target IP:PORT --rate R --seconds S"
               " [--users N] [--sockets K] [--domain D] [--t1-ms MS] [--max-retrans N]"
               " [--timeout-ms MS]\n  users are <u><5 digits> from 1, passwords pw-<user>-secret"
               " (proxy_bench's)\n",
               why);
  std::exit(2);
}

double number_of(const char* text) {
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  if (end == text || *end != '\0' || value < 0) {
    usage("not a non-negative number");
  }
  return value;
}

Options parse_options(int argc, char** argv) {
  Options options;
  bool have_target = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view name = argv[i];
    if (i + 1 >= argc) {
      usage("option without a value");
    }
    const char* value = argv[++i];
    if (name == "--target") {
      const std::string_view text = value;
      const auto colon = text.rfind(':');
      if (colon == std::string_view::npos) {
        usage("--target needs IP:PORT");
      }
      const std::string ip(text.substr(0, colon));
      options.target.sin_family = AF_INET;
      options.target.sin_port = htons(static_cast<std::uint16_t>(number_of(value + colon + 1)));
      if (inet_pton(AF_INET, ip.c_str(), &options.target.sin_addr) != 1) {
        usage("--target needs an IPv4 address");
      }
      have_target = true;
    } else if (name == "--rate") {
      options.rate = number_of(value);
    } else if (name == "--seconds") {
      options.seconds = number_of(value);
    } else if (name == "--users") {
      options.users = static_cast<std::uint32_t>(number_of(value));
    } else if (name == "--sockets") {
      options.sockets = static_cast<std::uint32_t>(number_of(value));
    } else if (name == "--domain") {
      options.domain = value;
    } else if (name == "--t1-ms") {
      options.t1 = std::chrono::milliseconds(static_cast<int>(number_of(value)));
    } else if (name == "--max-retrans") {
      options.max_retransmissions = static_cast<int>(number_of(value));
    } else if (name == "--timeout-ms") {
      options.timeout = std::chrono::milliseconds(static_cast<int>(number_of(value)));
    } else {
      usage("unknown option");
    }
  }
  if (!have_target || options.rate <= 0 || options.users == 0 || options.sockets == 0) {
    usage("--target, a positive --rate, --users and --sockets are required");
  }
  return options;
}

// A user and what every one of its requests repeats.
struct User {
  std::string name;
  std::string password;
  std::string md5_ha1;  // for the configured domain as realm: the common case, computed once
  std::uint32_t socket = 0;
};

// One registration in flight. `id` is its sequence number (0: the slot is free); it is
// carried in the Call-ID, so a response finds its slot without a lookup by string.
struct Registration {
  std::uint64_t id = 0;
  std::uint32_t user = 0;
  int stage = 0;  // 1: first REGISTER sent, 2: the one with credentials sent
  int sends = 0;  // transmissions of the current request
  Clock::time_point started;
  std::string request;
};

// Timer entries: every entry of one queue has the same interval, so each queue is in
// deadline order and a deque is a priority queue. Stale entries are skipped on pop.
struct TimerEntry {
  Clock::time_point due;
  std::uint64_t id;
  int stage;
  int sends;
};

class Generator {
public:
  explicit Generator(Options options) : options_(std::move(options)) {
    total_ = static_cast<std::uint64_t>(std::llround(options_.rate * options_.seconds));
    // In flight at most: rate × (the longest a registration can live) plus slack.
    const auto lifetime_s = 2.0 * std::chrono::duration<double>(options_.timeout).count() + 1.0;
    std::size_t capacity = 1024;
    while (static_cast<double>(capacity) < options_.rate * lifetime_s * 2) {
      capacity *= 2;
    }
    slots_.resize(capacity);
    retransmit_queues_.resize(static_cast<std::size_t>(options_.max_retransmissions));
    open_sockets();
    make_users();
    run_tag_ = random_.token(6);
  }

  ~Generator() {
    for (const int fd : sockets_) {
      ::close(fd);
    }
    if (epoll_ >= 0) {
      ::close(epoll_);
    }
  }
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  void run();
  void report() const;

private:
  void open_sockets();
  void make_users();
  void start_registration(Clock::time_point now);
  void send(Registration& registration, Clock::time_point now);
  void on_datagram(std::string_view bytes, Clock::time_point now);
  void on_challenge(Registration& registration, const sip::Message& response,
                    Clock::time_point now);
  void finish(Registration& registration, bool success, Clock::time_point now);
  void fire_timers(Clock::time_point now);
  void drain_socket(int fd);
  std::string build_request(const Registration& registration, std::string_view authorization);
  [[nodiscard]] std::optional<Clock::time_point> next_deadline() const;

  Options options_;
  tipring::SeededRandom random_{
      static_cast<std::uint64_t>(Clock::now().time_since_epoch().count())};
  std::vector<int> sockets_;
  std::vector<std::uint16_t> ports_;
  int epoll_ = -1;
  std::vector<User> users_;
  std::vector<Registration> slots_;
  std::vector<std::deque<TimerEntry>> retransmit_queues_;  // [k]: the (k+1)-th retransmission
  std::deque<TimerEntry> timeout_queue_;
  std::string run_tag_;

  std::uint64_t total_ = 0;
  std::uint64_t started_count_ = 0;
  std::uint64_t in_flight_ = 0;
  std::uint64_t successful_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t timeouts_ = 0;
  std::uint64_t retransmissions_ = 0;
  Clock::time_point begin_;
  Clock::time_point end_;
  Nanos max_lag_{0};
  std::vector<std::uint32_t> latencies_us_;
};

void Generator::open_sockets() {
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_ < 0) {
    std::perror("epoll_create1");
    std::exit(1);
  }
  for (std::uint32_t i = 0; i < options_.sockets; ++i) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(local);
    // Large buffers: the generator must not drop what a fast proxy sends in a burst.
    const int buffer = 4 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof(buffer));
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0 ||
        ::connect(fd, reinterpret_cast<const sockaddr*>(&options_.target),
                  sizeof(options_.target)) != 0) {
      std::perror("register_load socket");
      std::exit(1);
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
    sockets_.push_back(fd);
    ports_.push_back(ntohs(local.sin_port));
  }
}

void Generator::make_users() {
  users_.reserve(options_.users);
  for (std::uint32_t i = 1; i <= options_.users; ++i) {
    std::string number = std::to_string(i);
    if (static_cast<int>(number.size()) < options_.user_digits) {
      number.insert(0, static_cast<std::size_t>(options_.user_digits) - number.size(), '0');
    }
    User user;
    user.name = options_.user_prefix + number;
    user.password = options_.password_prefix + user.name + options_.password_suffix;
    user.md5_ha1 =
        sip::ha1_hex(sip::DigestAlgorithm::md5, user.name, options_.domain, user.password);
    user.socket = (i - 1) % options_.sockets;
    users_.push_back(std::move(user));
  }
}

std::string Generator::build_request(const Registration& registration,
                                     std::string_view authorization) {
  const User& user = users_[registration.user];
  const auto port = std::to_string(ports_[user.socket]);
  const auto id = std::to_string(registration.id);
  std::string out;
  out.reserve(512 + authorization.size());
  out += "REGISTER sip:" + options_.domain + " SIP/2.0\r\n";
  out += "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bK" + run_tag_ + id + "s" +
         std::to_string(registration.stage) + ";rport\r\n";
  out += "Max-Forwards: 70\r\n";
  out += "From: <sip:" + user.name + "@" + options_.domain + ">;tag=" + run_tag_ + id + "\r\n";
  out += "To: <sip:" + user.name + "@" + options_.domain + ">\r\n";
  out += "Call-ID: rl" + id + "-" + run_tag_ + "\r\n";
  out += "CSeq: " + std::to_string(registration.stage) + " REGISTER\r\n";
  out += "Contact: <sip:" + user.name + "@127.0.0.1:" + port + ">\r\n";
  out += "Expires: 3600\r\n";
  if (!authorization.empty()) {
    out += "Authorization: ";
    out += authorization;
    out += "\r\n";
  }
  out += "Content-Length: 0\r\n\r\n";
  return out;
}

void Generator::start_registration(Clock::time_point now) {
  const std::uint64_t id = ++started_count_;
  Registration& registration = slots_[id & (slots_.size() - 1)];
  if (registration.id != 0) {
    // Cannot happen with the capacity chosen above (a slot lives at most 2 × timeout);
    // count it rather than overwrite silently.
    finish(registration, false, now);
  }
  registration.id = id;
  registration.user = static_cast<std::uint32_t>((id - 1) % users_.size());
  registration.stage = 1;
  registration.started = now;
  registration.request = build_request(registration, {});
  ++in_flight_;
  send(registration, now);
}

void Generator::send(Registration& registration, Clock::time_point now) {
  const int fd = sockets_[users_[registration.user].socket];
  // A full send buffer drops this copy; the retransmission timer covers it like a lost packet.
  (void)::send(fd, registration.request.data(), registration.request.size(), MSG_DONTWAIT);
  ++registration.sends;
  if (registration.sends == 1) {
    timeout_queue_.push_back({now + options_.timeout, registration.id, registration.stage, 1});
  }
  const auto k = static_cast<std::size_t>(registration.sends - 1);
  if (k < retransmit_queues_.size()) {
    retransmit_queues_[k].push_back(
        {now + options_.t1 * (1 << k), registration.id, registration.stage, registration.sends});
  }
}

void Generator::finish(Registration& registration, bool success, Clock::time_point now) {
  if (success) {
    ++successful_;
    latencies_us_.push_back(static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(now - registration.started).count()));
  } else {
    ++failed_;
  }
  registration.id = 0;
  registration.sends = 0;
  --in_flight_;
  end_ = now;
}

void Generator::on_challenge(Registration& registration, const sip::Message& response,
                             Clock::time_point now) {
  const auto offered = response.auth_headers(sip::HeaderId::WwwAuthenticate);
  if (!offered) {
    finish(registration, false, now);
    return;
  }
  std::vector<sip::DigestChallenge> challenges;
  for (const auto& header : *offered) {
    if (auto challenge = sip::digest_challenge_from(header)) {
      challenges.push_back(std::move(*challenge));
    }
  }
  // MD5, as SIPp answers and Kamailio offers, so both proxies verify the same digest; the
  // strongest offered algorithm otherwise.
  const sip::DigestChallenge* chosen = nullptr;
  for (const auto& challenge : challenges) {
    if (challenge.algorithm == sip::DigestAlgorithm::md5) {
      chosen = &challenge;
      break;
    }
  }
  if (chosen == nullptr) {
    chosen = sip::choose_challenge(challenges, challenges.empty() ? "" : challenges[0].realm);
  }
  if (chosen == nullptr) {
    finish(registration, false, now);
    return;
  }
  const User& user = users_[registration.user];
  const auto algorithm = sip::base_algorithm(chosen->algorithm);
  std::string ha1 = algorithm == sip::DigestAlgorithm::md5 && chosen->realm == options_.domain
                        ? user.md5_ha1
                        : sip::ha1_hex(algorithm, user.name, chosen->realm, user.password);
  sip::DigestCredentials credentials;
  credentials.username = user.name;
  credentials.realm = chosen->realm;
  credentials.nonce = chosen->nonce;
  credentials.uri = "sip:" + options_.domain;
  credentials.opaque = chosen->opaque;
  if (chosen->algorithm != sip::DigestAlgorithm::md5) {
    credentials.algorithm = chosen->algorithm;
  }
  credentials.qop_auth = chosen->qop_auth;
  if (chosen->qop_auth) {
    credentials.cnonce = random_.token(12);
    credentials.nonce_count = 1;  // a fresh nonce per challenge: its first use
  }
  if (sip::is_session_variant(chosen->algorithm)) {
    ha1 = sip::session_ha1_hex(chosen->algorithm, ha1, chosen->nonce,
                               credentials.cnonce.value_or(""));
  }
  credentials.response =
      sip::response_hex(chosen->algorithm, ha1,
                        sip::DigestRequestFields{"REGISTER", credentials.uri, credentials.nonce,
                                                 chosen->qop_auth, credentials.cnonce.value_or(""),
                                                 credentials.nonce_count.value_or(0)});
  registration.stage = 2;
  registration.sends = 0;
  registration.request = build_request(registration, sip::format_digest_credentials(credentials));
  send(registration, now);
}

void Generator::on_datagram(std::string_view bytes, Clock::time_point now) {
  auto response = sip::Message::parse(bytes);
  if (!response || !response->is_response() || response->status_code() < 200) {
    return;
  }
  // Call-ID "rl<id>-<run tag>": the slot is id modulo the capacity.
  const auto call_id = response->call_id();
  if (call_id.size() < 3 || call_id.substr(0, 2) != "rl") {
    return;
  }
  std::uint64_t id = 0;
  const auto* first = call_id.data() + 2;
  const auto parsed = std::from_chars(first, call_id.data() + call_id.size(), id);
  if (parsed.ec != std::errc{} || id == 0) {
    return;
  }
  Registration& registration = slots_[id & (slots_.size() - 1)];
  // A late answer to a finished registration, or to the previous stage's request.
  if (registration.id != id ||
      response->cseq_number() != static_cast<std::uint32_t>(registration.stage)) {
    return;
  }
  const int status = response->status_code();
  if (registration.stage == 1 && status == 401) {
    on_challenge(registration, *response, now);
  } else {
    finish(registration, registration.stage == 2 && status >= 200 && status < 300, now);
  }
}

void Generator::fire_timers(Clock::time_point now) {
  for (std::size_t k = 0; k < retransmit_queues_.size(); ++k) {
    auto& queue = retransmit_queues_[k];
    while (!queue.empty() && queue.front().due <= now) {
      const auto entry = queue.front();
      queue.pop_front();
      Registration& registration = slots_[entry.id & (slots_.size() - 1)];
      if (registration.id == entry.id && registration.stage == entry.stage &&
          registration.sends == entry.sends) {
        ++retransmissions_;
        send(registration, now);
      }
    }
  }
  while (!timeout_queue_.empty() && timeout_queue_.front().due <= now) {
    const auto entry = timeout_queue_.front();
    timeout_queue_.pop_front();
    Registration& registration = slots_[entry.id & (slots_.size() - 1)];
    if (registration.id == entry.id && registration.stage == entry.stage) {
      ++timeouts_;
      finish(registration, false, now);
    }
  }
}

std::optional<Clock::time_point> Generator::next_deadline() const {
  std::optional<Clock::time_point> next;
  const auto consider = [&](Clock::time_point t) {
    if (!next || t < *next) {
      next = t;
    }
  };
  if (started_count_ < total_) {
    consider(begin_ + std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(
                          static_cast<double>(started_count_) / options_.rate)));
  }
  for (const auto& queue : retransmit_queues_) {
    if (!queue.empty()) {
      consider(queue.front().due);
    }
  }
  if (!timeout_queue_.empty()) {
    consider(timeout_queue_.front().due);
  }
  return next;
}

void Generator::drain_socket(int fd) {
  constexpr std::size_t kBatch = 32;
  constexpr std::size_t kSize = 4096;
  static std::array<std::array<char, kSize>, kBatch> buffers;
  std::array<mmsghdr, kBatch> headers{};
  std::array<iovec, kBatch> vectors{};
  for (;;) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      vectors[i] = {buffers[i].data(), kSize};
      headers[i] = {};
      headers[i].msg_hdr.msg_iov = &vectors[i];
      headers[i].msg_hdr.msg_iovlen = 1;
    }
    const int received = ::recvmmsg(fd, headers.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (received <= 0) {
      return;
    }
    const auto now = Clock::now();
    for (int i = 0; i < received; ++i) {
      on_datagram({buffers[static_cast<std::size_t>(i)].data(),
                   headers[static_cast<std::size_t>(i)].msg_len},
                  now);
    }
    if (static_cast<std::size_t>(received) < kBatch) {
      return;
    }
  }
}

void Generator::run() {
  begin_ = Clock::now();
  end_ = begin_;
  std::array<epoll_event, 64> events{};
  const auto interval = std::chrono::duration<double>(1.0 / options_.rate);
  while (started_count_ < total_ || in_flight_ > 0) {
    const auto now = Clock::now();
    // Start every registration that is due; a bounded batch so answers are read in between.
    for (int batch = 0; batch < 256 && started_count_ < total_; ++batch) {
      const auto due = begin_ + std::chrono::duration_cast<Nanos>(
                                    interval * static_cast<double>(started_count_));
      if (due > now) {
        break;
      }
      max_lag_ = std::max(max_lag_, std::chrono::duration_cast<Nanos>(now - due));
      start_registration(now);
    }
    fire_timers(now);
    int wait_ms = 0;
    if (const auto next = next_deadline(); next && *next > now) {
      wait_ms = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(*next - now + 999us).count());
    }
    const int ready = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), wait_ms);
    for (int i = 0; i < ready; ++i) {
      drain_socket(events[static_cast<std::size_t>(i)].data.fd);
    }
  }
}

void Generator::report() const {
  auto sorted = latencies_us_;
  std::sort(sorted.begin(), sorted.end());
  const auto percentile = [&](double p) -> std::uint32_t {
    if (sorted.empty()) {
      return 0;
    }
    return sorted[std::min(sorted.size() - 1,
                           static_cast<std::size_t>(p * static_cast<double>(sorted.size())))];
  };
  // Registrations never started (cannot happen once run() returns) count as failed.
  const auto failed = failed_ + (total_ - std::min(total_, successful_ + failed_));
  std::printf("%llu %llu %lld %llu %llu %lld %u %u\n", static_cast<unsigned long long>(successful_),
              static_cast<unsigned long long>(failed),
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(end_ - begin_).count()),
              static_cast<unsigned long long>(retransmissions_),
              static_cast<unsigned long long>(timeouts_),
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(max_lag_).count()),
              percentile(0.5), percentile(0.99));
}

}  // namespace

int main(int argc, char** argv) {
  Generator generator(parse_options(argc, argv));
  generator.run();
  generator.report();
  return 0;
}

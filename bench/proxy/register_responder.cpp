// register_responder: the stand-in registrar that measures register_load's own ceiling. It
// challenges every REGISTER without Authorization (401, a fresh nonce, qop=auth, MD5) and
// answers every one with Authorization 200 without checking it, keeping no state: what the
// generator reaches against it, with the responder on the proxies' core, is the most any
// proxy can show in proxy_bench. recvmmsg/sendmmsg in batches, one socket, one thread.
// Usage: register_responder IP:PORT (runs until SIGTERM/SIGINT).
#include "protocol/sip/message.h"

#include <array>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace {

namespace sip = tipring::sip;

volatile std::sig_atomic_t stopping = 0;

void on_signal(int /*signal*/) {
  stopping = 1;
}

std::string answer(std::string_view bytes, std::uint64_t& nonce_counter) {
  auto request = sip::Message::parse(bytes);
  if (!request || !request->is_request()) {
    return {};
  }
  if (request->find(sip::HeaderId::Authorization)) {
    auto response = sip::make_response(*request, 200, {}, "standin");
    if (const auto contact = request->find(sip::HeaderId::Contact)) {
      response.add_header(sip::HeaderId::Contact, std::string(*contact) + ";expires=3600");
    }
    return response.serialize();
  }
  auto response = sip::make_response(*request, 401, {}, "standin");
  response.add_header(sip::HeaderId::WwwAuthenticate,
                      "Digest realm=\"tipring.test\", nonce=\"standin" +
                          std::to_string(++nonce_counter) + "\", qop=\"auth\", algorithm=MD5");
  return response.serialize();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: register_responder IP:PORT\n");
    return 2;
  }
  const std::string_view where = argv[1];
  const auto colon = where.rfind(':');
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[1] + colon + 1)));
  if (colon == std::string_view::npos ||
      inet_pton(AF_INET, std::string(where.substr(0, colon)).c_str(), &local.sin_addr) != 1) {
    std::fprintf(stderr, "register_responder: IP:PORT expected\n");
    return 2;
  }
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const int buffer = 4 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof(buffer));
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
    std::perror("register_responder bind");
    return 1;
  }
  struct sigaction action {};
  action.sa_handler = on_signal;  // no SA_RESTART: recvmmsg returns EINTR and the loop ends
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);

  constexpr std::size_t kBatch = 32;
  constexpr std::size_t kSize = 4096;
  static std::array<std::array<char, kSize>, kBatch> buffers;
  std::array<sockaddr_in, kBatch> peers{};
  std::array<mmsghdr, kBatch> in{};
  std::array<iovec, kBatch> in_vectors{};
  std::array<std::string, kBatch> replies;
  std::array<mmsghdr, kBatch> out{};
  std::array<iovec, kBatch> out_vectors{};
  std::uint64_t nonce_counter = 0;
  while (stopping == 0) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      in_vectors[i] = {buffers[i].data(), kSize};
      in[i] = {};
      in[i].msg_hdr.msg_iov = &in_vectors[i];
      in[i].msg_hdr.msg_iovlen = 1;
      in[i].msg_hdr.msg_name = &peers[i];
      in[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
    }
    // Blocks for the first datagram, then takes what else is queued.
    const int received = ::recvmmsg(fd, in.data(), kBatch, MSG_WAITFORONE, nullptr);
    if (received <= 0) {
      continue;
    }
    std::size_t count = 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(received); ++i) {
      replies[count] = answer({buffers[i].data(), in[i].msg_len}, nonce_counter);
      if (replies[count].empty()) {
        continue;
      }
      out_vectors[count] = {replies[count].data(), replies[count].size()};
      out[count] = {};
      out[count].msg_hdr.msg_iov = &out_vectors[count];
      out[count].msg_hdr.msg_iovlen = 1;
      out[count].msg_hdr.msg_name = &peers[i];
      out[count].msg_hdr.msg_namelen = in[i].msg_hdr.msg_namelen;
      ++count;
    }
    if (count > 0) {
      ::sendmmsg(fd, out.data(), static_cast<unsigned>(count), 0);
    }
  }
  return 0;
}

#include "bench/relay/rtpengine_process.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace tipring::bench {

namespace {
std::string bstr(const std::string& s) {
  return std::to_string(s.size()) + ":" + s;
}

std::string sdp_for(std::uint16_t port, const std::string& session) {
  return "v=0\r\no=- " + session +
         " 1 IN IP4 127.0.0.1\r\ns=bench\r\nc=IN IP4 127.0.0.1\r\n"
         "t=0 0\r\nm=audio " +
         std::to_string(port) +
         " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
         "a=sendrecv\r\na=rtcp-mux\r\n";
}

// The m=audio port of the SDP inside an ng reply ("...3:sdp<len>:<sdp>...").
std::optional<std::uint16_t> media_port_of_reply(const std::string& reply) {
  const auto key = reply.find("3:sdp");
  if (key == std::string::npos) {
    return std::nullopt;
  }
  const auto colon = reply.find(':', key + 5);
  const std::size_t length = std::stoul(reply.substr(key + 5, colon - key - 5));
  const std::string sdp = reply.substr(colon + 1, length);
  const auto m = sdp.find("m=audio ");
  if (m == std::string::npos) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(std::stoul(sdp.substr(m + 8)));
}
}  // namespace

long rss_kib_of(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return 0;
}

long open_files_of(pid_t pid) {
  std::error_code error;
  long count = 0;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", error), end;
       !error && it != end; it.increment(error)) {
    ++count;
  }
  return count;
}

RtpengineProcess::RtpengineProcess(std::string binary, int cpu, int fifo_priority,
                                   std::uint16_t ng_port, std::uint16_t port_min,
                                   std::uint16_t port_max)
    : binary_(std::move(binary)),
      cpu_(cpu),
      fifo_priority_(fifo_priority),
      ng_port_(ng_port),
      port_min_(port_min),
      port_max_(port_max) {}

RtpengineProcess::~RtpengineProcess() {
  stop();
}

bool RtpengineProcess::start() {
  std::vector<std::string> args = {"taskset",
                                   "-c",
                                   std::to_string(cpu_),
                                   binary_,
                                   "--config-file=none",
                                   "--foreground",
                                   "--log-stderr",
                                   "--log-level=2",
                                   "--table=-1",
                                   "--interface=127.0.0.1",
                                   "--listen-ng=127.0.0.1:" + std::to_string(ng_port_),
                                   "--port-min=" + std::to_string(port_min_),
                                   "--port-max=" + std::to_string(port_max_),
                                   "--num-threads=1",
                                   "--timeout=120",
                                   "--delete-delay=0"};
  if (fifo_priority_ > 0) {
    args.emplace_back("--scheduling=fifo");
    args.push_back("--priority=" + std::to_string(fifo_priority_));
  }
  command_line_.clear();
  for (const auto& a : args) {
    command_line_ += (command_line_.empty() ? "" : " ") + a;
  }
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, "/tmp/tipring-bench-rtpengine.log",
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  const int rc = posix_spawnp(&pid_, "taskset", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    pid_ = -1;
    return false;
  }
  ng_fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(ng_port_);
  to.sin_addr.s_addr = htonl(0x7f000001);
  if (connect(ng_fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    stop();
    return false;
  }
  for (int attempt = 0; attempt < 50; ++attempt) {
    const auto pong = request("d7:command4:pinge");
    if (pong && pong->find("pong") != std::string::npos) {
      return true;
    }
    // Not listening yet (the refused datagram returns at once): give it time to start.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

void RtpengineProcess::stop() {
  if (ng_fd_ >= 0) {
    close(ng_fd_);
    ng_fd_ = -1;
  }
  if (pid_ <= 0) {
    return;
  }
  kill(pid_, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::optional<std::string> RtpengineProcess::request(const std::string& bencoded_dict) {
  const std::string cookie = "c" + std::to_string(++cookie_);
  const std::string message = cookie + " " + bencoded_dict;
  std::string reply(65536, '\0');
  // On a loaded machine a reply can take a while: resend (ng replays a repeated cookie's
  // reply, so the call is not set up twice) and skip late replies to earlier cookies.
  for (int attempt = 0; attempt < 4; ++attempt) {
    send(ng_fd_, message.data(), message.size(), 0);
    pollfd p{ng_fd_, POLLIN, 0};
    while (poll(&p, 1, 500) > 0) {
      const auto n = recv(ng_fd_, reply.data(), reply.size(), 0);
      if (n < 0) {
        return std::nullopt;  // refused: nothing listens (yet)
      }
      const std::string got(reply.data(), static_cast<std::size_t>(n));
      if (got.rfind(cookie + " ", 0) == 0) {
        return got.substr(cookie.size() + 1);
      }
    }
  }
  return std::nullopt;
}

std::optional<std::pair<std::uint16_t, std::uint16_t>> RtpengineProcess::create_call(
    int call, std::uint16_t a_port, std::uint16_t b_port) {
  const std::string id = "bench-" + std::to_string(call);
  const std::string offer = "d" + bstr("call-id") + bstr(id) + bstr("command") + bstr("offer") +
                            bstr("from-tag") + bstr(id + "-a") + bstr("sdp") +
                            bstr(sdp_for(a_port, id)) + "e";
  const auto offered = request(offer);
  const auto b_sends_to = offered ? media_port_of_reply(*offered) : std::nullopt;
  const std::string answer = "d" + bstr("call-id") + bstr(id) + bstr("command") + bstr("answer") +
                             bstr("from-tag") + bstr(id + "-a") + bstr("sdp") +
                             bstr(sdp_for(b_port, id)) + bstr("to-tag") + bstr(id + "-b") + "e";
  const auto answered = request(answer);
  const auto a_sends_to = answered ? media_port_of_reply(*answered) : std::nullopt;
  if (!a_sends_to || !b_sends_to) {
    return std::nullopt;
  }
  return std::pair{*a_sends_to, *b_sends_to};
}

long RtpengineProcess::rss_kib() const {
  return pid_ > 0 ? rss_kib_of(pid_) : 0;
}

}  // namespace tipring::bench

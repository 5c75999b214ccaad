// Moves the test process into a network namespace of its own, with only `lo` up, so a test
// may change what the whole namespace sees (an eBPF sk_lookup program, routes) without
// touching other tests that ctest runs beside it. Call it before the process opens any
// socket or starts any thread: the namespace belongs to the calling thread and what it
// starts afterwards.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>

#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tipring::test_support {

// Empty on success, else why not (usually: not root). Runs once per process.
inline const std::string& enter_private_network() {
  static const std::string problem = [] {
    if (::unshare(CLONE_NEWNET) != 0) {
      return std::string("cannot create a network namespace: ") + std::strerror(errno) +
             " (needs root or CAP_SYS_ADMIN)";
    }
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      return std::string("socket(2): ") + std::strerror(errno);
    }
    ifreq request{};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    std::string result;
    if (::ioctl(fd, SIOCGIFFLAGS, &request) != 0) {
      result = std::string("SIOCGIFFLAGS lo: ") + std::strerror(errno);
    } else {
      request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
      if (::ioctl(fd, SIOCSIFFLAGS, &request) != 0) {
        result = std::string("SIOCSIFFLAGS lo up: ") + std::strerror(errno);
      }
    }
    ::close(fd);
    return result;
  }();
  return problem;
}

}  // namespace tipring::test_support

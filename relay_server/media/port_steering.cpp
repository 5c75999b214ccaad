#include "relay_server/media/port_steering.h"

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace tipring::relay {

namespace {

// The program needs no GPL-only helper (bpf_map_lookup_elem, bpf_sk_assign for sk_lookup
// and bpf_sk_release are all gpl_only = false), so its license string is free. The project
// grants no licence yet; the kernel would refuse this string if a GPL-only helper were used.
constexpr char kLicense[] = "Proprietary";

// --- bpf(2) without libbpf -----------------------------------------------------------------

// The kernel refuses an attribute whose bytes past the command's fields are not zero; a
// union's value-initialisation only promises its first member, so clear all of it.
bpf_attr zeroed_attr() {
  bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  return attr;
}

long bpf(int command, bpf_attr& attr) {
  return ::syscall(__NR_bpf, command, &attr, sizeof attr);
}

std::uint64_t pointer_to_u64(const void* pointer) {
  return reinterpret_cast<std::uintptr_t>(pointer);
}

// Owns one descriptor while attach() builds; released into PortSteering on success, so every
// error path closes what it opened. (Every bpf(2) descriptor is created O_CLOEXEC.)
class ScopedFd {
public:
  explicit ScopedFd(int fd = -1) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ScopedFd(ScopedFd&& other) noexcept : fd_(other.release()) {}
  ScopedFd& operator=(ScopedFd&&) = delete;
  ~ScopedFd() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  [[nodiscard]] int get() const { return fd_; }
  [[nodiscard]] int release() { return std::exchange(fd_, -1); }

private:
  int fd_;
};

std::string errno_text(int error, const char* hint_for_permission) {
  std::string text = std::strerror(error);
  if (error == EPERM) {
    text += std::string(" (") + hint_for_permission + ")";
  } else if (error == ENOSYS) {
    text += " (the kernel has no bpf(2): CONFIG_BPF_SYSCALL)";
  }
  return text;
}

constexpr const char* kNeedsCapabilities = "needs CAP_BPF and CAP_NET_ADMIN, or root";

Result<ScopedFd> create_map(std::uint32_t type, std::uint32_t value_size, std::uint32_t max_entries,
                            const char* name, const char* kind_on_einval) {
  bpf_attr attr = zeroed_attr();
  attr.map_type = type;
  attr.key_size = sizeof(std::uint32_t);
  attr.value_size = value_size;
  attr.max_entries = max_entries;
  std::strncpy(attr.map_name, name, sizeof attr.map_name - 1);
  const long fd = bpf(BPF_MAP_CREATE, attr);
  if (fd < 0) {
    const int error = errno;
    std::string detail = errno_text(error, kNeedsCapabilities);
    if (error == EINVAL) {
      detail += std::string(" (the kernel lacks ") + kind_on_einval + ")";
    }
    return fail("bpf(2) BPF_MAP_CREATE", std::string(name) + ": " + detail);
  }
  return ScopedFd(static_cast<int>(fd));
}

Result<void> update_element(int map_fd, std::uint32_t key, const void* value) {
  bpf_attr attr = zeroed_attr();
  attr.map_fd = static_cast<std::uint32_t>(map_fd);
  attr.key = pointer_to_u64(&key);
  attr.value = pointer_to_u64(value);
  attr.flags = BPF_ANY;
  if (bpf(BPF_MAP_UPDATE_ELEM, attr) != 0) {
    return fail("bpf(2) BPF_MAP_UPDATE_ELEM", std::strerror(errno));
  }
  return {};
}

// --- the program, assembled at run time ------------------------------------------------

constexpr bpf_insn instruction(std::uint8_t code, std::uint8_t dst, std::uint8_t src,
                               std::int16_t off, std::int32_t imm) {
  bpf_insn i{};
  i.code = code;
  i.dst_reg = dst & 0xf;
  i.src_reg = src & 0xf;
  i.off = off;
  i.imm = imm;
  return i;
}

constexpr std::int16_t context_offset(std::size_t offset) {
  return static_cast<std::int16_t>(offset);
}

// A forward-only assembler: every early exit jumps to one "pass" label at the end.
class Program {
public:
  void mov64(std::uint8_t dst, std::uint8_t src) {
    add(instruction(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0));
  }
  void mov64_imm(std::uint8_t dst, std::int32_t imm) {
    add(instruction(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm));
  }
  void add64_imm(std::uint8_t dst, std::int32_t imm) {
    add(instruction(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm));
  }
  void sub32_imm(std::uint8_t dst, std::int32_t imm) {
    add(instruction(BPF_ALU | BPF_SUB | BPF_K, dst, 0, 0, imm));
  }
  void load32(std::uint8_t dst, std::uint8_t base, std::int16_t offset) {
    add(instruction(BPF_LDX | BPF_MEM | BPF_W, dst, base, offset, 0));
  }
  void store32(std::uint8_t base, std::int16_t offset, std::uint8_t src) {
    add(instruction(BPF_STX | BPF_MEM | BPF_W, base, src, offset, 0));
  }
  // ld_imm64 with BPF_PSEUDO_MAP_FD: the verifier swaps the descriptor for the map.
  void load_map(std::uint8_t dst, int map_fd) {
    add(instruction(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, map_fd));
    add(instruction(0, 0, 0, 0, 0));
  }
  void call(std::int32_t helper) { add(instruction(BPF_JMP | BPF_CALL, 0, 0, 0, helper)); }
  // Jumps to the pass label when the 32-bit comparison `reg op imm` holds.
  void pass_if32(std::uint8_t op, std::uint8_t reg, std::uint32_t imm) {
    exits_.push_back(code_.size());
    add(instruction(BPF_JMP32 | op | BPF_K, reg, 0, 0, static_cast<std::int32_t>(imm)));
  }
  // Jumps to the pass label when the 64-bit register is 0 (a NULL pointer).
  void pass_if_null(std::uint8_t reg) {
    exits_.push_back(code_.size());
    add(instruction(BPF_JMP | BPF_JEQ | BPF_K, reg, 0, 0, 0));
  }
  // Places the pass label: return SK_PASS (without an assignment, the normal lookup runs).
  std::vector<bpf_insn> finish_with_pass() {
    const std::size_t label = code_.size();
    for (const std::size_t at : exits_) {
      code_[at].off = static_cast<std::int16_t>(label - at - 1);
    }
    mov64_imm(BPF_REG_0, SK_PASS);
    add(instruction(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
    return std::move(code_);
  }

private:
  void add(const bpf_insn& i) { code_.push_back(i); }
  std::vector<bpf_insn> code_;
  std::vector<std::size_t> exits_;
};

// r6 = ctx. Only IPv4 UDP for local:[port_min, port_max]; look up the port's worker + 1
// (0: not steered), then the worker's socket (a referenced socket or NULL), assign it and
// release the reference on every path the verifier can see.
std::vector<bpf_insn> steering_program(std::uint32_t local_ip4_network_order,
                                       std::uint16_t port_min, std::uint16_t port_max,
                                       int ports_map_fd, int sockets_map_fd) {
  Program p;
  p.mov64(BPF_REG_6, BPF_REG_1);
  p.load32(BPF_REG_2, BPF_REG_6, context_offset(offsetof(bpf_sk_lookup, protocol)));
  p.pass_if32(BPF_JNE, BPF_REG_2, IPPROTO_UDP);
  p.load32(BPF_REG_2, BPF_REG_6, context_offset(offsetof(bpf_sk_lookup, family)));
  p.pass_if32(BPF_JNE, BPF_REG_2, AF_INET);
  // The context's local_ip4 is network order; comparing the same four bytes loaded as a
  // native word with the address's bytes read the same way needs no swap.
  p.load32(BPF_REG_2, BPF_REG_6, context_offset(offsetof(bpf_sk_lookup, local_ip4)));
  p.pass_if32(BPF_JNE, BPF_REG_2, local_ip4_network_order);
  p.load32(BPF_REG_2, BPF_REG_6, context_offset(offsetof(bpf_sk_lookup, local_port)));
  p.pass_if32(BPF_JLT, BPF_REG_2, port_min);  // local_port is host order
  p.pass_if32(BPF_JGT, BPF_REG_2, port_max);
  p.sub32_imm(BPF_REG_2, port_min);
  p.store32(BPF_REG_10, -4, BPF_REG_2);  // key: port - port_min, on the stack
  p.load_map(BPF_REG_1, ports_map_fd);
  p.mov64(BPF_REG_2, BPF_REG_10);
  p.add64_imm(BPF_REG_2, -4);
  p.call(BPF_FUNC_map_lookup_elem);
  p.pass_if_null(BPF_REG_0);
  p.load32(BPF_REG_2, BPF_REG_0, 0);
  p.pass_if32(BPF_JEQ, BPF_REG_2, 0);  // not steered
  p.sub32_imm(BPF_REG_2, 1);
  p.store32(BPF_REG_10, -8, BPF_REG_2);  // key: the worker
  p.load_map(BPF_REG_1, sockets_map_fd);
  p.mov64(BPF_REG_2, BPF_REG_10);
  p.add64_imm(BPF_REG_2, -8);
  p.call(BPF_FUNC_map_lookup_elem);  // on a SOCKMAP: takes a reference
  p.pass_if_null(BPF_REG_0);         // the worker's socket was closed
  p.mov64(BPF_REG_7, BPF_REG_0);
  p.mov64(BPF_REG_1, BPF_REG_6);
  p.mov64(BPF_REG_2, BPF_REG_7);
  p.mov64_imm(BPF_REG_3, 0);  // no REPLACE: a program attached earlier that chose wins
  p.call(BPF_FUNC_sk_assign);
  p.mov64(BPF_REG_1, BPF_REG_7);
  p.call(BPF_FUNC_sk_release);
  return p.finish_with_pass();
}

std::string log_tail(const std::vector<char>& log) {
  const std::string text(log.data(), ::strnlen(log.data(), log.size()));
  constexpr std::size_t kTail = 600;
  return text.size() > kTail ? "..." + text.substr(text.size() - kTail) : text;
}

Result<ScopedFd> load_program(const std::vector<bpf_insn>& code) {
  bpf_attr attr = zeroed_attr();
  attr.prog_type = BPF_PROG_TYPE_SK_LOOKUP;
  attr.expected_attach_type = BPF_SK_LOOKUP;
  attr.insns = pointer_to_u64(code.data());
  attr.insn_cnt = static_cast<std::uint32_t>(code.size());
  attr.license = pointer_to_u64(kLicense);
  std::strncpy(attr.prog_name, "tipring_steer", sizeof attr.prog_name - 1);
  long fd = bpf(BPF_PROG_LOAD, attr);
  if (fd >= 0) {
    return ScopedFd(static_cast<int>(fd));
  }
  const int error = errno;
  std::string detail = errno_text(error, kNeedsCapabilities);
  if (error == EINVAL || error == EACCES) {
    // Again with the verifier's log, which the first attempt skips to load fast.
    std::vector<char> log(64 * 1024, '\0');
    attr.log_level = 1;
    attr.log_buf = pointer_to_u64(log.data());
    attr.log_size = static_cast<std::uint32_t>(log.size());
    fd = bpf(BPF_PROG_LOAD, attr);
    if (fd >= 0) {
      return ScopedFd(static_cast<int>(fd));  // loaded after all (a transient failure)
    }
    detail += " (BPF_PROG_TYPE_SK_LOOKUP needs Linux >= 5.9); verifier: " + log_tail(log);
  }
  return fail("bpf(2) BPF_PROG_LOAD sk_lookup", detail);
}

Result<ScopedFd> attach_to_namespace(int program_fd) {
  // thread-self: the namespace of the calling thread, which unshare(2) may have changed.
  const ScopedFd netns(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (netns.get() < 0) {
    return fail("open /proc/thread-self/ns/net", std::strerror(errno));
  }
  bpf_attr attr = zeroed_attr();
  attr.link_create.prog_fd = static_cast<std::uint32_t>(program_fd);
  attr.link_create.target_fd = static_cast<std::uint32_t>(netns.get());
  attr.link_create.attach_type = BPF_SK_LOOKUP;
  const long fd = bpf(BPF_LINK_CREATE, attr);
  if (fd < 0) {
    const int error = errno;
    std::string detail = errno_text(error, "needs CAP_NET_ADMIN in the namespace's owner");
    if (error == EINVAL) {
      detail += " (attaching BPF_SK_LOOKUP to a network namespace needs Linux >= 5.9)";
    }
    return fail("bpf(2) BPF_LINK_CREATE BPF_SK_LOOKUP", detail);
  }
  return ScopedFd(static_cast<int>(fd));  // holds the namespace: netns may close now
}

// bpf_sk_assign only accepts an unconnected UDP socket of a compatible family; a socket of
// another kind would be stored in the SOCKMAP yet silently never chosen, so refuse it here.
Result<void> check_worker_socket(int fd, std::size_t index) {
  const std::string which = "worker socket " + std::to_string(index);
  const auto option = [fd](int name) {
    int value = -1;
    socklen_t length = sizeof value;
    return ::getsockopt(fd, SOL_SOCKET, name, &value, &length) == 0 ? value : -1;
  };
  if (option(SO_DOMAIN) != AF_INET || option(SO_TYPE) != SOCK_DGRAM ||
      option(SO_PROTOCOL) != IPPROTO_UDP) {
    return fail("PortSteering worker socket", which + " is not an AF_INET UDP socket");
  }
  sockaddr_in address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
      address.sin_port == 0) {
    return fail("PortSteering worker socket", which + " is not bound (SOCKMAP needs it hashed)");
  }
  length = sizeof address;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    return fail("PortSteering worker socket",
                which + " is connected (sk_assign takes only unconnected UDP sockets)");
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<PortSteering>> PortSteering::attach(const IpAddress& local,
                                                           std::uint16_t port_min,
                                                           std::uint16_t port_max,
                                                           std::span<const int> worker_sockets) {
  if (!local.is_v4() || local.is_unspecified()) {
    return fail("PortSteering local address", local.to_string() + " is not an IPv4 address");
  }
  if (port_min == 0 || port_min > port_max) {
    return fail("PortSteering port range",
                std::to_string(port_min) + "-" + std::to_string(port_max) + " is empty");
  }
  if (worker_sockets.empty()) {
    return fail("PortSteering worker socket", "no worker sockets");
  }
  for (std::size_t i = 0; i < worker_sockets.size(); ++i) {
    if (auto ok = check_worker_socket(worker_sockets[i], i); !ok) {
      return tl::unexpected(ok.error());
    }
  }
  const auto workers = static_cast<std::uint32_t>(worker_sockets.size());
  auto ports = create_map(BPF_MAP_TYPE_ARRAY, sizeof(std::uint32_t),
                          static_cast<std::uint32_t>(port_max - port_min) + 1, "tipring_ports",
                          "BPF_MAP_TYPE_ARRAY");
  if (!ports) {
    return tl::unexpected(ports.error());
  }
  auto sockets = create_map(BPF_MAP_TYPE_SOCKMAP, sizeof(std::uint64_t), workers, "tipring_socks",
                            "BPF_MAP_TYPE_SOCKMAP: CONFIG_BPF_STREAM_PARSER");
  if (!sockets) {
    return tl::unexpected(sockets.error());
  }
  for (std::uint32_t i = 0; i < workers; ++i) {
    const auto fd = static_cast<std::uint64_t>(worker_sockets[i]);
    if (auto ok = update_element(sockets->get(), i, &fd); !ok) {
      return fail("PortSteering SOCKMAP insert",
                  "worker socket " + std::to_string(i) + ": " + ok.error().detail +
                      " (UDP sockets in a SOCKMAP need Linux >= 5.7)");
    }
  }
  std::uint32_t local_ip4 = 0;
  std::memcpy(&local_ip4, local.bytes().data() + 12, sizeof local_ip4);
  auto program =
      load_program(steering_program(local_ip4, port_min, port_max, ports->get(), sockets->get()));
  if (!program) {
    return tl::unexpected(program.error());
  }
  auto link = attach_to_namespace(program->get());
  if (!link) {
    return tl::unexpected(link.error());
  }
  std::unique_ptr<PortSteering> steering(new PortSteering());
  steering->ports_map_fd_ = ports->release();
  steering->sockets_map_fd_ = sockets->release();
  steering->program_fd_ = program->release();
  steering->link_fd_ = link->release();
  steering->port_min_ = port_min;
  steering->port_max_ = port_max;
  steering->worker_count_ = workers;
  return steering;
}

PortSteering::~PortSteering() {
  // The link first: from here on the namespace's lookups no longer run the program.
  for (const int fd : {link_fd_, program_fd_, sockets_map_fd_, ports_map_fd_}) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
}

Result<void> PortSteering::steer(std::uint16_t port, unsigned worker) {
  if (port < port_min_ || port > port_max_) {
    return fail("PortSteering::steer", "port " + std::to_string(port) + " is outside " +
                                           std::to_string(port_min_) + "-" +
                                           std::to_string(port_max_));
  }
  if (worker >= worker_count_) {
    return fail("PortSteering::steer", "worker " + std::to_string(worker) + " of " +
                                           std::to_string(worker_count_) + " does not exist");
  }
  const std::uint32_t value = worker + 1;
  return update_element(ports_map_fd_, port - port_min_, &value);
}

void PortSteering::unsteer(std::uint16_t port) {
  if (port < port_min_ || port > port_max_) {
    return;
  }
  const std::uint32_t value = 0;
  // An ARRAY element always exists, so this update cannot fail for a valid key.
  (void)update_element(ports_map_fd_, port - port_min_, &value);
}

}  // namespace tipring::relay

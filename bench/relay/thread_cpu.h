// CPU time of the threads that do a relay's work, so the benchmark can state packets per
// second per core: forwarded packets divided by the CPU seconds the relay's own threads
// consumed (user + system, from the scheduler's /proc/<pid>/task/<tid>/schedstat, in ns).
// The load generator's CPU is never counted against a relay.
#pragma once

#include <cstddef>
#include <cstdint>

#include <sys/types.h>

namespace tipring::bench {

// Nanoseconds task `tid` of process `pid` has run on a CPU; 0 when it is gone.
std::int64_t task_cpu_ns(pid_t pid, pid_t tid);
// The sum over every thread of process `pid` that is alive now.
std::int64_t process_cpu_ns(pid_t pid);
// How many threads process `pid` has now.
std::size_t process_threads(pid_t pid);
// CPU time of the kernel's softirq threads (ksoftirqd/N): network receive work the kernel
// deferred there runs outside every relay's own threads, so the benchmark reports it.
std::int64_t softirq_threads_cpu_ns();
// The calling thread's kernel thread id.
pid_t current_tid();

}  // namespace tipring::bench

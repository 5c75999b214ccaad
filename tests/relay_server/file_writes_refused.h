// FileWritesRefused: while it lives, the kernel refuses every write to a regular file by
// this process (RLIMIT_FSIZE = 0: write() fails with EFBIG; SIGXFSZ is ignored so the
// failure is an error, not a signal). It makes a SQLite COMMIT fail for real — in WAL mode
// COMMIT is where the transaction's pages are written (appended to the -wal file), while
// BEGIN IMMEDIATE only takes locks and a small batch's INSERTs stay in the page cache — the
// same path a full disk (ENOSPC, SQLITE_FULL) or a failing one (EIO) takes; SQLite reports
// SQLITE_IOERR_WRITE, "disk I/O error", and rolls the transaction back.
// Keep its scope to the store calls under test: gtest's own output to a file would fail too.
#pragma once

#include <csignal>

#include <sys/resource.h>

namespace tipring::relay {

class FileWritesRefused {
public:
  FileWritesRefused() {
    ::getrlimit(RLIMIT_FSIZE, &saved_limit_);
    saved_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit none = saved_limit_;
    none.rlim_cur = 0;
    active_ = ::setrlimit(RLIMIT_FSIZE, &none) == 0;
  }
  FileWritesRefused(const FileWritesRefused&) = delete;
  FileWritesRefused& operator=(const FileWritesRefused&) = delete;
  ~FileWritesRefused() {
    ::setrlimit(RLIMIT_FSIZE, &saved_limit_);
    std::signal(SIGXFSZ, saved_handler_);
  }

  [[nodiscard]] bool active() const { return active_; }

private:
  rlimit saved_limit_{};
  void (*saved_handler_)(int) = nullptr;
  bool active_ = false;
};

}  // namespace tipring::relay

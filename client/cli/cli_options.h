// tipring-cli's command line: one table of options drives parsing, validation and --help.
// Parsing is separate from acting so that the rules (what combines with what, which values
// are valid) are tested without starting a phone.
#pragma once

#include "client/cli/password_source.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace tipring::client {

enum class Transport { Udp, Tcp, Tls };

struct CliOptions {
  QString account;       // AOR, "alice@example.org" or "sip:alice@example.org"
  QString auth_user;     // defaults to the AOR's user part
  QString display_name;  // shown to the people called (and on their caller-ID display)
  QString proxy;         // outbound proxy URI, e.g. "sip:198.18.0.10:5060"
  Transport transport = Transport::Udp;
  PasswordSource password;
  QString bind_address;  // local address for SIP and media sockets; empty = any
  int register_expiry_s = 600;
  int keepalive_s = 25;            // 0 = keepalives off
  bool keepalive_options = false;  // --keepalive-method options: OPTIONS instead of CRLF
  QStringList codecs{QStringLiteral("opus"), QStringLiteral("PCMU"), QStringLiteral("PCMA")};

  QString call_target;  // --call
  bool auto_answer = false;
  int reject_code = 0;  // --reject 486|603: refuse incoming calls with this code
  QString play_wav;     // microphone from this file (loops until hang-up)
  QString record_wav;   // what is heard goes into this file
  QString dtmf;         // digits sent after the call is answered
  int dtmf_delay_ms = 1000;
  int hangup_after_s = 0;  // 0 = stay in the call until the other side hangs up
  int stats_interval_s = 0;
  int max_calls = 0;  // exit after this many calls ended (0 = with --call: 1, else never)
  bool json = false;
  bool interactive = true;  // read commands from standard input
  QString ca_file;          // extra CA certificates for TLS

  // --line: the account's calls go through a simulated POTS line with the emulated analog
  // telephone on it (client/line/analog_line.h); --play/--record are then its handset.
  bool line = false;
  QString tone_plan = QStringLiteral("itu");    // us, uk, de, fr, jp, au, itu
  QString digit_map;                            // RFC 3435 digit map; empty: the line's default
  QString caller_id = QStringLiteral("gr30");   // gr30, gr30-sdmf, etsi, off
  QString handset = QStringLiteral("default");  // PortAudio device name, "default" or "null"
  QString usb_phone;  // empty: none; "auto": any USB telephone; else a hidraw node
};

struct CliParseResult {
  std::optional<CliOptions> options;
  QString error;      // usage error, for standard error, exit code 2
  QString help_text;  // non-empty when --help or --version was asked for, exit code 0
};

CliParseResult parse_cli(const QStringList& arguments);

// Exit codes documented in --help.
enum ExitCode : int {
  kExitOk = 0,            // everything asked for happened
  kExitCallFailed = 1,    // a call failed or ended abnormally
  kExitUsage = 2,         // bad command line
  kExitRegistration = 3,  // registration failed
  kExitBadFile = 4,       // line-analyze/line-generate: the WAV file is missing or unusable
};

}  // namespace tipring::client

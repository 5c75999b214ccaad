#include "client/cli/cli_options.h"

#include "client/line/analog_line.h"

#include <QCommandLineParser>
#include <QRegularExpression>

namespace tipring::client {
namespace {

constexpr const char* kDescription =
    "Tipring's client core without a GUI: registers a SIP account, keeps its NAT binding\n"
    "open, places and answers calls with WAV files as microphone and speaker.\n"
    "\n"
    "Interactive commands on standard input (one per line):\n"
    "  call <target>   answer   reject [486|603]   hangup   hold   resume\n"
    "  dtmf <digits>   mute   unmute   transfer <target>   quit\n"
    "\n"
    "With --json every event is one JSON object per line on standard output:\n"
    "  registered, registration-failed, incoming, ringing, answered, dtmf, stats, ended,\n"
    "  flow-renewed (a network change or a moved public address: registering again).\n"
    "registration-failed carries a reason for a person: \"wrong password\", \"server\n"
    "unreachable\", \"registration expired\", \"certificate not trusted\", ...\n"
    "\n"
    "With --line the account's calls go through a simulated POTS line (tip and ring) with\n"
    "an emulated analog telephone on it, whose handset is the computer's sound devices\n"
    "(--handset), WAV files (--play/--record) or nothing (--handset null), and optionally a\n"
    "USB telephone or headset (--usb-phone). The line gives dial tone, collects digits\n"
    "through the dial plan (--digit-map) and rings with caller ID. Commands then are:\n"
    "  offhook   onhook   dial <digits> (DTMF)   rotary <digits> (pulses)   flash\n"
    "  mute   unmute   quit\n"
    "and --json adds what the telephone sees: line (state), hook, ring (on, rings),\n"
    "caller-id (as its own FSK decoder read it), tone (call-progress tone in the\n"
    "earpiece), mute, usb-phone (attached, detached, unusable).\n"
    "\n"
    "Exit codes: 0 success, 1 a call failed, 2 bad command line, 3 registration failed.\n"
    "\n"
    "Line tools (each has its own --help):\n"
    "  tipring-cli line-analyze FILE.wav      DTMF, tones and caller ID in a recording, as JSON\n"
    "  tipring-cli line-generate -o FILE.wav STEP...   tones, DTMF and caller ID to a WAV";

struct IntOption {
  const char* name;
  int min;
  int max;
  int CliOptions::*field;
};

constexpr IntOption kIntOptions[] = {
    {"register-expiry", 60, 86400, &CliOptions::register_expiry_s},
    {"keepalive", 0, 3600, &CliOptions::keepalive_s},
    {"hangup-after", 0, 86400, &CliOptions::hangup_after_s},
    {"stats-interval", 0, 3600, &CliOptions::stats_interval_s},
    {"dtmf-delay", 0, 60000, &CliOptions::dtmf_delay_ms},
    {"max-calls", 0, 1000000, &CliOptions::max_calls},
};

void add_options(QCommandLineParser& parser) {
  parser.addOptions({
      {"account", "SIP address of the account, e.g. alice@example.org.", "aor"},
      {"auth-user", "Authentication user name (default: the address's user part).", "name"},
      {"display-name", "Name shown to the people called (caller ID shows 15 characters).", "name"},
      {"proxy", "Outbound proxy, e.g. sip:198.18.0.10:5060.", "uri"},
      {"transport",
       "udp (default), tcp or tls. TCP and TLS connect to the proxy (TLS: port 5061 unless the\n"
       "proxy names one) and verify its certificate against the system's CAs and --ca-file.",
       "transport", "udp"},
      {"password-file", "Read the password from the first line of this file.", "path"},
      {"password-env", "Read the password from this environment variable.", "name"},
      {"no-prompt", "Never prompt for a password on the terminal."},
      {"password-keychain",
       "Read the password from the OS keychain (stored there with\n"
       "`tipring-cli keychain set ACCOUNT`, which reads it from standard input)."},
      {"bind", "Local address for the SIP and media sockets.", "ip"},
      {"register-expiry", "Requested registration lifetime in seconds (default 600).", "s"},
      {"keepalive", "NAT keepalive interval in seconds; 0 turns keepalives off (default 25).", "s"},
      {"keepalive-method",
       "crlf (default: RFC 5626 pings, OPTIONS when the server does not answer them) or\n"
       "options (OPTIONS requests only).",
       "method", "crlf"},
      {"codecs", "Codec preference, comma separated (default opus,PCMU,PCMA).", "list"},
      {"call", "Call this target once registered (user, user@domain or a SIP URI).", "target"},
      {"auto-answer", "Answer incoming calls at once."},
      {"reject", "Reject incoming calls with 486 (busy) or 603 (decline).", "code"},
      {"play", "Use this WAV file as the microphone (looped).", "wav"},
      {"record", "Write what is heard to this WAV file.", "wav"},
      {"dtmf", "Send these DTMF digits (0-9 * # A-D) once the call is answered.", "digits"},
      {"dtmf-delay", "Wait this long after answer before sending --dtmf (default 1000).", "ms"},
      {"hangup-after", "Hang up this many seconds after the call is answered.", "s"},
      {"stats-interval", "Print call statistics every N seconds (0 = only at the end).", "s"},
      {"max-calls", "Exit after this many calls have ended (default: 1 with --call).", "n"},
      {"json", "Print one JSON object per event on standard output."},
      {"no-stdin", "Do not read interactive commands from standard input."},
      {"ca-file", "Additional CA certificates (PEM) to trust for TLS.", "path"},
      {"line", "Line mode: calls go through a simulated POTS line and an emulated telephone."},
      {"tone-plan",
       "--line: national call-progress tones and ring cadence: us, uk, de, fr, jp, au or itu\n"
       "(ITU-T E.180, the default).",
       "plan", "itu"},
      {"digit-map",
       "--line: dial plan as an RFC 3435 digit map, e.g. '(911|1xxx|[2-9]x.T)' (default:\n"
       "North American numbering, anything else after the T timer).",
       "map"},
      {"caller-id",
       "--line: caller-ID standard: gr30 (Bell 202 MDMF, default), gr30-sdmf, etsi (V.23\n"
       "MDMF) or off.",
       "standard", "gr30"},
      {"handset",
       "--line: the telephone handset's audio device: default (the system's), a PortAudio\n"
       "device name, or null (silence). --play/--record replace it with WAV files.",
       "device", "default"},
      {"usb-phone",
       "--line: attach a USB telephone or headset (HID Telephony page): auto (any, present\n"
       "now or plugged in later) or a hidraw node such as /dev/hidraw3. Its hook switch,\n"
       "flash, mute and keypad work the line; its LEDs follow it; its own sound card\n"
       "becomes the handset.",
       "auto|path"},
  });
}

std::optional<Transport> parse_transport(const QString& text) {
  const QString t = text.toLower();
  if (t == QLatin1String("udp"))
    return Transport::Udp;
  if (t == QLatin1String("tcp"))
    return Transport::Tcp;
  if (t == QLatin1String("tls"))
    return Transport::Tls;
  return std::nullopt;
}

bool valid_dtmf(const QString& digits) {
  static const QRegularExpression kDigits(QStringLiteral("^[0-9*#A-Da-d]+$"));
  return kDigits.match(digits).hasMatch();
}

// The --line options: only with --line, and the call options that a telephone replaces
// (its keypad and hook switch) not with it.
QString parse_line_options(const QCommandLineParser& parser, CliOptions& o) {
  o.line = parser.isSet("line");
  static const char* const kLineOnly[] = {"tone-plan", "digit-map", "caller-id", "handset",
                                          "usb-phone"};
  static const char* const kNotWithLine[] = {"call", "auto-answer", "reject", "dtmf",
                                             "hangup-after"};
  for (const char* name : kLineOnly) {
    if (!o.line && parser.isSet(name)) {
      return QStringLiteral("--%1 only applies with --line").arg(QLatin1String(name));
    }
  }
  for (const char* name : kNotWithLine) {
    if (o.line && parser.isSet(name)) {
      return QStringLiteral(
                 "--%1 does not apply with --line (the telephone dials and answers: "
                 "use the offhook and dial commands)")
          .arg(QLatin1String(name));
    }
  }
  o.tone_plan = parser.value("tone-plan").toLower();
  o.digit_map = parser.value("digit-map");
  o.caller_id = parser.value("caller-id").toLower();
  o.handset = parser.value("handset");
  o.usb_phone = parser.value("usb-phone");
  if (o.line) {
    const auto settings = analog_line_settings(o.tone_plan.toStdString(), o.digit_map.toStdString(),
                                               o.caller_id.toStdString());
    if (!settings) {
      return QString::fromStdString(settings.error().describe());
    }
  }
  return {};
}

}  // namespace

CliParseResult parse_cli(const QStringList& arguments) {
  QCommandLineParser parser;
  parser.setApplicationDescription(QString::fromLatin1(kDescription));
  const QCommandLineOption help = parser.addHelpOption();
  const QCommandLineOption version = parser.addVersionOption();
  add_options(parser);
  if (!parser.parse(arguments)) {
    return {std::nullopt, parser.errorText(), {}};
  }
  if (parser.isSet(help)) {
    return {std::nullopt, {}, parser.helpText()};
  }
  if (parser.isSet(version)) {
    return {std::nullopt, {}, QStringLiteral("tipring-cli %1").arg(TIPRING_VERSION)};
  }
  if (!parser.positionalArguments().isEmpty()) {
    return {std::nullopt,
            QStringLiteral("unexpected argument '%1' (a password is never taken from the command "
                           "line; see --password-file)")
                .arg(parser.positionalArguments().first()),
            {}};
  }

  CliOptions o;
  o.account = parser.value("account");
  if (o.account.isEmpty()) {
    return {std::nullopt, QStringLiteral("--account is required"), {}};
  }
  o.auth_user = parser.value("auth-user");
  o.display_name = parser.value("display-name");
  o.proxy = parser.value("proxy");
  const auto transport = parse_transport(parser.value("transport"));
  if (!transport) {
    return {std::nullopt,
            QStringLiteral("--transport must be udp, tcp or tls, not '%1'")
                .arg(parser.value("transport")),
            {}};
  }
  o.transport = *transport;
  o.password.file = parser.value("password-file");
  o.password.env_variable = parser.value("password-env");
  o.password.allow_prompt = !parser.isSet("no-prompt");
  o.password.keychain = parser.isSet("password-keychain");
  o.bind_address = parser.value("bind");
  const QString keepalive_method = parser.value("keepalive-method").toLower();
  if (keepalive_method != QLatin1String("crlf") && keepalive_method != QLatin1String("options")) {
    return {std::nullopt,
            QStringLiteral("--keepalive-method must be crlf or options, not '%1'")
                .arg(parser.value("keepalive-method")),
            {}};
  }
  o.keepalive_options = keepalive_method == QLatin1String("options");
  for (const IntOption& opt : kIntOptions) {
    if (!parser.isSet(opt.name))
      continue;
    bool ok = false;
    const int value = parser.value(opt.name).toInt(&ok);
    if (!ok || value < opt.min || value > opt.max) {
      return {std::nullopt,
              QStringLiteral("--%1 must be a whole number from %2 to %3, not '%4'")
                  .arg(QLatin1String(opt.name))
                  .arg(opt.min)
                  .arg(opt.max)
                  .arg(parser.value(opt.name)),
              {}};
    }
    o.*(opt.field) = value;
  }
  if (parser.isSet("codecs")) {
    o.codecs = parser.value("codecs").split(',', Qt::SkipEmptyParts);
    for (const QString& c : o.codecs) {
      const QString l = c.toLower();
      if (l != QLatin1String("opus") && l != QLatin1String("pcmu") && l != QLatin1String("pcma")) {
        return {std::nullopt, QStringLiteral("unknown codec '%1' in --codecs").arg(c), {}};
      }
    }
  }
  o.call_target = parser.value("call");
  o.auto_answer = parser.isSet("auto-answer");
  if (parser.isSet("reject")) {
    o.reject_code = parser.value("reject").toInt();
    if (o.reject_code != 486 && o.reject_code != 603) {
      return {std::nullopt, QStringLiteral("--reject takes 486 or 603"), {}};
    }
    if (o.auto_answer) {
      return {std::nullopt, QStringLiteral("--reject and --auto-answer exclude each other"), {}};
    }
  }
  o.play_wav = parser.value("play");
  o.record_wav = parser.value("record");
  o.dtmf = parser.value("dtmf");
  if (!o.dtmf.isEmpty() && !valid_dtmf(o.dtmf)) {
    return {std::nullopt, QStringLiteral("--dtmf takes only 0-9 * # A-D"), {}};
  }
  if (o.max_calls == 0 && !o.call_target.isEmpty()) {
    o.max_calls = 1;
  }
  o.json = parser.isSet("json");
  o.interactive = !parser.isSet("no-stdin");
  o.ca_file = parser.value("ca-file");
  if (!o.ca_file.isEmpty() && o.transport != Transport::Tls) {
    return {std::nullopt, QStringLiteral("--ca-file only applies with --transport tls"), {}};
  }
  if (auto error = parse_line_options(parser, o); !error.isEmpty()) {
    return {std::nullopt, error, {}};
  }
  return {o, {}, {}};
}

}  // namespace tipring::client

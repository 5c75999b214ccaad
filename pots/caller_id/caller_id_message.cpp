#include "pots/caller_id/caller_id_message.h"

#include <cctype>
#include <cstdlib>
#include <string_view>

namespace tipring::pots {
namespace {

constexpr std::string_view kSdmfRule = "GR-30-CORE SDMF";
constexpr std::string_view kMdmfRule = "GR-30-CORE MDMF";
constexpr std::string_view kMessageRule = "GR-30-CORE message";

std::string date_time_digits(const CallerIdDateTime& t) {
  std::string text;
  for (int value : {t.month, t.day, t.hour, t.minute}) {
    const int v = std::abs(value) % 100;
    text += static_cast<char>('0' + v / 10);
    text += static_cast<char>('0' + v % 10);
  }
  return text;
}

Result<CallerIdDateTime> parse_date_time(std::string_view digits, std::string_view rule) {
  if (digits.size() != 8) {
    return fail(rule, "date/time is " + std::to_string(digits.size()) + " bytes, not 8");
  }
  for (char c : digits) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) {
      return fail(rule, "date/time '" + std::string(digits) + "' is not 8 digits");
    }
  }
  auto two = [&](std::size_t at) { return (digits[at] - '0') * 10 + (digits[at + 1] - '0'); };
  CallerIdDateTime t{two(0), two(2), two(4), two(6)};
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 || t.hour > 23 || t.minute > 59) {
    return fail(rule, "date/time '" + std::string(digits) + "' is out of range");
  }
  return t;
}

Result<Absence> parse_absence(std::string_view value, std::string_view rule) {
  if (value == "O") {
    return Absence::kUnavailable;
  }
  if (value == "P") {
    return Absence::kPrivate;
  }
  return fail(rule, "absence reason '" + std::string(value) + "' is neither 'O' nor 'P'");
}

void add_parameter(std::vector<std::uint8_t>& body, std::uint8_t type, std::string_view value) {
  body.push_back(type);
  body.push_back(static_cast<std::uint8_t>(value.size()));
  body.insert(body.end(), value.begin(), value.end());
}

std::vector<std::uint8_t> frame(std::uint8_t type, const std::vector<std::uint8_t>& body) {
  std::vector<std::uint8_t> message;
  message.reserve(body.size() + 3);
  message.push_back(type);
  message.push_back(static_cast<std::uint8_t>(body.size()));
  message.insert(message.end(), body.begin(), body.end());
  message.push_back(caller_id_checksum(message));
  return message;
}

Result<CallerId> decode_sdmf(std::string_view body) {
  CallerId id;
  auto when = parse_date_time(body.substr(0, 8), kSdmfRule);
  if (!when) {
    return tl::unexpected(when.error());
  }
  id.when = *when;
  const auto number = body.substr(8);
  if (number == "O" || number == "P") {
    id.number_absent = number == "O" ? Absence::kUnavailable : Absence::kPrivate;
  } else {
    id.number = std::string(number);
  }
  return id;
}

Result<CallerId> decode_mdmf(std::string_view body) {
  CallerId id;
  std::size_t at = 0;
  while (at < body.size()) {
    if (at + 2 > body.size()) {
      return fail(kMdmfRule, "parameter header cut short at byte " + std::to_string(at));
    }
    const auto type = static_cast<std::uint8_t>(body[at]);
    const auto length = static_cast<std::uint8_t>(body[at + 1]);
    if (at + 2 + length > body.size()) {
      return fail(kMdmfRule, "parameter 0x" + std::to_string(type) + " runs past the message");
    }
    const auto value = body.substr(at + 2, length);
    at += 2 + length;
    switch (type) {
      case kParamDateTime: {
        auto when = parse_date_time(value, kMdmfRule);
        if (!when) {
          return tl::unexpected(when.error());
        }
        id.when = *when;
        break;
      }
      case kParamNumber:
        id.number = std::string(value);
        break;
      case kParamName:
        id.name = std::string(value);
        break;
      case kParamNumberAbsent:
      case kParamNameAbsent: {
        auto absence = parse_absence(value, kMdmfRule);
        if (!absence) {
          return tl::unexpected(absence.error());
        }
        (type == kParamNumberAbsent ? id.number_absent : id.name_absent) = *absence;
        break;
      }
      default:
        break;  // parameters we do not show (redirection, call type...) are skipped
    }
  }
  return id;
}

}  // namespace

std::uint8_t caller_id_checksum(std::span<const std::uint8_t> bytes) {
  unsigned sum = 0;
  for (auto b : bytes) {
    sum += b;
  }
  return static_cast<std::uint8_t>((0x100U - (sum & 0xFFU)) & 0xFFU);
}

std::vector<std::uint8_t> encode_caller_id(const CallerId& id, CallerIdFormat format) {
  std::vector<std::uint8_t> body;
  const CallerIdDateTime when = id.when.value_or(CallerIdDateTime{});
  if (format == CallerIdFormat::kSdmf) {
    const auto digits = date_time_digits(when);
    body.insert(body.end(), digits.begin(), digits.end());
    if (id.number_absent) {
      body.push_back(static_cast<std::uint8_t>(*id.number_absent));
    } else {
      body.insert(body.end(), id.number.begin(), id.number.end());
    }
    return frame(kSdmfCallerId, body);
  }
  if (id.when) {
    add_parameter(body, kParamDateTime, date_time_digits(*id.when));
  }
  if (id.number_absent) {
    add_parameter(body, kParamNumberAbsent, std::string(1, static_cast<char>(*id.number_absent)));
  } else if (!id.number.empty()) {
    add_parameter(body, kParamNumber, id.number);
  }
  if (id.name_absent) {
    add_parameter(body, kParamNameAbsent, std::string(1, static_cast<char>(*id.name_absent)));
  } else if (!id.name.empty()) {
    add_parameter(body, kParamName, id.name);
  }
  return frame(kMdmfCallerId, body);
}

Result<CallerId> decode_caller_id(std::span<const std::uint8_t> message) {
  if (message.size() < 3) {
    return fail(kMessageRule, "shorter than type, length and checksum");
  }
  const std::size_t length = message[1];
  if (message.size() != length + 3) {
    return fail(kMessageRule, "length byte says " + std::to_string(length) + " but " +
                                  std::to_string(message.size() - 3) + " body bytes arrived");
  }
  if (caller_id_checksum(message.first(message.size() - 1)) != message.back()) {
    return fail(kMessageRule, "checksum mismatch");
  }
  const std::string_view body(reinterpret_cast<const char*>(message.data() + 2), length);
  switch (message[0]) {
    case kSdmfCallerId:
      return decode_sdmf(body);
    case kMdmfCallerId:
      return decode_mdmf(body);
    default:
      return fail(kMessageRule, "message type " + std::to_string(message[0]) +
                                    " is not caller ID (0x04 or 0x80)");
  }
}

}  // namespace tipring::pots

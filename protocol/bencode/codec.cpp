#include "protocol/bencode/codec.h"

#include <charconv>
#include <limits>

namespace tipring::bencode {
namespace {

constexpr std::string_view kRuleInteger = "BEP 3 bencode integer";
constexpr std::string_view kRuleString = "BEP 3 bencode byte string";
constexpr std::string_view kRuleList = "BEP 3 bencode list";
constexpr std::string_view kRuleDict = "BEP 3 bencode dictionary";
constexpr std::string_view kRuleValue = "BEP 3 bencode value";
constexpr std::string_view kRuleLimits = "bencode decode limits";

void encode_integer(std::int64_t i, std::string& out) {
  out.push_back('i');
  out.append(std::to_string(i));
  out.push_back('e');
}

void encode_string(std::string_view s, std::string& out) {
  out.append(std::to_string(s.size()));
  out.push_back(':');
  out.append(s);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string offset_text(std::size_t pos) {
  return "at byte " + std::to_string(pos);
}

// Recursive descent over the input with an explicit depth bound.
class Decoder {
public:
  Decoder(std::string_view input, const DecodeLimits& limits) : in_(input), limits_(limits) {}

  Result<Value> value(std::size_t depth) {
    if (++values_ > limits_.max_values) {
      return fail(kRuleLimits, "more than " + std::to_string(limits_.max_values) + " values");
    }
    if (pos_ >= in_.size()) {
      return fail(kRuleValue, "input ends where a value should start");
    }
    const char c = in_[pos_];
    if (c == 'i') {
      return integer();
    }
    if (is_digit(c)) {
      return string();
    }
    if (c == 'l' || c == 'd') {
      if (depth >= limits_.max_depth) {
        return fail(kRuleLimits, "nesting deeper than " + std::to_string(limits_.max_depth));
      }
      if (c == 'l') {
        return list(depth + 1);
      }
      return dict(depth + 1);
    }
    return fail(kRuleValue, "unexpected byte '" + std::string(1, c) + "' " + offset_text(pos_));
  }

  [[nodiscard]] std::size_t position() const { return pos_; }

private:
  // Digits of an integer or a length up to the terminator; leading zeros are forbidden
  // so every value has exactly one encoding.
  Result<std::int64_t> number(char terminator, std::string_view rule, bool allow_negative) {
    const std::size_t start = pos_;
    const std::size_t end = in_.find(terminator, pos_);
    if (end == std::string_view::npos) {
      return fail(rule, std::string("unterminated, no '") + terminator + "' " + offset_text(start));
    }
    std::string_view text = in_.substr(start, end - start);
    const bool negative = !text.empty() && text.front() == '-';
    if (negative && !allow_negative) {
      return fail(rule, "negative length " + offset_text(start));
    }
    std::string_view digits = negative ? text.substr(1) : text;
    if (digits.empty()) {
      return fail(rule, "no digits " + offset_text(start));
    }
    for (char d : digits) {
      if (!is_digit(d)) {
        return fail(rule, "non-digit in number " + offset_text(start));
      }
    }
    if (digits.size() > 1 && digits.front() == '0') {
      return fail(rule, "leading zero " + offset_text(start));
    }
    if (negative && digits == "0") {
      return fail(rule, "negative zero " + offset_text(start));
    }
    std::int64_t n = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || ptr != text.data() + text.size()) {
      return fail(rule, "out of 64-bit range " + offset_text(start));
    }
    pos_ = end + 1;
    return n;
  }

  Result<Value> integer() {
    ++pos_;  // 'i'
    auto n = number('e', kRuleInteger, true);
    if (!n) {
      return tl::unexpected(n.error());
    }
    return Value(*n);
  }

  Result<Value> string() {
    auto s = raw_string();
    if (!s) {
      return tl::unexpected(s.error());
    }
    return Value(*s);
  }

  Result<std::string_view> raw_string() {
    const std::size_t start = pos_;
    auto length = number(':', kRuleString, false);
    if (!length) {
      return tl::unexpected(length.error());
    }
    const auto n = static_cast<std::uint64_t>(*length);
    if (n > in_.size() - pos_) {
      return fail(kRuleString,
                  "length " + std::to_string(n) + " runs past the input " + offset_text(start));
    }
    std::string_view s = in_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return s;
  }

  Result<Value> list(std::size_t depth) {
    ++pos_;  // 'l'
    List items;
    while (true) {
      if (pos_ >= in_.size()) {
        return fail(kRuleList, "unterminated list");
      }
      if (in_[pos_] == 'e') {
        ++pos_;
        return Value(std::move(items));
      }
      auto item = value(depth);
      if (!item) {
        return item;
      }
      items.push_back(std::move(*item));
    }
  }

  Result<Value> dict(std::size_t depth) {
    ++pos_;  // 'd'
    Dict entries;
    while (true) {
      if (pos_ >= in_.size()) {
        return fail(kRuleDict, "unterminated dictionary");
      }
      if (in_[pos_] == 'e') {
        ++pos_;
        return Value(std::move(entries));
      }
      if (!is_digit(in_[pos_])) {
        return fail(kRuleDict, "key is not a byte string " + offset_text(pos_));
      }
      const std::size_t key_pos = pos_;
      auto key = raw_string();
      if (!key) {
        return tl::unexpected(key.error());
      }
      if (entries.find(*key) != nullptr) {
        return fail(kRuleDict, "duplicate key '" + std::string(*key) + "' " + offset_text(key_pos));
      }
      auto item = value(depth);
      if (!item) {
        return item;
      }
      entries.set(std::string(*key), std::move(*item));
    }
  }

  std::string_view in_;
  const DecodeLimits& limits_;
  std::size_t pos_ = 0;
  std::size_t values_ = 0;
};

}  // namespace

void encode_to(const Value& value, std::string& out) {
  if (const auto* i = value.integer()) {
    encode_integer(*i, out);
  } else if (const auto* s = value.string()) {
    encode_string(*s, out);
  } else if (const auto* l = value.list()) {
    out.push_back('l');
    for (const auto& item : *l) {
      encode_to(item, out);
    }
    out.push_back('e');
  } else if (const auto* d = value.dict()) {
    encode_to(*d, out);
  }
}

void encode_to(const Dict& dict, std::string& out) {
  out.push_back('d');
  for (const auto& e : dict.entries()) {  // already in key order
    encode_string(e.key, out);
    encode_to(e.value, out);
  }
  out.push_back('e');
}

std::string encode(const Value& value) {
  std::string out;
  encode_to(value, out);
  return out;
}

Result<Value> decode(std::string_view input, const DecodeLimits& limits) {
  if (input.size() > limits.max_input_bytes) {
    return fail(kRuleLimits, "input of " + std::to_string(input.size()) + " bytes exceeds " +
                                 std::to_string(limits.max_input_bytes));
  }
  Decoder decoder(input, limits);
  auto v = decoder.value(0);
  if (!v) {
    return v;
  }
  if (decoder.position() != input.size()) {
    return fail(kRuleValue, std::to_string(input.size() - decoder.position()) +
                                " trailing bytes after the value");
  }
  return v;
}

}  // namespace tipring::bencode

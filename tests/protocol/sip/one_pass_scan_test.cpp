// The parser's one-pass shortcuts (views::scan_host with SSE2, scan_common_sip_uri,
// scan_common_name_addr, scan_common_via) against the full grammar: every text a shortcut accepts
// must be accepted by the full grammar with the same views, and every other text must fall through
// to it. Checked over seeds and all their one-octet mutations (deletions, insertions and
// replacements with the octets that matter to the grammar).
#include "protocol/sip/syntax.h"
#include "protocol/sip/views.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace tipring::sip::views {
namespace {

// Octets that change the meaning of a URI or name-addr, plus ordinary ones.
constexpr std::string_view kInteresting = "@:;?=%>.-_ <\"a1Z,&[]\\/+\t\x80";

std::vector<std::string> one_octet_mutations(std::string_view seed) {
  std::vector<std::string> out;
  out.emplace_back(seed);
  for (std::size_t i = 0; i <= seed.size(); ++i) {
    if (i < seed.size()) {
      out.push_back(std::string(seed.substr(0, i)) + std::string(seed.substr(i + 1)));
    }
    for (char c : kInteresting) {
      std::string inserted(seed);
      inserted.insert(inserted.begin() + static_cast<std::ptrdiff_t>(i), c);
      out.push_back(std::move(inserted));
      if (i < seed.size()) {
        std::string replaced(seed);
        replaced[i] = c;
        out.push_back(std::move(replaced));
      }
    }
  }
  return out;
}

// The same text at the same place: views must point into the parsed text identically.
void expect_same_view(std::string_view fast, std::string_view full, std::string_view text,
                      const char* what) {
  EXPECT_EQ(fast, full) << what << " of '" << text << "'";
  if (!fast.empty() && !full.empty()) {
    EXPECT_EQ(fast.data(), full.data()) << what << " of '" << text << "'";
  }
}

void expect_same_uri(const UriView& fast, const UriView& full, std::string_view text) {
  EXPECT_EQ(fast.scheme, full.scheme) << text;
  expect_same_view(fast.scheme_text, full.scheme_text, text, "scheme");
  expect_same_view(fast.user, full.user, text, "user");
  expect_same_view(fast.password, full.password, text, "password");
  EXPECT_EQ(fast.has_password, full.has_password) << text;
  expect_same_view(fast.host, full.host, text, "host");
  EXPECT_EQ(fast.port, full.port) << text;
  expect_same_view(fast.params, full.params, text, "params");
  expect_same_view(fast.headers, full.headers, text, "headers");
  expect_same_view(fast.opaque, full.opaque, text, "opaque");
}

// hostname / IPv4address of RFC 3261 §25.1, written label by label for the comparison.
bool reference_valid_host(std::string_view h) {
  if (h.empty()) {
    return false;
  }
  // hostname = *( domainlabel "." ) toplabel [ "." ]: the trailing "." is a hostname's only.
  const bool trailing_dot = h.back() == '.';
  if (trailing_dot) {
    h.remove_suffix(1);
  }
  std::vector<std::string_view> labels;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = h.find('.', start);
    labels.push_back(h.substr(start, dot == std::string_view::npos ? h.npos : dot - start));
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  for (std::string_view label : labels) {
    if (label.empty() || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!syntax::is_alnum(c) && c != '-') {
        return false;
      }
    }
  }
  std::string_view top = labels.back();
  if (syntax::is_alpha(top.front())) {
    return true;
  }
  // IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT, each at most 255.
  if (trailing_dot || labels.size() != 4) {
    return false;
  }
  for (std::string_view label : labels) {
    if (label.size() > 3 || label.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoi(std::string(label)) > 255) {
      return false;
    }
  }
  return true;
}

TEST(OnePassScan, HostScanMatchesTheHostGrammarAtEveryLengthAndBlockBoundary) {
  // Hosts from 0 to 90 octets (the SSE2 scan takes sixteen at a time and hands runs of 64
  // or more to the scalar scan), built from a few label shapes, each followed by nothing or
  // by a delimiter.
  constexpr std::string_view kPieces[] = {"a", "b1", "-", ".", "9", "25", "256", "x-y", "Q"};
  std::uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1103515245U + 12345U;
    return (state >> 16) & 0x7FFFU;
  };
  std::size_t checked = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string host;
    const std::size_t target = next() % 91;
    while (host.size() < target) {
      host.append(kPieces[next() % std::size(kPieces)]);
    }
    if (round % 3 == 0) {
      host = "192.0.2." + std::to_string(next() % 300);
    }
    for (std::string_view after : {"", ":", ">", ";x", "_", "\x80"}) {
      std::string text = host + std::string(after);
      HostScan scanned = scan_host(text);
      ASSERT_EQ(scanned.length, host.size()) << text;
      EXPECT_EQ(scanned.valid, reference_valid_host(host)) << text;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 24000U);
}

// quoted_string skips plain qdtext sixteen octets at a time: every octet that ends or
// breaks the run must be seen wherever it falls relative to those blocks.
TEST(OnePassScan, QuotedStringSeesEverySpecialOctetAtEveryOffset) {
  struct Case {
    std::string_view octets;  // placed at the offset
    bool valid;
  };
  const Case kCases[] = {
      {"\\\"", true},      // quoted-pair: an escaped quote does not end it
      {"\\\\", true},      // an escaped backslash
      {"\t", true},        // HTAB is qdtext
      {"\xC3\xA9", true},  // UTF8-NONASCII
      {"\r\n ", true},     // a fold
      {"\r", false},       // a bare CR
      {"\n", false},       // a bare LF
      {"\x01", false},     // a control
      {"\x7F", false},     // DEL
  };
  for (const Case& c : kCases) {
    for (std::size_t offset = 0; offset < 40; ++offset) {
      const std::string quoted = "\"" + std::string(offset, 'x') + std::string(c.octets) +
                                 std::string(offset % 7, 'y') + "\"";
      const std::string text = quoted + ";tag=after-the-quoted-string";
      syntax::Scanner s{text, 0};
      auto r = syntax::quoted_string(s, "test");
      ASSERT_EQ(r.has_value(), c.valid) << offset << ": " << text;
      if (c.valid) {
        EXPECT_EQ(*r, quoted) << offset;
        EXPECT_EQ(s.pos, quoted.size()) << offset;
      }
    }
  }
}

TEST(OnePassScan, CommonSipUriAgreesWithTheFullGrammar) {
  constexpr std::string_view kSeeds[] = {
      "sip:bob@biloxi.example.com",
      "sip:alice@192.0.2.10:5060;transport=udp",
      "SIPS:proxy.example.com;lr",
      "sip:registrar.example.com:5061",
      "sip:%61lice@atlanta.example.com;maddr=239.255.255.1;ttl=15",
      "sip:alice;day=tue@atlanta.example.com",
      "sip:alice:secret@atlanta.example.com",
      "sip:+1-212-555-1212:1234@gateway.com;user=phone",
      "sip:alice@atlanta.example.com?subject=project",
      "sip:[2001:db8::10]:5060",
      "tel:+1-201-555-0123",
      "sip:example.com.:05060;a%41=b%42",
  };
  std::size_t accepted = 0;
  for (std::string_view seed : kSeeds) {
    for (const std::string& text : one_octet_mutations(seed)) {
      for (UriContext context : {UriContext::RequestUri, UriContext::Bracketed}) {
        UriView fast;
        if (scan_common_sip_uri(text, fast) != text.size()) {
          continue;
        }
        ++accepted;
        UriView full;
        auto r = parse_uri_full(text, context, full);
        ASSERT_TRUE(r) << text << ": " << r.error().describe();
        expect_same_uri(fast, full, text);
      }
    }
  }
  EXPECT_GT(accepted, 500U);
}

TEST(OnePassScan, CommonNameAddrAgreesWithTheFullGrammar) {
  constexpr std::string_view kSeeds[] = {
      "\"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774",
      "Bob <sip:bob@biloxi.example.com>",
      "<sip:alice@192.0.2.10:5060;transport=udp>;+sip.instance=\"<urn:uuid:0-1>\";reg-id=1",
      "<sip:proxy.example.com;lr>,<sip:p2.example.com;lr>",
      "The  Operator<sip:op@example.com>;TAG=x;tag=y",
      "sip:alice@atlanta.example.com;tag=88",
      "<sip:alice@atlanta.example.com> ;tag=1",
      "\"A \\\"q\\\"\" <sips:a@b.example.com;maddr=x>;expires=60;q=0.5",
      "<tel:+1-201-555-0123>;tag=t",
      "<sip:alice@example.com>;received=192.0.2.1:5060",
  };
  std::size_t accepted = 0;
  for (std::string_view seed : kSeeds) {
    for (const std::string& text : one_octet_mutations(seed)) {
      syntax::Scanner fast_scanner{text, 0};
      NameAddrView fast;
      if (!scan_common_name_addr(fast_scanner, fast)) {
        EXPECT_EQ(fast_scanner.pos, 0U) << text;
        continue;
      }
      ++accepted;
      syntax::Scanner full_scanner{text, 0};
      auto full = parse_name_addr_full(full_scanner, "test");
      ASSERT_TRUE(full) << text << ": " << full.error().describe();
      EXPECT_EQ(fast_scanner.pos, full_scanner.pos) << text;
      expect_same_view(fast.display_name, full->display_name, text, "display-name");
      EXPECT_EQ(fast.bracketed, full->bracketed) << text;
      expect_same_view(fast.uri_text, full->uri_text, text, "uri");
      expect_same_uri(fast.uri, full->uri, text);
      expect_same_view(fast.params, full->params, text, "params");
      EXPECT_EQ(fast.tag.has_value, full->tag.has_value) << text;
      expect_same_view(fast.tag.name, full->tag.name, text, "tag name");
      expect_same_view(fast.tag.value, full->tag.value, text, "tag value");
    }
  }
  EXPECT_GT(accepted, 500U);
}

TEST(OnePassScan, CommonViaAgreesWithTheFullGrammar) {
  constexpr std::string_view kSeeds[] = {
      "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport",
      "SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74b43;received=192.0.2.101",
      "sip/2.0/tls proxy.example.com;branch=z9hG4bKx;ttl=16;maddr=224.2.0.1;rport=5061",
      "SIP/2.0/UDP 192.0.2.1;BRANCH=a;branch=b,SIP/2.0/UDP 192.0.2.2;branch=c",
      "SIP / 2.0 / UDP host.example.com:5060 ;branch=z",
      "SIP/2.0/UDP [2001:db8::9]:5060;branch=z;received=2001:db8::9",
      "SIP/2.0/UDP host;rport;x=\"quoted\";branch=z",
  };
  std::size_t accepted = 0;
  for (std::string_view seed : kSeeds) {
    for (const std::string& text : one_octet_mutations(seed)) {
      syntax::Scanner fast_scanner{text, 0};
      ViaView fast;
      if (!scan_common_via(fast_scanner, fast)) {
        EXPECT_EQ(fast_scanner.pos, 0U) << text;
        continue;
      }
      ++accepted;
      syntax::Scanner full_scanner{text, 0};
      auto full = parse_via_full(full_scanner);
      ASSERT_TRUE(full) << text << ": " << full.error().describe();
      EXPECT_EQ(fast_scanner.pos, full_scanner.pos) << text;
      expect_same_view(fast.protocol_name, full->protocol_name, text, "protocol");
      expect_same_view(fast.protocol_version, full->protocol_version, text, "version");
      expect_same_view(fast.transport, full->transport, text, "transport");
      expect_same_view(fast.host, full->host, text, "host");
      EXPECT_EQ(fast.port, full->port) << text;
      expect_same_view(fast.params, full->params, text, "params");
      EXPECT_EQ(fast.branch.has_value, full->branch.has_value) << text;
      expect_same_view(fast.branch.name, full->branch.name, text, "branch name");
      expect_same_view(fast.branch.value, full->branch.value, text, "branch");
    }
  }
  EXPECT_GT(accepted, 500U);
}

// token *( COMMA token ) or nothing, with COMMA = SWS "," SWS, written the plain way.
bool reference_token_list(std::string_view value) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && syntax::is_lws(s.front())) {
      s.remove_prefix(1);
    }
    while (!s.empty() && syntax::is_lws(s.back())) {
      s.remove_suffix(1);
    }
    return s;
  };
  if (trim(value).empty()) {
    return true;
  }
  while (true) {
    const std::size_t comma = value.find(',');
    if (!syntax::is_token(trim(value.substr(0, comma)))) {
      return false;
    }
    if (comma == std::string_view::npos) {
      return true;
    }
    value.remove_prefix(comma + 1);
  }
}

// Allow, Supported and the like are decided from class masks when shorter than 64 octets,
// by the scalar scan otherwise: both must follow the grammar.
TEST(OnePassScan, TokenListChecksFollowTheGrammarBelowAndAbove64Octets) {
  constexpr std::string_view kSeeds[] = {
      "INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY, UPDATE",
      "replaces,outbound,timer",
      "path ,\toutbound, gruu",
      "a",
      "100rel, precondition, x-very-long-option-tag-name.example.com, y!%*_+`'~z, q",
      "  ",
  };
  std::size_t checked = 0;
  for (std::string_view seed : kSeeds) {
    for (const std::string& text : one_octet_mutations(seed)) {
      if (text.find_first_of("\r\n") != std::string::npos) {
        continue;  // a header value holds a CRLF only as a fold (the splitter sees to it)
      }
      EXPECT_EQ(check_token_list(text).has_value(), reference_token_list(text))
          << "'" << text << "'";
      ++checked;
    }
  }
  EXPECT_GT(checked, 2000U);
}

}  // namespace
}  // namespace tipring::sip::views

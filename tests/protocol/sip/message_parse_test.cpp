#include "protocol/sip/message.h"
#include "tests/protocol/sip/sample_messages.h"

#include <gtest/gtest.h>

namespace tipring::sip {
namespace {

Message parsed(std::string_view text, Framing framing = Framing::Datagram) {
  auto m = Message::parse(text, framing);
  EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().describe());
  return m ? std::move(*m) : Message{};
}

// callid = word [ "@" word ] (RFC 3261 §25.1), written the plain way for the comparison.
bool reference_call_id(std::string_view v) {
  constexpr std::string_view kWordPunctuation = "-.!%*_+`'~()<>:\\\"/[]?{}";
  auto word = [&](std::string_view w) {
    if (w.empty()) {
      return false;
    }
    for (char c : w) {
      const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!alnum && kWordPunctuation.find(c) == std::string_view::npos) {
        return false;
      }
    }
    return true;
  };
  const std::size_t at = v.find('@');
  return at == std::string_view::npos ? word(v) : word(v.substr(0, at)) && word(v.substr(at + 1));
}

// Call-IDs under 64 octets are decided from SSE2 class masks, longer ones octet by octet.
TEST(MessageParse, CallIdIsWordAtWordAtEveryLength) {
  constexpr std::string_view kOctets = "a9@.#$&,;=^|\"(){}~\x80\x01";
  const std::string header = "Call-ID: ";
  const std::size_t start = samples::kInvite.find(header) + header.size();
  const std::size_t end = samples::kInvite.find("\r\n", start);
  std::size_t accepted = 0;
  for (std::size_t length = 1; length < 80; length += 3) {
    for (std::size_t position = 0; position < length; position += 5) {
      for (char c : kOctets) {
        std::string call_id(length, 'x');
        call_id[position] = c;
        call_id[(position * 7 + 3) % length] = position % 2 == 0 ? '@' : 'y';
        std::string text = samples::kInvite;
        text.replace(start, end - start, call_id);
        auto m = Message::parse(text);
        const bool valid = reference_call_id(call_id);
        EXPECT_EQ(m.has_value(), valid) << "'" << call_id << "'";
        if (m) {
          EXPECT_EQ(m->call_id(), call_id);
          ++accepted;
        }
      }
    }
  }
  EXPECT_GT(accepted, 200U);
}

TEST(MessageParse, InviteWithSdpExposesStartLineAndHotFields) {
  Message m = parsed(samples::kInvite);
  EXPECT_TRUE(m.is_request());
  EXPECT_EQ(m.method(), Method::Invite);
  EXPECT_EQ(m.request_uri_text(), "sip:bob@biloxi.example.com");
  EXPECT_EQ(m.branch(), "z9hG4bK776asdhds");
  EXPECT_EQ(m.via_transport(), "UDP");
  EXPECT_EQ(m.via_host(), "192.0.2.10");
  EXPECT_EQ(m.via_port(), 5060);
  EXPECT_EQ(m.from_tag(), "1928301774");
  EXPECT_EQ(m.to_tag(), "");
  EXPECT_EQ(m.call_id(), "a84b4c76e66710@pc33.atlanta.example.com");
  EXPECT_EQ(m.cseq_number(), 314159U);
  EXPECT_EQ(m.cseq_method(), Method::Invite);
  EXPECT_EQ(m.max_forwards(), 70U);
  EXPECT_EQ(m.content_length(), 300U);
  EXPECT_EQ(m.body().size(), 300U);
  EXPECT_TRUE(m.body().starts_with("v=0\r\n"));
}

TEST(MessageParse, TypedValuesOnDemand) {
  Message m = parsed(samples::kInvite);
  auto from = m.from();
  ASSERT_TRUE(from);
  EXPECT_EQ(from->display_name, "Alice");
  EXPECT_EQ(from->uri.user, "alice");
  EXPECT_EQ(from->tag(), "1928301774");
  auto contacts = m.contacts();
  ASSERT_TRUE(contacts);
  ASSERT_EQ(contacts->contacts.size(), 1U);
  EXPECT_EQ(contacts->contacts[0].instance(), "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>");
  auto allow = m.tokens(HeaderId::Allow);
  ASSERT_TRUE(allow);
  EXPECT_EQ(allow->size(), 8U);
  EXPECT_TRUE(m.has_token(HeaderId::Supported, "outbound"));
  auto type = m.content_type();
  ASSERT_TRUE(type);
  EXPECT_TRUE(type->is("application", "sdp"));
  auto via = m.top_via();
  ASSERT_TRUE(via);
  EXPECT_TRUE(via->has_rport());
  EXPECT_FALSE(via->rport().has_value());
}

TEST(MessageParse, ResponseWithReceivedAndRport) {
  Message m = parsed(samples::kOk);
  EXPECT_TRUE(m.is_response());
  EXPECT_EQ(m.status_code(), 200);
  EXPECT_EQ(m.reason_phrase(), "OK");
  EXPECT_EQ(m.to_tag(), "a6c85cf");
  auto via = m.top_via();
  ASSERT_TRUE(via);
  EXPECT_EQ(via->received(), "198.51.100.7");
  EXPECT_EQ(via->rport(), 5060);
  auto rr = m.record_routes();
  ASSERT_TRUE(rr);
  ASSERT_EQ(rr->size(), 1U);
  EXPECT_NE((*rr)[0].uri.param("lr"), nullptr);
}

TEST(MessageParse, RegisterWithAuthorizationAndOutboundContact) {
  Message m = parsed(samples::kRegister, Framing::Stream);
  auto auth = m.auth_headers(HeaderId::Authorization);
  ASSERT_TRUE(auth);
  ASSERT_EQ(auth->size(), 1U);
  EXPECT_EQ((*auth)[0].scheme, "Digest");
  EXPECT_EQ((*auth)[0].value("username"), "alice");
  EXPECT_EQ((*auth)[0].value("nc"), "00000001");
  EXPECT_FALSE((*auth)[0].find("nc")->quoted);
  auto contacts = m.contacts();
  ASSERT_TRUE(contacts);
  const Contact& c = contacts->contacts.at(0);
  EXPECT_EQ(c.reg_id(), 1U);
  EXPECT_EQ(c.expires_s(), 3600U);
  EXPECT_EQ(m.expires_s(), 3600U);
}

TEST(MessageParse, ChallengesFlowTimerAndIpv6Via) {
  Message m = parsed(
      "SIP/2.0 401 Unauthorized\r\n"
      "Via: SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKa;received=2001:db8::2;rport=5061\r\n"
      "From: <sip:alice@example.com>;tag=1\r\n"
      "To: <sip:alice@example.com>;tag=2\r\n"
      "Call-ID: c@h\r\n"
      "CSeq: 2 REGISTER\r\n"
      "WWW-Authenticate: Digest realm=\"example.com\", qop=\"auth\", algorithm=SHA-256, "
      "nonce=\"abc\"\r\n"
      "www-authenticate: Digest realm=\"example.com\", qop=\"auth\", algorithm=MD5, "
      "nonce=\"abc\"\r\n"
      "Flow-Timer: 120\r\n"
      "Require: outbound\r\n"
      "Content-Length: 0\r\n"
      "\r\n");
  EXPECT_EQ(m.via_host(), "[2001:db8::1]");
  EXPECT_EQ(m.via_port(), 5061);
  auto challenges = m.auth_headers(HeaderId::WwwAuthenticate);
  ASSERT_TRUE(challenges);
  ASSERT_EQ(challenges->size(), 2U);
  EXPECT_EQ((*challenges)[0].value("algorithm"), "SHA-256");
  EXPECT_EQ((*challenges)[1].value("algorithm"), "MD5");
  EXPECT_EQ(m.flow_timer_s(), 120U);
  EXPECT_TRUE(m.has_token(HeaderId::Require, "outbound"));
  EXPECT_EQ(m.top_via()->received(), "2001:db8::2");
}

TEST(MessageParse, CompactFormsAndFoldedValuesResolve) {
  Message m = parsed(
      "OPTIONS sip:x@example.com SIP/2.0\r\n"
      "v: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
      "f: <sip:a@example.com>;tag=9\r\n"
      "t: <sip:x@example.com>\r\n"
      "i: abc\r\n"
      "CSeq: 1\r\n OPTIONS\r\n"
      "k: path,\r\n\toutbound\r\n"
      "m: *\r\n"
      "l: 0\r\n"
      "\r\n");
  EXPECT_EQ(m.call_id(), "abc");
  EXPECT_EQ(m.cseq_method(), Method::Options);
  EXPECT_TRUE(m.has_token(HeaderId::Supported, "outbound"));
  EXPECT_TRUE(m.contacts()->wildcard);
  EXPECT_EQ(m.header(0).name, "v");
  EXPECT_EQ(m.header(0).id, HeaderId::Via);
}

TEST(MessageParse, SerializeThenParseGivesAnEqualMessage) {
  for (const std::string* text : {&samples::kInvite, &samples::kOk, &samples::kRegister}) {
    Message m = parsed(*text);
    std::string out = m.serialize();
    EXPECT_EQ(out, *text);
    Message again = parsed(out);
    EXPECT_EQ(again, m);
  }
}

TEST(MessageParse, DatagramWithoutContentLengthTakesTheRestAsBody) {
  std::string text = samples::kOk;
  text.replace(text.find("Content-Length: 0\r\n"), 19, "");
  text += "hello";
  Message m = parsed(text);
  EXPECT_EQ(m.body(), "hello");
  EXPECT_FALSE(m.content_length().has_value());
}

TEST(MessageParse, DatagramIgnoresOctetsBeyondContentLength) {
  Message m = parsed(samples::kOk + "garbage");
  EXPECT_EQ(m.body(), "");
}

TEST(MessageParse, StreamRequiresContentLength) {
  std::string text = samples::kOk;
  text.replace(text.find("Content-Length: 0\r\n"), 19, "");
  auto m = Message::parse(text, Framing::Stream);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().rule, "RFC 3261 §18.3 Content-Length framing");
}

struct Rejection {
  const char* name;
  std::string text;
  std::string_view rule;
};

class MessageRejects : public ::testing::TestWithParam<Rejection> {};

TEST_P(MessageRejects, NamingTheRule) {
  auto m = Message::parse(GetParam().text);
  ASSERT_FALSE(m) << GetParam().name;
  EXPECT_EQ(m.error().rule, GetParam().rule) << m.error().describe();
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, MessageRejects,
    ::testing::Values(
        Rejection{"BadVersion", replaced(samples::kRegister, "SIP/2.0\r\n", "SIP/3.0\r\n"),
                  rules::kSipVersion},
        Rejection{"NotAVersion", replaced(samples::kRegister, "SIP/2.0\r\n", "HTTP/1.1\r\n"),
                  "RFC 3261 §25.1 Request-Line"},
        Rejection{
            "MissingCallId",
            replaced(samples::kOk, "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n", ""),
            rules::kMandatoryHeaders},
        Rejection{"TwoFroms", replaced(samples::kOk, "Contact:", "From: <sip:x@y>\r\nContact:"),
                  rules::kSingleValued},
        Rejection{"CSeqMismatch", replaced(samples::kRegister, "1826 REGISTER", "1826 INVITE"),
                  "RFC 3261 §8.1.1.5 CSeq"},
        Rejection{"NegativeContentLength",
                  replaced(samples::kOk, "Content-Length: 0", "Content-Length: -1"),
                  "RFC 3261 §20.14 Content-Length"},
        Rejection{"ContentLengthBeyondMessage",
                  replaced(samples::kOk, "Content-Length: 0", "Content-Length: 10"),
                  "RFC 3261 §18.3 Content-Length framing"},
        Rejection{"StatusCodeTooLarge", replaced(samples::kOk, "200 OK", "700 OK"),
                  "RFC 3261 §25.1 Status-Line"},
        Rejection{"NoEmptyLine", samples::kOk.substr(0, samples::kOk.size() - 2),
                  "RFC 3261 §7.3 message-header"},
        Rejection{"QuotedTag", replaced(samples::kOk, "tag=a6c85cf", "tag=\"a6c85cf\""),
                  "RFC 3261 §25.1 tag-param"},
        Rejection{"BareLf", replaced(samples::kOk, "Content-Length: 0\r\n", "Content-Length: 0\n"),
                  "RFC 3261 §7.3 message-header"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace tipring::sip

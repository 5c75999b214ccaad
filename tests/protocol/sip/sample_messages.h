// Realistic messages shared by the SIP tests (and mirrored in the fuzz corpus and bench).
#pragma once

#include <string>

namespace tipring::sip::samples {

inline const std::string kInvite =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n"
    "Max-Forwards: 70\r\n"
    "To: Bob <sip:bob@biloxi.example.com>\r\n"
    "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sip:alice@192.0.2.10:5060;transport=udp>;+sip.instance=\"<urn:uuid:00000000-"
    "0000-1000-8000-000A95A0E128>\"\r\n"
    "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY, UPDATE\r\n"
    "Supported: replaces, outbound, timer\r\n"
    "User-Agent: Tipring/0.1\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 300\r\n"
    "\r\n"
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.10\r\n"
    "t=0 0\r\n"
    "m=audio 49170 RTP/AVP 111 0 8 101\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=fmtp:111 useinbandfec=1;usedtx=1\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=ptime:20\r\n"
    "a=rtcp-mux\r\n"
    "a=sendrecv\r\n";

inline const std::string kOk =
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport=5060;received=198.51.100.7\r\n"
    "To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n"
    "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sip:bob@192.0.2.4>\r\n"
    "Record-Route: <sip:proxy.example.com;lr>\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

inline const std::string kRegister =
    "REGISTER sip:registrar.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 192.0.2.10:49152;branch=z9hG4bKnashds7;rport\r\n"
    "Max-Forwards: 70\r\n"
    "To: <sip:alice@example.com>\r\n"
    "From: <sip:alice@example.com>;tag=456248\r\n"
    "Call-ID: 843817637684230@998sdasdh09\r\n"
    "CSeq: 1826 REGISTER\r\n"
    "Contact: <sip:alice@192.0.2.10:49152;transport=tcp;ob>;reg-id=1;"
    "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";expires=3600\r\n"
    "Supported: path, outbound, gruu\r\n"
    "Authorization: Digest username=\"alice\", realm=\"example.com\", "
    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:registrar.example.com\", "
    "response=\"e6f99bf6ad3a4e2c53ff2ec5e0e2e9f1\", algorithm=MD5, qop=auth, nc=00000001, "
    "cnonce=\"0a4f113b\"\r\n"
    "Expires: 3600\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

}  // namespace tipring::sip::samples

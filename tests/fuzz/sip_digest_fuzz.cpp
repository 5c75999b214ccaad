// Fuzzes the Digest header values a registrar receives and a client is challenged with:
// anything accepted must format and parse back to an equal value, and verifying parsed
// credentials must never crash (it runs before the sender is authenticated).
#include "protocol/core/random.h"
#include "protocol/sip/digest.h"
#include "protocol/sip/digest_client.h"
#include "protocol/sip/digest_server.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tipring::sip;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto credentials = parse_digest_credentials(input)) {
    auto again = parse_digest_credentials(format_digest_credentials(*credentials));
    if (!again || !(*again == *credentials)) {
      std::abort();
    }
    static tipring::SeededRandom random(1);
    static const std::uint8_t kSecret[16] = {1, 2, 3};
    static DigestServer server({"tipring", {DigestAlgorithm::sha256, DigestAlgorithm::md5_sess}},
                               kSecret, random);
    const StoredHa1 stored{ha1_hex(DigestAlgorithm::md5, "alice", "tipring", "x"),
                           ha1_hex(DigestAlgorithm::sha256, "alice", "tipring", "x")};
    (void)server.verify(*credentials, "REGISTER", stored, tipring::TimePoint{});
  }
  if (auto challenge = parse_digest_challenge(input)) {
    auto again = parse_digest_challenge(format_digest_challenge(*challenge));
    if (!again || !(*again == *challenge)) {
      std::abort();
    }
    tipring::SeededRandom random(2);
    DigestClient client("alice", "x", random);
    const DigestChallenge offered[] = {*challenge};
    if (client.on_challenges(offered) == DigestClient::Verdict::retry &&
        client.authorize("REGISTER", "sip:tipring").empty()) {
      std::abort();
    }
  }
  return 0;
}

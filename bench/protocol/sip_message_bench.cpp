// Parse and serialize throughput of SIP messages (issue 2 item 14: >= 1,000,000 INVITE
// parses per second on one core). The reference in the same run is the floor any parser
// pays: copying the datagram into an owned buffer and finding every line end.
#include "protocol/sip/message.h"
#include "tests/protocol/sip/sample_messages.h"

#include <cstring>
#include <string>

#include <benchmark/benchmark.h>

namespace {

using tipring::sip::Message;
namespace samples = tipring::sip::samples;

void parse(benchmark::State& state, const std::string& text) {
  for (auto _ : state) {
    auto m = Message::parse(text);
    if (!m) {
      state.SkipWithError(m.error().describe().c_str());
      return;
    }
    benchmark::DoNotOptimize(m->branch().data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}

void serialize(benchmark::State& state, const std::string& text) {
  auto m = Message::parse(text);
  if (!m) {
    state.SkipWithError(m.error().describe().c_str());
    return;
  }
  std::string out;
  for (auto _ : state) {
    out.clear();
    m->serialize_to(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}

void reference_copy_and_split_lines(benchmark::State& state, const std::string& text) {
  for (auto _ : state) {
    std::string owned(text);
    std::size_t lines = 0;
    const char* p = owned.data();
    const char* end = p + owned.size();
    while (const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p))) {
      p = static_cast<const char*>(nl) + 1;
      ++lines;
    }
    benchmark::DoNotOptimize(lines);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(reference_copy_and_split_lines, invite, samples::kInvite);
BENCHMARK_CAPTURE(parse, invite_with_sdp, samples::kInvite);
BENCHMARK_CAPTURE(parse, ok_200, samples::kOk);
BENCHMARK_CAPTURE(parse, register_with_digest, samples::kRegister);
BENCHMARK_CAPTURE(serialize, invite_with_sdp, samples::kInvite);
BENCHMARK_CAPTURE(serialize, ok_200, samples::kOk);
BENCHMARK_CAPTURE(serialize, register_with_digest, samples::kRegister);

}  // namespace

BENCHMARK_MAIN();

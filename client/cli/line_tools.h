// `tipring-cli line-analyze` and `tipring-cli line-generate`: file handling and output
// around pots/analysis (analyze_line, generate_line_audio). They run before and without the
// Qt event loop and the SIP client, so the call options are untouched by them.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace tipring::client {

// Whether `subcommand` (argv[1]) names a line tool.
bool is_line_tool(const std::string& subcommand);

// Runs the line tool `arguments[0]` with the rest of `arguments`; returns the exit code
// (0, 2 bad command line, 4 unusable file). JSON and help go to `out`, errors to `err`.
int run_line_tool(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err);

}  // namespace tipring::client

// The calflops command line: CLI11 parses the arguments into Options through the option table
// (calflops/option_table.h), the library analyses, a writer writes. Exit codes: ExitCode.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "calflops/calflops.h"
#include "calflops/error.h"
#include "calflops/option_table.h"
#include "cli_text.h"

namespace {

using calflops::Error;
using calflops::ExitCode;

std::string Names(char short_name, std::string_view name) {
  return (short_name ? std::string("-") + short_name + "," : "") + "--" + std::string(name);
}

/// --help, --list-models, ...: prints and exits.
int RunAction(const std::string& action) {
  std::ostream& out = std::cout;
  if (action == "help") calflops::cli::WriteHelp(out);
  if (action == "version") out << "calflops " << calflops::Version() << "\n";
  if (action == "list-models") calflops::WriteModelList(out);
  if (action == "list-hardware") calflops::WriteHardwareList(out);
  if (action == "list-ops") calflops::WriteCostTable(out);
  if (action == "list-ops-perf") calflops::WritePerfOpTable(out);
  if (action == "list-limits") calflops::WriteLimitsTable(out);
  if (action == "man") calflops::cli::WriteManPage(out);
  if (action == "bash-completion") calflops::cli::WriteBashCompletion(out);
  return 0;
}

int Main(int argc, char** argv) {
  calflops::Options o;
  std::string output, action;
  std::vector<std::string> positional;
  CLI::App app{"calflops"};
  app.set_help_flag();  // --help comes from the CLI's own flag list
  app.allow_extras();   // unknown options are reported below, with a suggestion
  app.add_option("MODEL", positional);
  for (const calflops::OptionSpec& s : calflops::OptionTable()) {
    std::string names = Names(s.short_name, s.name), name(s.name);
    if (s.value_name.empty()) {
      app.add_flag_callback(names, [&o, name] { calflops::ParseOption(o, name, ""); });
    } else {
      app.add_option_function<std::vector<std::string>>(
             names,
             [&o, name](const std::vector<std::string>& values) {
               for (const std::string& v : values) calflops::ParseOption(o, name, v);
             })
          ->multi_option_policy(s.repeatable ? CLI::MultiOptionPolicy::TakeAll
                                             : CLI::MultiOptionPolicy::TakeLast)
          ->allow_extra_args(false)
          ->type_name(std::string(s.value_name));
    }
  }
  for (const calflops::cli::CliFlag& f : calflops::cli::CliFlags()) {
    std::string names = Names(f.short_name, f.name), name(f.name);
    if (name == "output") {
      app.add_option(names, output);
    } else {
      app.add_flag_callback(names, [&action, name] {
        if (action.empty()) action = name;
      });
    }
  }
  for (const char* hidden : {"man", "bash-completion"}) {  // generate the installed docs
    std::string name = hidden;
    app.add_flag_callback("--" + name, [&action, name] { action = name; })->group("");
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    throw Error(ExitCode::kUsage, "", e.what());
  }
  for (const std::string& r : app.remaining()) {
    if (r.size() < 2 || r[0] != '-') {
      positional.push_back(r);
      continue;
    }
    std::string hint = calflops::cli::Suggest(r);
    throw Error(
        ExitCode::kUsage, r.substr(0, r.find('=')),
        "unknown option (" + (hint.empty() ? "see --help" : "did you mean " + hint + "?") + ")");
  }
  if (!action.empty()) return RunAction(action);
  if (positional.size() != 1) {
    throw Error(ExitCode::kUsage, "",
                positional.empty()
                    ? "missing MODEL (see --help)"
                    : "expected one MODEL, got " + std::to_string(positional.size()));
  }
  o.model = positional[0];
  calflops::WriteReportTo(o, output);  // never over an input (src/api/output_file.h)
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const Error& e) {
    std::cerr << "calflops: " << e.what() << "\n";
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << "calflops: internal error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::kInternal);
  }
}

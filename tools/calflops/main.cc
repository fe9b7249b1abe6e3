// The calflops command line: CLI11 parses the arguments into Options through the option table
// (calflops/option_table.h), the library analyses, a writer writes. Exit codes: ExitCode.
#include <CLI/CLI.hpp>

#include <algorithm>
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

/// `calflops sweep MODEL --seq-len A:B:xK ...`: takes the swept option (the one whose value is a
/// range) and --format out of the arguments, which then parse as a report's.
struct SweepArgs {
  bool on = false;
  bool compare = false;  ///< `calflops compare MODEL MODEL...`
  std::string axis, range, format = "text";
  std::vector<std::string> variants;  ///< compare: each --vs "OPTIONS"
};

SweepArgs TakeSweepArgs(std::vector<std::string>& args) {
  SweepArgs s;
  if (args.size() < 2 || (args[1] != "sweep" && args[1] != "compare")) return s;
  s.on = true;
  s.compare = args[1] == "compare";
  args.erase(args.begin() + 1);
  const std::string axes[] = {"--seq-len", "--batch-size", "--prompt-tokens", "--max-new-tokens",
                              "--image-size"};
  for (size_t i = 1; i < args.size(); ++i) {
    std::string name = args[i], value;
    size_t eq = name.find('=');
    bool inline_value = eq != std::string::npos && name.rfind("--", 0) == 0;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[i + 1];
    }
    size_t used = inline_value ? 1 : 2;
    if (name == "--format" || name == "-f") {
      s.format = value;
      args.erase(args.begin() + static_cast<long>(i),
                 args.begin() + static_cast<long>(std::min(i + used, args.size())));
      --i;
      continue;
    }
    if (name == "--vs") {
      if (!inline_value && i + 1 >= args.size())
        throw Error(ExitCode::kUsage, "--vs", "needs a value: \"OPTIONS\"");
      s.variants.push_back(value);
      args.erase(args.begin() + static_cast<long>(i),
                 args.begin() + static_cast<long>(std::min(i + used, args.size())));
      --i;
      continue;
    }
    bool axis = false;
    for (const std::string& a : axes) axis |= name == a;
    if (axis && !s.compare && value.find(':') != std::string::npos) {
      if (!s.axis.empty()) throw Error(ExitCode::kUsage, name, "sweep: one range at a time");
      s.axis = name;
      s.range = value;
      args.erase(args.begin() + static_cast<long>(i),
                 args.begin() + static_cast<long>(std::min(i + used, args.size())));
      --i;
    }
  }
  if (s.axis.empty() && !s.compare) {
    throw Error(ExitCode::kUsage, "sweep",
                "give one of --seq-len, --batch-size, --prompt-tokens, --max-new-tokens, "
                "--image-size as a range A:B:xK or A:B:+K");
  }
  return s;
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  SweepArgs sweep = TakeSweepArgs(args);
  std::vector<char*> argp;
  for (std::string& a : args) argp.push_back(a.data());
  argc = static_cast<int>(argp.size());
  argv = argp.data();
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
  if (sweep.compare) {
    calflops::WriteCompareTo(o, positional, sweep.format, output, sweep.variants);
    return 0;
  }
  if (sweep.on && !positional.empty()) {  // a sweep of one model or several, with --vs sides
    o.model = positional[0];
    calflops::WriteSweepTo(o, sweep.axis, sweep.range, sweep.format, output,
                           {positional.begin() + 1, positional.end()}, sweep.variants);
    return 0;
  }
  if (!sweep.variants.empty())
    throw Error(ExitCode::kUsage, "--vs", "only with calflops compare or calflops sweep");
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

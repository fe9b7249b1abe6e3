#include "cli_text.h"

#include <algorithm>
#include <vector>

#include "calflops/calflops.h"
#include "calflops/option_table.h"

namespace calflops::cli {
namespace {

constexpr CliFlag kCliFlags[] = {
    {"output", 'o', "FILE", "write the report to FILE instead of standard output"},
    {"list-models", 0, "", "list the bundled models and exit"},
    {"list-hardware", 0, "", "list the bundled hardware profiles and exit"},
    {"list-ops", 0, "", "print the op cost table (Markdown) and exit"},
    {"list-ops-perf", 0, "", "print bytes moved and backward per op (Markdown) and exit"},
    {"list-limits", 0, "", "print the input limits (Markdown) and exit"},
    {"help", 'h', "", "show this help and exit"},
    {"version", 'V', "", "print the version and exit"},
};

constexpr const char* kAbout =
    "Parameters, MACs and FLOPs of a model, per module, from its description (no weights).\n"
    "MODEL is one of (files are recognised by content, not extension):\n"
    "  NAME                a bundled model (see --list-models)\n"
    "  ORG/NAME[@REV]      a Hugging Face Hub model, also https://huggingface.co/ORG/NAME:\n"
    "                      the local Hugging Face cache first (HF_HUB_CACHE, HF_HOME), then\n"
    "                      the Hub (HF_ENDPOINT), which downloads config.json into that cache\n"
    "                      and reads the safetensors headers by Range requests (never the\n"
    "                      weights); HF_TOKEN or `huggingface-cli login` for gated repos;\n"
    "                      HF_HUB_OFFLINE=1 never touches the network\n"
    "  config.json         a Hugging Face config (any file name; - reads standard input)\n"
    "  DIR                 config.json and/or *.safetensors\n"
    "  .safetensors        a file, or model.safetensors.index.json for shards\n"
    "  .gguf               GGUF v2/v3 (its metadata is the config)\n"
    "  .onnx               an ONNX model of any architecture (--dim, --input-shape)\n"
    "Weight files add a weights section after the report. An option that does not apply to\n"
    "the model or the --mode is an error.\n"
    "Also: calflops sweep MODEL --seq-len A:B:+K|A:B:xK [options] (one row per value), and\n"
    "calflops compare MODEL [MODEL...] [--vs \"OPTIONS\"]... [options] (rows side by side:\n"
    "models, and each model again with the options of each --vs applied, e.g.\n"
    "--vs \"--convention calflops\" or --vs \"--seq-len 8192\"); --format as for a report.\n";

constexpr const char* kExitCodes =
    "exit codes: 0 ok, 1 usage, 2 bad input, 3 unsupported, 4 count overflow, 5 internal\n";

struct Row {
  std::string names, help;
};

std::vector<Row> Rows() {
  std::vector<Row> rows;
  auto add = [&](std::string_view name, char short_name, std::string_view value,
                 std::string_view help) {
    std::string n = short_name ? std::string("-") + short_name + ", " : "    ";
    n += "--" + std::string(name) + (value.empty() ? "" : " " + std::string(value));
    rows.push_back({n, std::string(help)});
  };
  for (const OptionSpec& s : OptionTable()) add(s.name, s.short_name, s.value_name, s.help);
  for (const CliFlag& f : kCliFlags) add(f.name, f.short_name, f.value_name, f.help);
  return rows;
}

size_t Distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::span<const CliFlag> CliFlags() { return kCliFlags; }

void WriteHelp(std::ostream& out) {
  out << "usage: calflops MODEL [options]\n\n" << kAbout << "\noptions:\n";
  for (const Row& r : Rows()) {
    std::string left = "  " + r.names;
    out << left << std::string(left.size() < 30 ? 30 - left.size() : 1, ' ') << r.help << "\n";
  }
  out << "\n" << kExitCodes;
}

void WriteManPage(std::ostream& out) {
  auto escape = [](std::string s) {
    std::string r;
    for (char c : s) r += c == '-' ? "\\-" : c == '\\' ? "\\e" : std::string(1, c);
    return r;
  };
  out << ".TH CALFLOPS 1 \"\" \"calflops " << Version() << "\" \"User Commands\"\n"
      << ".SH NAME\ncalflops \\- parameters, MACs, FLOPs, memory and latency of neural networks\n"
      << ".SH SYNOPSIS\n.B calflops\n.I MODEL\n[\\fIoptions\\fR]\n.SH DESCRIPTION\n"
      << escape(kAbout) << ".SH OPTIONS\n";
  for (const Row& r : Rows())
    out << ".TP\n.B " << escape(r.names) << "\n" << escape(r.help) << "\n";
  out << ".SH EXIT STATUS\n" << escape(kExitCodes);
}

void WriteBashCompletion(std::ostream& out) {
  std::string words;
  for (const OptionSpec& s : OptionTable()) words += " --" + std::string(s.name);
  for (const CliFlag& f : kCliFlags) words += " --" + std::string(f.name);
  out << "# bash completion for calflops (generated from its option table)\n"
      << "_calflops() {\n"
      << "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
      << "  case $prev in\n";
  for (const OptionSpec& s : OptionTable()) {
    if (s.choices.empty()) continue;
    std::string choices;
    for (std::string_view c : s.choices) choices += (choices.empty() ? "" : " ") + std::string(c);
    out << "    --" << s.name << ") COMPREPLY=($(compgen -W \"" << choices
        << "\" -- \"$cur\")); return ;;\n";
  }
  out << "    --output|--hardware-file) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
      << "  esac\n"
      << "  if [[ $cur == -* ]]; then\n"
      << "    COMPREPLY=($(compgen -W \"" << words.substr(1) << "\" -- \"$cur\"))\n"
      << "  else\n"
      << "    COMPREPLY=($(compgen -f -- \"$cur\") $(compgen -W \"$(calflops --list-models "
         "2>/dev/null"
      << " | awk 'NR>1{print $1}')\" -- \"$cur\"))\n"
      << "  fi\n"
      << "}\n"
      << "complete -F _calflops calflops\n";
}

std::string Suggest(std::string_view typed) {
  std::string_view t = typed;
  while (!t.empty() && t.front() == '-') t.remove_prefix(1);
  if (auto eq = t.find('='); eq != std::string_view::npos) t = t.substr(0, eq);
  std::string best;
  size_t best_d = std::max<size_t>(2, t.size() / 3) + 1;
  auto consider = [&](std::string_view name) {
    size_t d = Distance(t, name);
    if (d < best_d) {
      best_d = d;
      best = "--" + std::string(name);
    }
  };
  for (const OptionSpec& s : OptionTable()) consider(s.name);
  for (const CliFlag& f : kCliFlags) consider(f.name);
  return best;
}

}  // namespace calflops::cli

#include "report/text_report.h"

#include <cstdio>

#include "report/module_rows.h"
#include "report/number_format.h"
#include "report/perf_text.h"

namespace calflops {
namespace text_report {
namespace {

/// PyTorch's _addindent: every line but the first gets `n` more spaces.
std::string AddIndent(const std::string& s, int n) {
  std::string out;
  out.reserve(s.size() + 16 * static_cast<size_t>(n));
  // Copies line by line: reports of big models re-indent long strings at every level.
  size_t start = 0;
  for (size_t nl = s.find('\n'); nl != std::string::npos; nl = s.find('\n', start)) {
    out.append(s, start, nl + 1 - start).append(static_cast<size_t>(n), ' ');
    start = nl + 1;
  }
  return out.append(s, start, std::string::npos);
}

/// calflops prints FLOP counts with the unit of a rate ("1.93 TFLOPS"); every other convention
/// says what they hold, "1.93 TFLOPs" (--convention calflops stays byte-identical to calflops).
std::string Flops(const Profile& p, double v, const std::optional<std::string>& unit,
                  int precision) {
  std::string s = FlopsToString(v, unit, precision);
  if (p.convention != Convention::kCalflops) s.back() = 's';
  return s;
}

std::string StatsItem(const Profile& p, ModuleId id, int precision) {
  const ModuleStats& s = p.stats[static_cast<size_t>(id)];
  const ModuleStats& t = p.total();
  return ParamsToString(s.params.ToDouble(), std::nullopt, 2) + " = " +
         Percentage(s.params, t.params, precision) + "% Params, " +
         MacsToString(s.macs.ToDouble(), std::nullopt, 2) + " = " +
         Percentage(s.macs, t.macs, precision) + "% MACs, " +
         Flops(p, s.flops.ToDouble(), std::nullopt, 2) + " = " +
         Percentage(s.flops, t.flops, precision) + "% FLOPs";
}

bool Shown(const std::vector<bool>* shown, ModuleId id) {
  return !shown || (*shown)[static_cast<size_t>(id)];
}

/// Whether the reprs of `a` and `b` are certainly equal: same classes, extra_reprs, exact stats
/// and shown children, recursively (`a`'s and `b`'s own names are not printed by their repr).
/// Lets a ModuleList skip formatting the 2nd..Nth of identical layers, the report's main cost on
/// deep models. Unequal counts can still round to equal strings, so "false" means "compare them".
bool SameRepr(const Profile& p, ModuleId a, ModuleId b, const std::vector<bool>* shown) {
  if (a == b) return true;
  const Module& x = p.tree[a];
  const Module& y = p.tree[b];
  const ModuleStats& sx = p.stats[static_cast<size_t>(a)];
  const ModuleStats& sy = p.stats[static_cast<size_t>(b)];
  if (x.class_name != y.class_name || x.extra_repr != y.extra_repr ||
      x.is_module_list != y.is_module_list || x.custom_repr != y.custom_repr ||
      x.children.size() != y.children.size() || sx.params != sy.params || sx.macs != sy.macs ||
      sx.flops != sy.flops)
    return false;
  for (size_t i = 0; i < x.children.size(); ++i) {
    ModuleId cx = x.children[i];
    ModuleId cy = y.children[i];
    const Module& mx = p.tree[cx];
    const Module& my = p.tree[cy];
    if (Shown(shown, cx) != Shown(shown, cy) || mx.repeat != my.repeat) return false;
    if (!Shown(shown, cx)) continue;
    if (mx.name != my.name || !SameRepr(p, cx, cy, shown)) return false;
  }
  return true;
}

std::string ModuleListRepr(const Profile& p, ModuleId id, int precision,
                           const std::vector<bool>* shown) {
  const Module& m = p.tree[id];
  if (m.children.empty()) return m.class_name + "()";
  // PyTorch's ModuleList repr: (index, entries, repr) of the children shown, runs of consecutive
  // equal ones collapsed. A child standing for several (Module::repeat) is that many entries.
  struct Entry {
    int64_t first;
    int64_t n;
    std::string repr;
  };
  std::vector<Entry> reprs;
  int64_t index = 0;
  ModuleId last = -1;  // the child reprs.back() was formatted from
  for (ModuleId c : m.children) {
    int64_t r = p.tree[c].repeat;
    if (Shown(shown, c)) {
      if (!reprs.empty() && reprs.back().first + reprs.back().n == index &&
          SameRepr(p, last, c, shown)) {
        reprs.back().n += r;
        index += r;
        continue;
      }
      last = c;
      std::string s = ModuleRepr(p, c, precision, shown);
      if (!reprs.empty() && reprs.back().repr == s &&
          reprs.back().first + reprs.back().n == index) {
        reprs.back().n += r;
      } else {
        reprs.push_back({index, r, std::move(s)});
      }
    }
    index += r;
  }
  if (reprs.empty())
    return m.class_name + "(" + StatsItem(p, id, precision) + ")";  // cut by --depth
  std::string body;
  for (const Entry& e : reprs) {
    std::string local = "(" + std::to_string(e.first);
    if (e.n > 1) {
      local += "-" + std::to_string(e.first + e.n - 1) + "): " + std::to_string(e.n) + " x ";
    } else {
      local += "): ";
    }
    local += e.repr;
    body += "\n  " + AddIndent(local, 2);
  }
  return m.class_name + "(" + body + "\n)";
}

}  // namespace
}  // namespace text_report

std::string ModuleRepr(const Profile& p, ModuleId id, int precision,
                       const std::vector<bool>* shown) {
  const Module& m = p.tree[id];
  if (m.is_module_list) return text_report::ModuleListRepr(p, id, precision, shown);
  if (m.custom_repr) return m.class_name + "(" + m.extra_repr + ")";
  std::string extra = text_report::StatsItem(p, id, precision);
  if (!m.extra_repr.empty()) extra += ", " + m.extra_repr;
  bool any = false;
  for (ModuleId c : m.children) any |= text_report::Shown(shown, c);
  if (!any) return m.class_name + "(" + extra + ")";
  std::string s = m.class_name + "(\n  " + extra;
  for (ModuleId c : m.children) {
    if (!text_report::Shown(shown, c)) continue;
    s += "\n  (" + p.tree[c].name +
         "): " + text_report::AddIndent(ModuleRepr(p, c, precision, shown), 2);
  }
  return s + "\n)";
}

void WriteTextReport(const ReportModel& r, const ReportOptions& o, std::ostream& out) {
  const Profile& p = *r.profile;
  const ModuleStats& t = p.total();
  auto line = [&out](const std::string& label, const std::string& value) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "%-70s  %-8s", label.c_str(), value.c_str());
    out << buf << '\n';
  };
  const std::string rule(99, '-');
  char bp[64];
  std::snprintf(bp, sizeof bp, "%.2f", o.bp_factor);
  out << "\n"
      << std::string(37, '-') << " Calculate Flops Results " << std::string(37, '-') << "\n"
      << "Notations:\n"
      << "number of parameters (Params), number of multiply-accumulate operations(MACs),\n"
      << "number of floating-point operations (FLOPs), floating-point operations per second "
         "(FLOPS),\n"
      << "fwd FLOPs (model forward propagation FLOPs), bwd FLOPs (model backward propagation "
         "FLOPs),\n";
  const bool calflops = p.convention == Convention::kCalflops;
  // A training step counts backward per op: print that one total, not a bp_factor multiple that
  // would disagree with the training section.
  const bool per_op = !calflops && r.estimates && r.estimates->training;
  if (per_op) {
    out << "backward propagation is counted op by op (--mode train), not as a multiple of "
           "forward.\n\n";
  } else {
    out << "default model backpropagation takes " << bp
        << " times as much computation as forward propagation.\n\n";
  }
  // Every report but calflops' own states what was analysed.
  if (!calflops) out << "Workload: " << WorkloadLine(r) << "\n\n";
  double factor = 1 + o.bp_factor;
  double fwd_bwd_macs = t.macs.ToDouble() * factor;
  double fwd_bwd_flops = t.flops.ToDouble() * factor;
  if (per_op) {
    fwd_bwd_macs = (t.macs + p.perf.train.backward_macs).ToDouble();
    fwd_bwd_flops = r.estimates->training->model_flops.ToDouble();
  }
  line("Total Training Params: ", ParamsToString(t.params.ToDouble(), std::nullopt, 2));
  line("fwd MACs: ", MacsToString(t.macs.ToDouble(), o.unit, o.precision));
  line("fwd FLOPs: ", text_report::Flops(p, t.flops.ToDouble(), o.unit, o.precision));
  line(per_op ? "fwd+bwd MACs (backward per op): " : "fwd+bwd MACs: ",
       MacsToString(fwd_bwd_macs, o.unit, o.precision));
  line(per_op ? "fwd+bwd FLOPs (backward per op): " : "fwd+bwd FLOPs: ",
       text_report::Flops(p, fwd_bwd_flops, o.unit, o.precision));
  if (o.detailed) {
    out << "\n"
        << std::string(32, '-') << " Detailed Calculated FLOPs Results " << std::string(32, '-')
        << "\n"
        << "Each module caculated is listed after its name in the following order: \n"
        << "params, percentage of total params, MACs, percentage of total MACs, FLOPS, percentage "
           "of total FLOPs\n\n"
        << "Note: 1. A module can have torch.nn.module or torch.nn.functional to compute logits "
           "(e.g. CrossEntropyLoss). \n"
        << " They are not counted as submodules in calflops and not to be printed out. However "
           "they make up the difference between a parent's MACs and the sum of its submodules'.\n"
        << "2. Number of floating-point operations is a theoretical estimation, thus FLOPS "
           "computed using that could be larger than the maximum system throughput.\n\n"
        << (o.max_depth < 0 && o.top <= 0
                ? ModuleRepr(p, p.tree.root(), o.precision)
                : [&] {
                    const std::vector<bool> shown = ShownModules(p, o);
                    return ModuleRepr(p, p.tree.root(), o.precision, &shown);
                  }())
        << "\n";
  }
  out << rule << "\n";
  if (r.estimates) {
    WritePerfSections(r, o, out);
    WriteMemoryUsageLine(*r.estimates, out, !calflops);
    if (r.estimates->memory.quantized) WriteQuantizationLine(*r.estimates->memory.quantized, out);
  }
  for (const std::string& n : r.notes) out << "note: " << n << "\n";
  // Ops the cost table cannot price are never silently zero.
  for (const UncostedOp& u : p.uncosted) {
    out << "unsupported: " << u.op << " x" << u.count << " (counted as 0: " << u.reason << ")\n";
  }
}

}  // namespace calflops

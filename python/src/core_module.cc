// calflops._core: the C++ engine for the Python package. The package records a live module (tree
// and ops, python/calflops/_recorder.py) and lowers each op to an Op record
// (python/calflops/_lowering.py); this module turns those records into a RecordedArchitecture,
// analyses it under a convention and hands the profile to the same writers as the CLI.
// Importing it needs no torch.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <sstream>

#include "analysis/analyze.h"
#include "analysis/convention.h"
#include "analysis/estimates.h"
#include "calflops/calflops.h"
#include "calflops/option_table.h"
#include "model/error.h"
#include "ops/op_def.h"
#include "readers/live/recorded_architecture.h"
#include "report/format_registry.h"
#include "report/number_format.h"
#include "report/text_report.h"

namespace py = pybind11;

namespace calflops {
namespace {

constexpr const char* kSource = "recorded module";

Shape ToShape(const py::handle& h, const char* what) {
  Shape s;
  for (const py::handle& d : h) {
    if (s.rank() == kMaxRank) {
      throw BadInput(kSource,
                     std::string(what) + ": more than " + std::to_string(kMaxRank) + " dimensions");
    }
    int64_t v = d.cast<int64_t>();
    if (v < 0) throw BadInput(kSource, std::string(what) + ": negative dimension");
    s.push_back(v);
  }
  return s;
}

DType ToDType(const std::string& name) {
  auto d = ParseDType(name);
  return d ? *d : DType::kF32;
}

/// modules: [(parent, name, class_name, extra_repr, is_module_list, custom_repr,
///            [(param_name, shape, dtype, storage_key, trainable)])], pre-order, root first.
ModuleTree ToTree(const py::list& modules) {
  ModuleTree tree;
  std::map<int64_t, int32_t> storage;  // the recorder's storage keys -> the tree's storage ids
  ModuleId index = 0;
  for (const py::handle& item : modules) {
    auto t = item.cast<py::tuple>();
    if (t.size() != 7) throw BadInput(kSource, "module record: expected 7 fields");
    auto parent = t[0].cast<int64_t>();
    ModuleId id = 0;
    if (index == 0) {
      if (parent != -1) throw BadInput(kSource, "module 0 must be the root (parent -1)");
      tree[0].class_name = t[2].cast<std::string>();
      tree[0].extra_repr = t[3].cast<std::string>();
    } else {
      if (parent < 0 || parent >= index) {
        throw BadInput(kSource, "module " + std::to_string(index) + ": parent " +
                                    std::to_string(parent) + " is not an earlier module");
      }
      id = tree.Add(static_cast<ModuleId>(parent), t[1].cast<std::string>(),
                    t[2].cast<std::string>(), t[3].cast<std::string>());
    }
    tree[id].is_module_list = t[4].cast<bool>();
    tree[id].custom_repr = t[5].cast<bool>();
    for (const py::handle& p : t[6].cast<py::list>()) {
      auto f = p.cast<py::tuple>();
      if (f.size() != 5) throw BadInput(kSource, "parameter record: expected 5 fields");
      auto key = f[3].cast<int64_t>();
      auto found = storage.find(key);
      int32_t sid = tree.AddParam(id, f[0].cast<std::string>(), ToShape(f[1], "parameter shape"),
                                  ToDType(f[2].cast<std::string>()),
                                  found == storage.end() ? -1 : found->second);
      storage.emplace(key, sid);
      tree[id].params.back().trainable = f[4].cast<bool>();
    }
    ++index;
  }
  return tree;
}

/// ops: [(module, kind, form, dtype, [input shapes], output shape, attr, attr2)].
std::vector<RecordedOp> ToOps(const py::list& ops) {
  std::vector<RecordedOp> out;
  out.reserve(ops.size());
  for (const py::handle& item : ops) {
    auto t = item.cast<py::tuple>();
    if (t.size() != 8) throw BadInput(kSource, "op record: expected 8 fields");
    RecordedOp r;
    r.module = t[0].cast<ModuleId>();
    auto kind = t[1].cast<int>();
    if (kind < 0 || kind >= kNumOpKinds) throw BadInput(kSource, "op kind out of range");
    r.op.kind = static_cast<OpKind>(kind);
    auto form = t[2].cast<int>();
    if (form < 0 || form > static_cast<int>(CallForm::kUnhooked)) {
      throw BadInput(kSource, "call form out of range");
    }
    r.op.form = static_cast<CallForm>(form);
    r.op.dtype = ToDType(t[3].cast<std::string>());
    auto ins = t[4].cast<py::list>();
    if (ins.size() > 3) throw BadInput(kSource, "op record: more than 3 inputs");
    for (const py::handle& s : ins) r.op.in[r.op.n_in++] = ToShape(s, "op input");
    r.op.out = ToShape(t[5], "op output");
    r.op.attr = t[6].cast<int64_t>();
    r.op.attr2 = t[7].cast<int64_t>();
    out.push_back(r);
  }
  return out;
}

std::string U128(unsigned __int128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return s;
}

/// Analyses the records and writes the reports. Returns a dict: "text" (the calflops report, no
/// estimates: what calculate_flops prints), "formats" (every registered format, with the
/// estimates), per-module and per-call figures, and the root totals as decimal
/// strings (Python ints are built from them: counts may exceed 64 bits).
py::dict AnalyzeRecorded(const py::list& modules, const py::list& ops, const py::list& uncosted,
                         const py::dict& options) {
  auto get = [&](const char* k, auto def) {
    using T = decltype(def);
    return options.contains(k) && !options[k].is_none() ? options[k].cast<T>() : def;
  };
  std::string convention_name = get("convention", std::string("analytic"));
  auto convention = ValueOf(kConventionNames, convention_name);
  if (!convention) {
    throw Error(ExitCode::kUsage, "convention",
                "unknown value " + Quote(convention_name) + " (expected analytic or calflops)");
  }
  std::vector<UncostedOp> unc;
  for (const py::handle& u : uncosted) {
    auto t = u.cast<py::tuple>();
    unc.push_back(
        UncostedOp{t[0].cast<std::string>(), t[1].cast<int64_t>(), t[2].cast<std::string>()});
  }
  std::string model = get("model", std::string("module"));
  DType dtype = ToDType(get("dtype", std::string("float32")));
  std::vector<size_t> starts;
  if (options.contains("call_starts")) starts = options["call_starts"].cast<std::vector<size_t>>();
  RecordedArchitecture arch(ToTree(modules), ToOps(ops), std::move(unc), dtype, model,
                            std::move(starts));

  Workload w;
  w.mode = get("generate", false) ? Mode::kGenerate : Mode::kForward;
  w.batch = get("batch", int64_t{1});
  w.seq_len = get("seq_len", int64_t{1});
  py::dict result;
  Profile profile;
  Estimates estimates;
  {
    py::gil_scoped_release release;
    profile = calflops::Analyze(arch, w, *convention, nullptr);
    estimates = Estimate(profile, w, TrainingOptions{}, nullptr, std::nullopt);
  }
  // The display options go through the option table as the CLI's do: output_precision=10**9
  // formatted a billion decimals (5 GB, then killed), and nothing checked the unit or the factor.
  Options display;
  for (auto [key, flag] : {std::pair{"precision", "precision"}, std::pair{"unit", "unit"},
                           std::pair{"bp_factor", "bp-factor"}}) {
    if (options.contains(key) && !options[key].is_none())
      ParseOption(display, flag, py::str(options[key]).cast<std::string>());
  }
  ValidateOptions(display);
  ReportOptions r;
  r.precision = display.precision;
  if (display.unit) r.unit = std::string(NameOf(kUnitNames, *display.unit));
  r.bp_factor = display.bp_factor;
  r.detailed = get("detailed", true);
  ReportModel report{.model = model, .workload = w, .profile = &profile};
  std::ostringstream text;
  WriteTextReport(report, r, text);
  result["text"] = text.str();
  // Every registered format (report/format_registry.h), with the estimates, as the CLI writes it.
  report.estimates = &estimates;
  py::dict formats;
  for (const ReportFormat& f : AllReportFormats()) {
    std::ostringstream out;
    f.write(report, r, out);
    formats[py::str(std::string(f.name))] = out.str();
  }
  result["formats"] = formats;
  const ModuleStats& t = profile.total();
  result["params"] = U128(t.params.value());
  result["macs"] = U128(t.macs.value());
  result["flops"] = U128(t.flops.value());
  result["memory_bytes"] = U128(estimates.memory.peak.value());
  py::list per_module;
  for (const ModuleStats& s : profile.stats) {
    per_module.append(
        py::make_tuple(U128(s.params.value()), U128(s.macs.value()), U128(s.flops.value())));
  }
  result["modules"] = per_module;
  py::list unsupported;
  for (const UncostedOp& u : profile.uncosted) {
    unsupported.append(py::make_tuple(u.op, u.count, u.reason));
  }
  result["unsupported"] = unsupported;
  py::list calls;  // (label, macs, flops) per recorded forward call
  for (int64_t i = 0; i < profile.CallCount(); ++i) {
    CallStats c = profile.Call(i);
    calls.append(py::make_tuple(c.label, U128(c.macs.value()), U128(c.flops.value())));
  }
  result["calls"] = calls;
  return result;
}

/// The calflops report of a model the CLI can read (zoo name, config.json, ONNX, ...): the
/// native path behind calculate_flops_hf. `args` are Options fields by name.
py::dict AnalyzeNative(const py::dict& o) {
  Options opt;
  for (auto item : o) {
    auto k = item.first.cast<std::string>();
    const py::handle& v = item.second;
    if (v.is_none()) continue;
    // Options fields by name, parsed by the option table as the CLI parses them.
    static const std::map<std::string, std::string> kNames = {{"model_class", "model-class"},
                                                              {"convention", "convention"},
                                                              {"attn_impl", "attn-impl"},
                                                              {"mode", "mode"},
                                                              {"batch", "batch-size"},
                                                              {"seq_len", "seq-len"},
                                                              {"prompt_tokens", "prompt-tokens"},
                                                              {"max_new_tokens", "max-new-tokens"},
                                                              {"dtype", "dtype"},
                                                              {"precision", "precision"},
                                                              {"unit", "unit"},
                                                              {"bp_factor", "bp-factor"},
                                                              {"format", "format"},
                                                              {"input_shapes", "input-shape"},
                                                              {"dims", "dim"}};
    if (k == "model") {
      opt.model = v.cast<std::string>();
    } else if (k == "strict" || k == "detailed") {
      bool on = v.cast<bool>();
      if (k == "strict" && on) ParseOption(opt, "strict", "");
      if (k == "detailed" && !on) ParseOption(opt, "no-detail", "");
    } else if (k == "input_shapes" || k == "dims") {
      for (const auto& s : v.cast<std::vector<std::string>>()) ParseOption(opt, kNames.at(k), s);
    } else if (auto it = kNames.find(k); it != kNames.end()) {
      ParseOption(opt, it->second, py::str(v).cast<std::string>());
    } else {
      throw Error(ExitCode::kUsage, k, "unknown option");
    }
  }
  // Python passes every keyword, defaults included: only values that differ from the defaults
  // count as given (an ONNX graph with fixed shapes is not refused batch=1).
  opt.given.clear();
  py::dict result;
  std::ostringstream out;
  Totals t;
  {
    py::gil_scoped_release release;
    WriteReport(opt, out);
    t = Measure(opt);
  }
  result["report"] = out.str();
  result["params"] = U128(t.params);
  result["macs"] = U128(t.macs);
  result["flops"] = U128(t.flops);
  result["memory_bytes"] = U128(t.memory_bytes);
  return result;
}

}  // namespace
}  // namespace calflops

PYBIND11_MODULE(_core, m) {
  using namespace calflops;
  m.doc() = "calflops C++ engine: costs recorded ops and writes the reports";
  static py::exception<Error> error(m, "Error", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      PyErr_SetString(error.ptr(), e.what());
    }
  });
  m.def("version", &Version);
  m.def(
      "op_kinds",
      [] {
        py::dict d;
        for (const OpDef& def : AllOpDefs())
          d[py::str(std::string(def.name))] = static_cast<int>(def.kind);
        return d;
      },
      "Op kind names of the cost table (src/ops/) -> OpKind values");
  m.def("call_forms", [] {
    py::dict d;
    d["functional"] = static_cast<int>(CallForm::kFunctional);
    d["torch"] = static_cast<int>(CallForm::kTorch);
    d["operator"] = static_cast<int>(CallForm::kPyOperator);
    d["unhooked"] = static_cast<int>(CallForm::kUnhooked);
    return d;
  });
  m.def("analyze", &AnalyzeRecorded, py::arg("modules"), py::arg("ops"), py::arg("uncosted"),
        py::arg("options"));
  m.def("analyze_native", &AnalyzeNative, py::arg("options"));
  m.def(
      "number_to_string",
      [](double num, std::optional<std::string> unit, int precision) {
        return NumberToString(num, unit, precision);
      },
      py::arg("num"), py::arg("units") = py::none(), py::arg("precision") = 2);
  m.def(
      "flops_to_string",
      [](double num, std::optional<std::string> unit, int precision) {
        return FlopsToString(num, unit, precision);
      },
      py::arg("flops"), py::arg("units") = py::none(), py::arg("precision") = 2);
  m.def(
      "macs_to_string",
      [](double num, std::optional<std::string> unit, int precision) {
        return MacsToString(num, unit, precision);
      },
      py::arg("macs"), py::arg("units") = py::none(), py::arg("precision") = 2);
  m.def(
      "params_to_string",
      [](double num, std::optional<std::string> unit, int precision) {
        return ParamsToString(num, unit, precision);
      },
      py::arg("params_num"), py::arg("units") = py::none(), py::arg("precision") = 2);
}

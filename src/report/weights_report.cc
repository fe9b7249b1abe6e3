#include "report/weights_report.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "analysis/weights.h"

namespace calflops {
namespace weights_report {
namespace {

/// Text lines per list in the text block; the JSON report has everything.
constexpr size_t kMaxTextMismatches = 20;
constexpr int kMaxTextModuleDepth = 2;

void WriteStats(JsonWriter& w, const WeightStats& s) {
  w.Key("tensors").Int(static_cast<int64_t>(s.tensors));
  w.Key("params").Number(s.params);
  w.Key("bytes").Number(s.bytes);
  w.Key("bits_per_weight").Double(s.bits_per_weight());
}

void WriteShape(JsonWriter& w, const Shape& s) {
  w.BeginArray();
  for (int64_t d : s) w.Int(d);
  w.EndArray();
}

void WriteJsonValue(JsonWriter& w, const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object:
      w.BeginObject();
      for (const auto& [k, v] : j.items()) {
        w.Key(k);
        WriteJsonValue(w, v);
      }
      w.EndObject();
      break;
    case nlohmann::json::value_t::array:
      w.BeginArray();
      for (const auto& v : j) WriteJsonValue(w, v);
      w.EndArray();
      break;
    case nlohmann::json::value_t::string:
      w.String(j.get<std::string>());
      break;
    case nlohmann::json::value_t::boolean:
      w.Bool(j.get<bool>());
      break;
    case nlohmann::json::value_t::number_unsigned:
      w.Number(Count(j.get<uint64_t>()));
      break;
    case nlohmann::json::value_t::number_integer:
      w.Int(j.get<int64_t>());
      break;
    case nlohmann::json::value_t::number_float:
      w.Double(j.get<double>());
      break;
    default:
      w.Null();
  }
}

/// 1234567 -> "1,234,567"
std::string Grouped(Count c) {
  std::string s = c.ToString(), o;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && (s.size() - i) % 3 == 0) o += ',';
    o += s[i];
  }
  return o;
}

/// Bytes in binary units: "4.58 GiB".
std::string Bytes(Count c) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = c.ToDouble();
  int u = 0;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  char b[32];
  std::snprintf(b, sizeof b, u == 0 ? "%.0f %s" : "%.2f %s", v, kUnits[u]);
  return b;
}

/// Parameters with an SI suffix: "8.03 B", "262.1 K".
std::string Params(Count c) {
  static const char* kUnits[] = {"", " K", " M", " B", " T"};
  double v = c.ToDouble();
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  char b[32];
  std::snprintf(b, sizeof b, u == 0 ? "%.0f%s" : "%.2f%s", v, kUnits[u]);
  return b;
}

std::string StatsLine(const WeightStats& s) {
  char b[160];
  std::snprintf(b, sizeof b, "%6llu %-7s  %10s params  %11s  %6.3f bits/weight",
                static_cast<unsigned long long>(s.tensors), s.tensors == 1 ? "tensor" : "tensors",
                Params(s.params).c_str(), Bytes(s.bytes).c_str(), s.bits_per_weight());
  return b;
}

std::string Fact(const TensorSet& t, const std::string& key) {
  for (const auto& [k, v] : t.facts)
    if (k == key) return v;
  return "";
}

}  // namespace
}  // namespace weights_report

void WriteWeightsJson(JsonWriter& w, const WeightsSection& s) {
  const TensorSet& t = s.tensors;
  w.BeginObject();
  w.Key("format").String(t.format);
  w.Key("facts").BeginObject();
  for (const auto& [k, v] : t.facts) w.Key(k).String(v);
  w.EndObject();
  w.Key("files").BeginArray();
  for (const auto& f : t.files) {
    w.BeginObject();
    w.Key("path").String(f.path);
    w.Key("bytes").Number(Count(f.size_bytes));
    w.Key("header_bytes").Number(Count(f.header_bytes));
    w.Key("tensors").Int(static_cast<int64_t>(f.tensors));
    w.EndObject();
  }
  w.EndArray();
  w.Key("total").BeginObject();
  weights_report::WriteStats(w, s.profile.total);
  w.EndObject();
  w.Key("by_dtype").BeginArray();
  for (const auto& d : s.profile.by_dtype) {
    w.BeginObject();
    w.Key("dtype").String(d.dtype);
    weights_report::WriteStats(w, d.stats);
    w.EndObject();
  }
  w.EndArray();
  w.Key("modules").BeginArray();
  for (const auto& m : s.profile.modules) {
    w.BeginObject();
    w.Key("path").String(m.path);
    w.Key("depth").Int(m.depth);
    weights_report::WriteStats(w, m.stats);
    w.EndObject();
  }
  w.EndArray();
  w.Key("tensors").BeginArray();
  for (const auto& ti : t.tensors) {
    w.BeginObject();
    w.Key("name").String(ti.name);
    if (!ti.model_name.empty()) w.Key("model_name").String(ti.model_name);
    if (ti.stacked) w.Key("stacked").Bool(true);
    if (ti.constant) w.Key("constant").Bool(true);
    w.Key("dtype").String(ti.dtype);
    w.Key("shape");
    weights_report::WriteShape(w, ti.shape);
    w.Key("params").Number(ti.elements);
    w.Key("bytes").Number(ti.bytes);
    w.Key("file").Int(ti.file);
    w.Key("offset").Number(Count(ti.offset));
    w.EndObject();
  }
  w.EndArray();
  w.Key("comparison");
  if (!s.comparison) {
    w.Null();
  } else {
    const WeightsComparison& c = *s.comparison;
    w.BeginObject();
    w.Key("against").String(c.against);
    w.Key("matched").Int(static_cast<int64_t>(c.matched));
    w.Key("tied").Int(static_cast<int64_t>(c.tied));
    w.Key("mismatch_count").Int(static_cast<int64_t>(c.mismatches.size()));
    w.Key("mismatches").BeginArray();
    for (const auto& m : c.mismatches) {
      w.BeginObject();
      w.Key("kind").String(MismatchKindName(m.kind));
      w.Key("name").String(m.name);
      if (m.kind == WeightMismatch::Kind::kShape || m.kind == WeightMismatch::Kind::kExtraInFile) {
        w.Key("file_shape");
        weights_report::WriteShape(w, m.file_shape);
      }
      if (m.kind == WeightMismatch::Kind::kShape ||
          m.kind == WeightMismatch::Kind::kMissingInFile) {
        w.Key("model_shape");
        weights_report::WriteShape(w, m.model_shape);
      }
      w.Key("file_params").Number(m.file_params);
      w.Key("model_params").Number(m.model_params);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  if (s.config) {
    w.Key("config");
    weights_report::WriteJsonValue(w, *s.config);
  }
  if (!s.note.empty()) w.Key("note").String(s.note);
  w.EndObject();
}

void WriteWeightsText(const WeightsSection& s, std::ostream& out) {
  const TensorSet& t = s.tensors;
  const WeightsProfile& p = s.profile;
  out << "\n"
      << std::string(35, '-') << " Weights (from file headers) " << std::string(35, '-') << "\n";
  std::string format = t.format;
  if (t.format == "gguf")
    format += " v" + weights_report::Fact(t, "gguf_version") + ", alignment " +
              weights_report::Fact(t, "alignment");
  out << "Format:        " << format << ", " << t.files.size()
      << (t.files.size() == 1 ? " file" : " files") << "\n";
  out << "Parameters:    " << weights_report::Params(p.total.params) << " ("
      << weights_report::Grouped(p.total.params) << ")\n";
  char bpw[32];
  std::snprintf(bpw, sizeof bpw, "%.3f", p.total.bits_per_weight());
  out << "Weight bytes:  " << weights_report::Bytes(p.total.bytes) << " ("
      << weights_report::Grouped(p.total.bytes) << "), " << bpw << " bits per weight\n";
  out << "By type:\n";
  for (const auto& d : p.by_dtype) {
    char b[32];
    std::snprintf(b, sizeof b, "  %-12s", d.dtype.c_str());
    out << b << weights_report::StatsLine(d.stats) << "\n";
  }
  out << "By module:\n";
  for (const auto& m : p.modules) {
    if (m.depth > weights_report::kMaxTextModuleDepth) continue;
    std::string name = std::string(static_cast<size_t>(2 * m.depth), ' ') + m.path;
    char b[256];
    std::snprintf(b, sizeof b, "%-40s", name.c_str());
    out << b << weights_report::StatsLine(m.stats) << "\n";
  }
  if (s.comparison) {
    const WeightsComparison& c = *s.comparison;
    out << "Compared with " << c.against << ": " << c.matched << " tensors match";
    if (c.tied) out << ", " << c.tied << " tied";
    out << ", " << c.mismatches.size() << (c.mismatches.size() == 1 ? " mismatch" : " mismatches")
        << "\n";
    for (size_t i = 0; i < c.mismatches.size() && i < weights_report::kMaxTextMismatches; ++i) {
      const auto& m = c.mismatches[i];
      out << "  " << MismatchKindName(m.kind) << "  " << m.name;
      if (m.kind == WeightMismatch::Kind::kShape) {
        out << "  file " << m.file_shape.ToString() << ", model " << m.model_shape.ToString();
      } else if (m.kind == WeightMismatch::Kind::kMissingInFile) {
        out << "  model " << m.model_shape.ToString();
      } else if (m.kind == WeightMismatch::Kind::kExtraInFile) {
        out << "  file "
            << (m.file_shape.rank() ? m.file_shape.ToString()
                                    : weights_report::Grouped(m.file_params) + " params");
      } else {
        out << "  file " << weights_report::Grouped(m.file_params) << " params, model "
            << weights_report::Grouped(m.model_params);
      }
      out << "\n";
    }
    if (c.mismatches.size() > weights_report::kMaxTextMismatches) {
      out << "  ... and " << c.mismatches.size() - weights_report::kMaxTextMismatches
          << " more (--format json lists all)\n";
    }
  }
  if (!s.note.empty()) out << "Note:          " << s.note << "\n";
  out << std::string(99, '-') << "\n";
}

}  // namespace calflops

#include "report/sweep_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "model/error.h"
#include "report/json_report.h"
#include "report/json_writer.h"
#include "report/perf_text.h"
#include "report/summary.h"

namespace calflops {
namespace {

bool HasLatency(const SweepReport& r) {
  return !r.points.empty() && r.points.front().latency_s.has_value();
}

bool HasMemory(const SweepReport& r) { return !r.counts_only; }

/// The row's key: the swept value, or the compared model.
std::string Key(const SweepReport& r, size_t i) {
  return i < r.labels.size() ? r.labels[i] : std::to_string(r.points[i].value);
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string Esc(std::string_view s) {  // HTML / SVG text
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", s);
  return buf;
}

void Text(const SweepReport& r, std::ostream& out) {
  if (r.labels.empty()) {
    out << "Sweep of " << r.model << " over " << r.axis << " (" << r.points.size() << " points)\n";
  } else {
    out << "Comparison: " << r.model << "\n";
  }
  out
      << "Workload: " << r.workload << "\n\n";
  char buf[256];
  std::snprintf(buf, sizeof buf, "%14s %16s %16s %14s%s\n", r.axis.c_str() + 2, "MACs", "FLOPs",
                HasMemory(r) ? "peak memory" : "", HasLatency(r) ? "        latency" : "");
  out << buf;
  for (size_t i = 0; i < r.points.size(); ++i) {
    const SweepPoint& p = r.points[i];
    std::snprintf(buf, sizeof buf, "%14s %16s %16s %14s", Key(r, i).c_str(),
                  (HumanCount(p.macs.ToDouble()) + "MACs").c_str(),
                  (HumanCount(p.flops.ToDouble()) + "FLOPs").c_str(),
                  HasMemory(r) ? HumanBytes(p.memory_peak).c_str() : "");
    out << buf;
    if (p.latency_s) {
      std::snprintf(buf, sizeof buf, " %14s", HumanSeconds(*p.latency_s).c_str());
      out << buf;
    }
    out << "\n";
  }
}

void Json(const SweepReport& r, std::ostream& out) {
  JsonWriter w(out);
  w.BeginObject();
  w.Key("schema_version").Int(kJsonSchemaVersion);
  w.Key("model").String(r.model);
  w.Key("sweep").String(r.axis);
  w.Key("workload").String(r.workload);
  w.Key("points").BeginArray();
  for (size_t i = 0; i < r.points.size(); ++i) {
    const SweepPoint& p = r.points[i];
    w.BeginObject();
    if (i < r.labels.size()) {
      w.Key("model").String(r.labels[i]);
    } else {
      w.Key("value").Int(p.value);
    }
    w.Key("params").Number(p.params);
    w.Key("macs").Number(p.macs);
    w.Key("flops").Number(p.flops);
    if (HasMemory(r)) w.Key("memory_peak_bytes").Number(p.memory_peak);
    if (p.latency_s) w.Key("latency_s").Double(*p.latency_s);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  out << "\n";
}

void Csv(const SweepReport& r, std::ostream& out) {
  out << (r.axis.c_str() + 2) << ",params,macs,flops" << (HasMemory(r) ? ",memory_peak_bytes" : "")
      << (HasLatency(r) ? ",latency_s" : "") << "\n";
  for (size_t i = 0; i < r.points.size(); ++i) {
    const SweepPoint& p = r.points[i];
    out << CsvField(Key(r, i)) << ',' << p.params << ',' << p.macs << ',' << p.flops;
    if (HasMemory(r)) out << ',' << p.memory_peak;
    if (p.latency_s) out << ',' << Seconds(*p.latency_s);
    out << "\n";
  }
}

void MarkdownTable(const SweepReport& r, std::ostream& out) {
  out << "| " << (r.axis.c_str() + 2) << " | MACs | FLOPs |" << (HasMemory(r) ? " Peak memory |" : "")
      << (HasLatency(r) ? " Latency |" : "") << "\n|--:|--:|--:|" << (HasMemory(r) ? "--:|" : "")
      << (HasLatency(r) ? "--:|" : "") << "\n";
  for (size_t i = 0; i < r.points.size(); ++i) {
    const SweepPoint& p = r.points[i];
    std::string key = Key(r, i);
    for (size_t at = key.find('|'); at != std::string::npos; at = key.find('|', at + 2))
      key.replace(at, 1, "\\|");
    out << "| " << key << " | " << HumanCount(p.macs.ToDouble()) << "MACs | "
        << HumanCount(p.flops.ToDouble()) << "FLOPs |";
    if (HasMemory(r)) out << ' ' << HumanBytes(p.memory_peak) << " |";
    if (p.latency_s) out << ' ' << HumanSeconds(*p.latency_s) << " |";
    out << "\n";
  }
}

void Markdown(const SweepReport& r, std::ostream& out) {
  // Names here come from the command line; escape the table's one metacharacter.
  std::string model = r.model;
  for (size_t at = model.find('|'); at != std::string::npos; at = model.find('|', at + 2))
    model.replace(at, 1, "\\|");
  out << "# calflops sweep: " << model << " over `" << r.axis << "`\n\nWorkload: " << r.workload
      << "\n\n";
  MarkdownTable(r, out);
}

void Html(const SweepReport& r, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; img-src data:\">\n<link rel=\"icon\" href=\"data:,\">\n"
      << "<title>calflops sweep: " << Esc(r.model) << "</title>\n<style>body{font:14px/1.4 "
         "system-ui,sans-serif;margin:1.5em}td,th{padding:1px 8px;text-align:right}</style>\n"
      << "</head>\n<body>\n<h1>calflops sweep: " << Esc(r.model) << " over " << Esc(r.axis)
      << "</h1>\n<p>Workload: " << Esc(r.workload) << "</p>\n";
  WriteSweepSvg(r, out);
  out << "<table id=\"sweep\">\n<tr><th>" << Esc(r.axis.substr(2))
      << "</th><th>MACs</th><th>FLOPs</th>" << (HasMemory(r) ? "<th>Peak memory</th>" : "")
      << (HasLatency(r) ? "<th>Latency</th>" : "") << "</tr>\n";
  for (size_t i = 0; i < r.points.size(); ++i) {
    const SweepPoint& p = r.points[i];
    out << "<tr><td>" << Esc(Key(r, i)) << "</td><td data-exact=\"" << p.macs << "\">"
        << HumanCount(p.macs.ToDouble()) << "MACs</td><td data-exact=\"" << p.flops << "\">"
        << HumanCount(p.flops.ToDouble()) << "FLOPs</td>";
    if (HasMemory(r))
      out << "<td data-exact=\"" << p.memory_peak << "\">" << HumanBytes(p.memory_peak) << "</td>";
    if (p.latency_s) out << "<td>" << HumanSeconds(*p.latency_s) << "</td>";
    out << "</tr>\n";
  }
  out << "</table>\n</body>\n</html>\n";
}

}  // namespace

std::vector<std::string_view> SweepFormats() {
  return {"text", "json", "csv", "markdown", "html", "svg"};
}

void WriteSweep(const SweepReport& r, std::string_view format, std::ostream& out) {
  if (format == "text") return Text(r, out);
  if (format == "json") return Json(r, out);
  if (format == "csv") return Csv(r, out);
  if (format == "markdown") return Markdown(r, out);
  if (format == "html") return Html(r, out);
  if (format == "svg") return WriteSweepSvg(r, out);
  std::string names;
  for (std::string_view f : SweepFormats()) names += (names.empty() ? "" : ", ") + std::string(f);
  throw Error(ExitCode::kUsage, "--format",
              "unknown value '" + std::string(format) + "' for a sweep (expected " + names + ")");
}

void WriteSweepSvg(const SweepReport& r, std::ostream& out) {
  struct Panel {
    const char* title;
    std::vector<double> y;
    std::string (*label)(double);
  };
  std::vector<Panel> panels;
  Panel flops{"FLOPs", {}, [](double v) { return HumanCount(v) + "FLOPs"; }};
  Panel mem{"Peak memory", {}, [](double v) { return HumanBytes(v); }};
  Panel lat{"Latency (roofline)", {}, [](double v) { return HumanSeconds(v); }};
  for (const SweepPoint& p : r.points) {
    flops.y.push_back(p.flops.ToDouble());
    mem.y.push_back(p.memory_peak.ToDouble());
    if (p.latency_s) lat.y.push_back(*p.latency_s);
  }
  panels.push_back(flops);
  if (HasMemory(r)) panels.push_back(mem);
  if (HasLatency(r)) panels.push_back(lat);
  const double W = 720, PH = 160, L = 90, R = 20, T = 30, B = 40;
  const double H = T + panels.size() * PH + B;
  // A log x axis when the values span more than a factor of 16 and grow geometrically.
  double x0 = r.points.empty() ? 0 : static_cast<double>(r.points.front().value);
  double x1 = r.points.empty() ? 1 : static_cast<double>(r.points.back().value);
  bool log_x = x0 > 0 && x1 / x0 > 16;
  auto fx = [&](double v) {
    double t = x1 == x0 ? 0.5
               : log_x  ? (std::log(v) - std::log(x0)) / (std::log(x1) - std::log(x0))
                        : (v - x0) / (x1 - x0);
    return L + t * (W - L - R);
  };
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"11\">\n",
                W, H, W, H);
  out << buf << "<title>calflops sweep: " << Esc(r.model) << " over " << Esc(r.axis)
      << "</title>\n<text x=\"" << L << "\" y=\"18\" font-size=\"13\">" << Esc(r.model)
      << ": FLOPs" << (HasMemory(r) ? ", memory" : "") << (HasLatency(r) ? ", latency" : "") << " against " << Esc(r.axis)
      << (log_x ? " (log scale)" : "") << "</text>\n";
  for (size_t k = 0; k < panels.size(); ++k) {
    const Panel& p = panels[k];
    double top = T + k * PH + 10, bottom = T + (k + 1) * PH - 10;
    double lo = p.y.empty() ? 0 : *std::min_element(p.y.begin(), p.y.end());
    double hi = p.y.empty() ? 1 : *std::max_element(p.y.begin(), p.y.end());
    if (hi <= lo) hi = lo + 1;
    std::snprintf(buf, sizeof buf,
                  "<rect x=\"%.0f\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" fill=\"none\" "
                  "stroke=\"#ccc\"/>\n",
                  L, top, W - L - R, bottom - top);
    out << buf << "<text x=\"4\" y=\"" << top + 10 << "\">" << Esc(p.label(hi)) << "</text>\n"
        << "<text x=\"4\" y=\"" << bottom << "\">" << Esc(p.label(lo)) << "</text>\n"
        << "<text x=\"" << L + 6 << "\" y=\"" << top + 14 << "\" fill=\"#555\">" << p.title
        << "</text>\n<polyline class=\"series\" data-series=\"" << p.title
        << "\" fill=\"none\" stroke=\"#4a7bd0\" stroke-width=\"2\" points=\"";
    for (size_t i = 0; i < p.y.size(); ++i) {
      double y = bottom - (p.y[i] - lo) / (hi - lo) * (bottom - top);
      std::snprintf(buf, sizeof buf, "%s%.1f,%.1f", i ? " " : "",
                    fx(static_cast<double>(r.points[i].value)), y);
      out << buf;
    }
    out << "\"/>\n";
  }
  std::snprintf(buf, sizeof buf, "<text x=\"%.0f\" y=\"%.0f\">%lld</text>\n", L, H - 12,
                static_cast<long long>(x0));
  out << buf;
  std::snprintf(buf, sizeof buf, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%lld</text>\n",
                W - R, H - 12, static_cast<long long>(x1));
  out << buf << "</svg>\n";
}

}  // namespace calflops

#include "report/sweep_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "model/error.h"
#include "report/html_escape.h"
#include "report/json_report.h"
#include "report/json_writer.h"
#include "report/perf_text.h"
#include "report/summary.h"

namespace calflops {
namespace sweep_report {
namespace {

/// Any row with a latency (compared sides may differ: one with --hardware, one without).
bool HasLatency(const SweepReport& r) {
  for (const SweepPoint& p : r.points)
    if (p.latency_s) return true;
  return false;
}

/// A sweep of several sides: each point's side in a first column, a line per side in the chart.
bool HasSeries(const SweepReport& r) { return !r.series.empty(); }

std::string SeriesOf(const SweepReport& r, size_t i) {
  return i < r.series.size() ? r.series[i] : "";
}

bool HasMemory(const SweepReport& r) { return !r.counts_only; }

/// The row's key: the swept value, or the compared model.
std::string Key(const SweepReport& r, size_t i) {
  return i < r.labels.size() ? r.labels[i] : std::to_string(r.points[i].value);
}

bool HasWorkloads(const SweepReport& r) { return !r.workloads.empty(); }

std::string RowWorkload(const SweepReport& r, size_t i) {
  return i < r.workloads.size() ? r.workloads[i] : "";
}

/// "calflops sweep: M over --seq-len" or "calflops compare: A vs B".
std::string Title(const SweepReport& r) {
  if (r.labels.empty()) return "calflops sweep: " + r.model + " over " + r.axis;
  return "calflops compare: " + r.model;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
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
  out << "Workload: " << r.workload << "\n\n";
  // The key columns as wide as their longest entry (compared rows carry their options).
  size_t width = 14, side_width = 0;
  for (size_t i = 0; i < r.points.size(); ++i) {
    width = std::max(width, Key(r, i).size());
    side_width = std::max(side_width, SeriesOf(r, i).size());
  }
  auto pad = [](const std::string& k, size_t w) {
    return std::string(w > k.size() ? w - k.size() : 0, ' ') + k;
  };
  char buf[256];
  std::snprintf(buf, sizeof buf, " %16s %16s %14s%s\n", "MACs", "FLOPs",
                HasMemory(r) ? "peak memory" : "", HasLatency(r) ? "        latency" : "");
  if (HasSeries(r)) out << pad("compared", std::max<size_t>(side_width, 8)) << ' ';
  out << pad(r.axis.substr(2), width) << buf;
  const bool latency = HasLatency(r);  // once: asked per row, it scanned every point
  for (size_t i = 0; i < r.points.size(); ++i) {
    const SweepPoint& p = r.points[i];
    if (HasSeries(r)) out << pad(SeriesOf(r, i), std::max<size_t>(side_width, 8)) << ' ';
    out << pad(Key(r, i), width);
    std::snprintf(buf, sizeof buf, " %16s %16s %14s",
                  (HumanCount(p.macs.ToDouble()) + "MACs").c_str(),
                  (HumanCount(p.flops.ToDouble()) + "FLOPs").c_str(),
                  HasMemory(r) ? HumanBytes(p.memory_peak).c_str() : "");
    out << buf;
    if (latency) {
      std::snprintf(buf, sizeof buf, " %14s",
                    p.latency_s ? HumanSeconds(*p.latency_s).c_str() : "-");
      out << buf;
    }
    out << "\n";
  }
  if (HasWorkloads(r)) {
    out << "\nWorkloads:\n";
    for (size_t i = 0; i < r.points.size(); ++i)
      out << "  " << Key(r, i) << ": " << RowWorkload(r, i) << "\n";
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
    if (HasSeries(r)) w.Key("compared").String(SeriesOf(r, i));
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
    if (HasWorkloads(r)) w.Key("workload").String(RowWorkload(r, i));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  out << "\n";
}

void Csv(const SweepReport& r, std::ostream& out) {
  out << (HasSeries(r) ? "compared," : "") << (r.axis.c_str() + 2) << ",params,macs,flops"
      << (HasMemory(r) ? ",memory_peak_bytes" : "") << (HasLatency(r) ? ",latency_s" : "")
      << (HasWorkloads(r) ? ",workload" : "") << "\n";
  const bool latency = HasLatency(r);  // once: asked per row, it scanned every point
  for (size_t i = 0; i < r.points.size(); ++i) {
    const SweepPoint& p = r.points[i];
    if (HasSeries(r)) out << CsvField(SeriesOf(r, i)) << ',';
    out << CsvField(Key(r, i)) << ',' << p.params << ',' << p.macs << ',' << p.flops;
    if (HasMemory(r)) out << ',' << p.memory_peak;
    if (latency) out << ',' << (p.latency_s ? Seconds(*p.latency_s) : "");
    if (HasWorkloads(r)) out << ',' << CsvField(RowWorkload(r, i));
    out << "\n";
  }
}

/// Names here come from the command line; escape the table's one metacharacter.
std::string MdCell(std::string s) {
  for (size_t at = s.find('|'); at != std::string::npos; at = s.find('|', at + 2))
    s.replace(at, 1, "\\|");
  return s;
}

void MarkdownTable(const SweepReport& r, std::ostream& out) {
  out << (HasSeries(r) ? "| compared " : "") << "| " << (r.axis.c_str() + 2) << " | MACs | FLOPs |"
      << (HasMemory(r) ? " Peak memory |" : "") << (HasLatency(r) ? " Latency |" : "")
      << (HasWorkloads(r) ? " Workload |" : "") << "\n"
      << (HasSeries(r) ? "|:--" : "") << "|--:|--:|--:|" << (HasMemory(r) ? "--:|" : "")
      << (HasLatency(r) ? "--:|" : "") << (HasWorkloads(r) ? ":--|" : "") << "\n";
  const bool latency = HasLatency(r);  // once: asked per row, it scanned every point
  for (size_t i = 0; i < r.points.size(); ++i) {
    const SweepPoint& p = r.points[i];
    std::string key = MdCell(Key(r, i));
    if (HasSeries(r)) out << "| " << MdCell(SeriesOf(r, i)) << ' ';
    out << "| " << key << " | " << HumanCount(p.macs.ToDouble()) << "MACs | "
        << HumanCount(p.flops.ToDouble()) << "FLOPs |";
    if (HasMemory(r)) out << ' ' << HumanBytes(p.memory_peak) << " |";
    if (latency) out << ' ' << (p.latency_s ? HumanSeconds(*p.latency_s) : "-") << " |";
    if (HasWorkloads(r)) out << ' ' << MdCell(RowWorkload(r, i)) << " |";
    out << "\n";
  }
}

void Markdown(const SweepReport& r, std::ostream& out) {
  std::string title = MdCell(r.model);
  if (r.labels.empty()) {
    out << "# calflops sweep: " << title << " over `" << r.axis << "`";
  } else {
    out << "# calflops compare: " << title;
  }
  out << "\n\nWorkload: " << r.workload << "\n\n";
  MarkdownTable(r, out);
}

void Html(const SweepReport& r, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; img-src data:\">\n<link rel=\"icon\" href=\"data:,\">\n"
      << "<title>" << HtmlEscape(Title(r))
      << "</title>\n<style>body{font:14px/1.4 "
         "system-ui,sans-serif;margin:1.5em}td,th{padding:1px 8px;text-align:right}</style>\n"
      << "</head>\n<body>\n<h1>" << HtmlEscape(Title(r))
      << "</h1>\n<p>Workload: " << HtmlEscape(r.workload) << "</p>\n";
  WriteSweepSvg(r, out);
  out << "<table id=\"sweep\">\n<tr>"
      << (HasSeries(r) ? "<th style=\"text-align:left\">compared</th>" : "") << "<th>"
      << HtmlEscape(r.axis.substr(2)) << "</th><th>MACs</th><th>FLOPs</th>"
      << (HasMemory(r) ? "<th>Peak memory</th>" : "") << (HasLatency(r) ? "<th>Latency</th>" : "")
      << (HasWorkloads(r) ? "<th style=\"text-align:left\">Workload</th>" : "") << "</tr>\n";
  const bool latency = HasLatency(r);  // once: asked per row, it scanned every point
  for (size_t i = 0; i < r.points.size(); ++i) {
    const SweepPoint& p = r.points[i];
    out << "<tr>";
    if (HasSeries(r))
      out << "<td style=\"text-align:left\">" << HtmlEscape(SeriesOf(r, i)) << "</td>";
    out << "<td>" << HtmlEscape(Key(r, i)) << "</td><td data-exact=\"" << p.macs << "\">"
        << HumanCount(p.macs.ToDouble()) << "MACs</td><td data-exact=\"" << p.flops << "\">"
        << HumanCount(p.flops.ToDouble()) << "FLOPs</td>";
    if (HasMemory(r))
      out << "<td data-exact=\"" << p.memory_peak << "\">" << HumanBytes(p.memory_peak) << "</td>";
    if (latency) out << "<td>" << (p.latency_s ? HumanSeconds(*p.latency_s) : "-") << "</td>";
    if (HasWorkloads(r))
      out << "<td style=\"text-align:left\">" << HtmlEscape(RowWorkload(r, i)) << "</td>";
    out << "</tr>\n";
  }
  out << "</table>\n</body>\n</html>\n";
}

}  // namespace
}  // namespace sweep_report

std::vector<std::string_view> SweepFormats() {
  return {"text", "json", "csv", "markdown", "html", "svg"};
}

void WriteSweep(const SweepReport& r, std::string_view format, std::ostream& out) {
  if (format == "text") return sweep_report::Text(r, out);
  if (format == "json") return sweep_report::Json(r, out);
  if (format == "csv") return sweep_report::Csv(r, out);
  if (format == "markdown") return sweep_report::Markdown(r, out);
  if (format == "html") return sweep_report::Html(r, out);
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
    lat.y.push_back(p.latency_s ? *p.latency_s : NAN);  // a side without --hardware
  }
  panels.push_back(flops);
  if (sweep_report::HasMemory(r)) panels.push_back(mem);
  if (sweep_report::HasLatency(r)) panels.push_back(lat);
  char buf[256];
  if (!r.labels.empty()) {
    // A comparison: one bar per compared row in each panel, from zero; numbered, with a legend.
    const size_t n = r.points.size();
    const double W = 720, PH = 160, L = 90, R = 20, T = 30;
    const double H = T + static_cast<double>(panels.size()) * PH + 20 + 14 * static_cast<double>(n);
    std::snprintf(buf, sizeof buf,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                  "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"11\">\n",
                  W, H, W, H);
    out << buf << "<title>" << HtmlEscape(sweep_report::Title(r)) << "</title>\n<text x=\"" << L
        << "\" y=\"18\" font-size=\"13\">FLOPs" << (sweep_report::HasMemory(r) ? ", memory" : "")
        << (sweep_report::HasLatency(r) ? ", latency" : "") << " side by side</text>\n";
    const double slot = (W - L - R) / static_cast<double>(std::max<size_t>(n, 1));
    const double bw = slot * 0.7;
    for (size_t k = 0; k < panels.size(); ++k) {
      const Panel& p = panels[k];
      double top = T + static_cast<double>(k) * PH + 10,
             bottom = T + static_cast<double>(k + 1) * PH - 10;
      double hi = 0;
      for (double y : p.y)
        if (!std::isnan(y)) hi = std::max(hi, y);
      if (hi <= 0) hi = 1;
      std::snprintf(buf, sizeof buf,
                    "<rect x=\"%.0f\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" fill=\"none\" "
                    "stroke=\"#ccc\"/>\n",
                    L, top, W - L - R, bottom - top);
      out << buf << "<text x=\"4\" y=\"" << top + 10 << "\">" << HtmlEscape(p.label(hi))
          << "</text>\n"
          << "<text x=\"4\" y=\"" << bottom << "\">0</text>\n<text x=\"" << L + 6 << "\" y=\""
          << top + 14 << "\" fill=\"#555\">" << p.title << "</text>\n";
      for (size_t i = 0; i < p.y.size(); ++i) {
        const bool none = std::isnan(p.y[i]);  // a side without --hardware: no bar
        double h = none ? 0 : p.y[i] / hi * (bottom - top - 20);
        double x = L + static_cast<double>(i) * slot + (slot - bw) / 2;
        std::snprintf(buf, sizeof buf,
                      "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                      "fill=\"#4a7bd0\"",
                      x, bottom - h, bw, h);
        out << buf << " data-series=\"" << p.title << "\" data-label=\""
            << HtmlEscape(sweep_report::Key(r, i)) << "\"><title>"
            << HtmlEscape(sweep_report::Key(r, i)) << ": "
            << (none ? std::string("none (no hardware profile)") : HtmlEscape(p.label(p.y[i])))
            << "</title></rect>\n";
        std::snprintf(buf, sizeof buf,
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%zu</text>\n", x + bw / 2,
                      bottom - h - 3, i + 1);
        out << buf;
      }
    }
    double y = T + static_cast<double>(panels.size()) * PH + 8;
    for (size_t i = 0; i < n; ++i) {
      y += 14;
      out << "<text x=\"" << L << "\" y=\"" << y << "\">" << i + 1 << ": "
          << HtmlEscape(sweep_report::Key(r, i)) << "</text>\n";
    }
    out << "</svg>\n";
    return;
  }
  // Sides (a sweep of several models or --vs sides): a line each, in order of appearance.
  std::vector<std::string> sides;
  std::vector<size_t> side_of(r.points.size(), 0);
  for (size_t i = 0; i < r.points.size(); ++i) {
    std::string s = sweep_report::SeriesOf(r, i);
    auto it = std::find(sides.begin(), sides.end(), s);
    side_of[i] = static_cast<size_t>(it - sides.begin());
    if (it == sides.end()) sides.push_back(s);
  }
  static const char* const kColors[] = {"#4a7bd0", "#d0704a", "#3a9a5b", "#9a4ad0",
                                        "#c0a020", "#2aa0b0", "#b03a6a", "#666666"};
  const double W = 720, PH = 160, L = 90, R = 20, T = 30;
  const double B = 40 + (sweep_report::HasSeries(r) ? 14.0 * static_cast<double>(sides.size()) : 0);
  const double H = T + static_cast<double>(panels.size()) * PH + B;
  // A log x axis when the values span more than a factor of 16 and grow geometrically.
  double x0 = 0, x1 = 1;
  if (!r.points.empty()) {
    auto [mn, mx] =
        std::minmax_element(r.points.begin(), r.points.end(),
                            [](const auto& a, const auto& b) { return a.value < b.value; });
    x0 = static_cast<double>(mn->value);
    x1 = static_cast<double>(mx->value);
  }
  bool log_x = x0 > 0 && x1 / x0 > 16;
  auto fx = [&](double v) {
    double t = x1 == x0 ? 0.5
               : log_x  ? (std::log(v) - std::log(x0)) / (std::log(x1) - std::log(x0))
                        : (v - x0) / (x1 - x0);
    return L + t * (W - L - R);
  };
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"11\">\n",
                W, H, W, H);
  out << buf << "<title>" << HtmlEscape(sweep_report::Title(r)) << "</title>\n<text x=\"" << L
      << "\" y=\"18\" font-size=\"13\">" << HtmlEscape(r.model) << ": FLOPs"
      << (sweep_report::HasMemory(r) ? ", memory" : "")
      << (sweep_report::HasLatency(r) ? ", latency" : "") << " against " << HtmlEscape(r.axis)
      << (log_x ? " (log scale)" : "") << "</text>\n";
  for (size_t k = 0; k < panels.size(); ++k) {
    const Panel& p = panels[k];
    double top = T + static_cast<double>(k) * PH + 10;
    double bottom = T + static_cast<double>(k + 1) * PH - 10;
    double lo = INFINITY, hi = -INFINITY;
    for (double y : p.y) {
      if (std::isnan(y)) continue;
      lo = std::min(lo, y);
      hi = std::max(hi, y);
    }
    if (lo > hi) lo = 0, hi = 1;
    if (hi <= lo) hi = lo + 1;
    std::snprintf(buf, sizeof buf,
                  "<rect x=\"%.0f\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" fill=\"none\" "
                  "stroke=\"#ccc\"/>\n",
                  L, top, W - L - R, bottom - top);
    out << buf << "<text x=\"4\" y=\"" << top + 10 << "\">" << HtmlEscape(p.label(hi))
        << "</text>\n"
        << "<text x=\"4\" y=\"" << bottom << "\">" << HtmlEscape(p.label(lo)) << "</text>\n"
        << "<text x=\"" << L + 6 << "\" y=\"" << top + 14 << "\" fill=\"#555\">" << p.title
        << "</text>\n";
    for (size_t s = 0; s < sides.size(); ++s) {
      out << "<polyline class=\"series\" data-series=\"" << p.title << "\"";
      if (sweep_report::HasSeries(r)) out << " data-side=\"" << HtmlEscape(sides[s]) << "\"";
      out << " fill=\"none\" stroke=\"" << kColors[s % 8] << "\" stroke-width=\"2\" points=\"";
      bool first = true;
      for (size_t i = 0; i < p.y.size(); ++i) {
        if (side_of[i] != s || std::isnan(p.y[i])) continue;
        double y = bottom - (p.y[i] - lo) / (hi - lo) * (bottom - top);
        std::snprintf(buf, sizeof buf, "%s%.1f,%.1f", first ? "" : " ",
                      fx(static_cast<double>(r.points[i].value)), y);
        out << buf;
        first = false;
      }
      out << "\"/>\n";
    }
  }
  const double axis_y = T + static_cast<double>(panels.size()) * PH + 18;
  std::snprintf(buf, sizeof buf, "<text x=\"%.0f\" y=\"%.0f\">%lld</text>\n", L, axis_y,
                static_cast<long long>(x0));
  out << buf;
  std::snprintf(buf, sizeof buf, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%lld</text>\n",
                W - R, axis_y, static_cast<long long>(x1));
  out << buf;
  if (sweep_report::HasSeries(r)) {  // the legend: a colour per side
    for (size_t s = 0; s < sides.size(); ++s) {
      double y = axis_y + 14 * static_cast<double>(s + 1);
      std::snprintf(buf, sizeof buf,
                    "<rect x=\"%.0f\" y=\"%.0f\" width=\"10\" height=\"10\" fill=\"%s\"/>", L,
                    y - 9, kColors[s % 8]);
      out << buf << "<text x=\"" << L + 14 << "\" y=\"" << y << "\">" << HtmlEscape(sides[s])
          << "</text>\n";
    }
  }
  out << "</svg>\n";
}

}  // namespace calflops

// Conformance of our shape inference against the ONNX backend node tests shipped by Debian's
// libonnx-testdata (/usr/share/libonnx-testdata/data/node/*): each test is one node with inputs
// and expected outputs as TensorProto files. We bind the test's inputs (contents of small
// integer inputs and of tiny floating inputs, as initializers would carry them), infer without
// the file's own output shapes, and compare every output's dims with output_N.pb. The number of
// matches may not fall below the count measured and documented in docs/onnx-conformance.md
// (raise kMeasuredMatches with the doc when it improves), and every miss must be listed there.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "model/error.h"
#include "readers/onnx/graph_inference.h"
#include "readers/onnx/onnx_reader.h"

namespace calflops::onnx {
namespace {

namespace fs = std::filesystem;

const char* kCorpus = "/usr/share/libonnx-testdata/data/node";
/// Matches measured on Debian 12's libonnx-testdata (1.12): 892 of 911 (97.9 %).
constexpr int kMeasuredMatches = 892;

std::string Slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string Dims(const std::vector<int64_t>& d) {
  std::string s = "(";
  for (size_t i = 0; i < d.size(); ++i)
    s += (i ? ", " : "") + (d[i] < 0 ? std::string("?") : std::to_string(d[i]));
  return s + ")";
}

enum class Outcome { kMatch, kMiss, kNotApplicable };

/// Runs one test directory; `why` explains a miss.
Outcome RunOne(const fs::path& dir, std::string& why) {
  Model m = ReadOnnxFile((dir / "model.onnx").string());
  fs::path data = dir / "test_data_set_0";
  InferOptions o;
  o.use_value_info = false;
  size_t k = 0;
  for (const ValueInfo& in : m.graph.inputs) {
    bool is_init = std::any_of(m.graph.initializers.begin(), m.graph.initializers.end(),
                               [&](const Tensor& t) { return t.name == in.name; });
    if (is_init) continue;
    fs::path pb = data / ("input_" + std::to_string(k++) + ".pb");
    if (in.kind != ValueKind::kTensor || !fs::exists(pb)) continue;
    std::string bytes = Slurp(pb);
    Tensor t = ParseTensorProto(bytes, pb.string(), kMaxKeptInts, 64);
    TensorInfo info = TensorInfo::FromTensor(t);
    info.initializer = false;
    if (!info.has_values) {
      info = TensorInfo::OfShape(t.data_type, t.dims);
    } else if (!IsInteger(t.data_type) && t.numel() > 16) {
      info.has_values = false;  // only tiny floating inputs (scales) are treated as constants
      info.reals.clear();
    }
    o.input_values[std::string(in.name)] = info;
  }
  GraphInference gi(m, o);
  gi.Run();
  bool any = false;
  for (size_t i = 0; i < m.graph.outputs.size(); ++i) {
    const ValueInfo& out = m.graph.outputs[i];
    fs::path pb = data / ("output_" + std::to_string(i) + ".pb");
    if (out.kind != ValueKind::kTensor || !fs::exists(pb)) continue;
    any = true;
    std::string bytes = Slurp(pb);
    Tensor want = ParseTensorProto(bytes, pb.string(), 0, 0);
    const TensorInfo* got = gi.Find(out.name);
    if (!got || !got->rank_known || got->dims != want.dims) {
      why = "output " + std::to_string(i) + " '" + std::string(out.name) + "': expected " +
            Dims(want.dims) + ", inferred " +
            (got && got->rank_known ? Dims(got->dims) : "unknown rank");
      return Outcome::kMiss;
    }
  }
  return any ? Outcome::kMatch : Outcome::kNotApplicable;
}

TEST(OnnxConformance, NodeTestsShapeMatchRate) {
  if (!fs::exists(kCorpus)) GTEST_SKIP() << kCorpus << " missing (Debian package libonnx-testdata)";
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(kCorpus))
    if (fs::exists(e.path() / "model.onnx")) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  int match = 0, miss = 0, na = 0;
  std::string misses;
  const std::string doc = Slurp(fs::path(CALFLOPS_SOURCE_DIR) / "docs" / "onnx-conformance.md");
  ASSERT_FALSE(doc.empty()) << "docs/onnx-conformance.md missing";
  for (const fs::path& d : dirs) {
    std::string why;
    Outcome r;
    try {
      r = RunOne(d, why);
    } catch (const Error& e) {
      r = Outcome::kMiss;
      why = std::string("error: ") + e.what();
    }
    if (r == Outcome::kMatch) ++match;
    if (r == Outcome::kNotApplicable) ++na;
    if (r == Outcome::kMiss) {
      ++miss;
      misses += "  " + d.filename().string() + ": " + why + "\n";
      EXPECT_NE(doc.find("`" + d.filename().string() + "`"), std::string::npos)
          << d.filename().string() << " misses but is not listed in docs/onnx-conformance.md";
    }
  }
  double rate = 100.0 * match / std::max(1, match + miss);
  std::cout << "libonnx-testdata node tests: " << match << " of " << (match + miss) << " match ("
            << rate << "%), " << na << " without tensor outputs\n"
            << misses;
  EXPECT_GE(match, kMeasuredMatches) << "shape inference regressed on the ONNX node tests";
}

}  // namespace
}  // namespace calflops::onnx

// Required inputs (op_inputs.h): the signature syntax, the error line, and the rule over every
// operator of the table: each required input omitted in turn (an empty name, or the node cut
// short before it) is bad input naming the file and the node; each optional input omitted in
// turn still gives a report or a proper error, never a crash. The same over the ONNX backend
// node tests (libonnx-testdata), whose nodes have real shapes.
#include "readers/onnx/ops/op_inputs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "analysis/analyze.h"
#include "fuzz/fuzz_entries.h"
#include "model/error.h"
#include "onnx/proto_builder.h"
#include "readers/onnx/graph_inference.h"
#include "readers/onnx/onnx_architecture.h"
#include "readers/onnx/onnx_reader.h"

namespace calflops::onnx {
namespace {

namespace fs = std::filesystem;
using testing::Input;
using testing::Opset;
using testing::Proto;

// ---- the signature syntax ----

TEST(OnnxOpInputs, PiecesAreChosenByOpset) {
  const std::string_view slice = "data | 10: data starts ends axes? steps?";
  EXPECT_EQ(InputsAt(slice, 1).size(), 1u);
  EXPECT_EQ(InputsAt(slice, 9).size(), 1u);
  std::vector<FormalInput> s10 = InputsAt(slice, 10);
  ASSERT_EQ(s10.size(), 5u);
  EXPECT_EQ(s10[2].name, "ends");
  EXPECT_FALSE(s10[2].optional);
  EXPECT_TRUE(s10[3].optional);
  EXPECT_EQ(InputsAt(slice, 23).size(), 5u);
  std::vector<FormalInput> v = InputsAt("R T inputs...", 1);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_TRUE(v[2].variadic);
  EXPECT_FALSE(v[2].optional);
  std::vector<FormalInput> loop =
      InputsAt("M? cond? v_initial... | 11: M? cond? v_initial?...", 11);
  EXPECT_TRUE(loop[2].variadic && loop[2].optional);
  EXPECT_TRUE(InputsAt("", 17).empty());
  EXPECT_THROW(InputsAt("a | b", 1), std::logic_error);              // no '<since>:'
  EXPECT_THROW(InputsAt("a | 9: a b | 9: a", 1), std::logic_error);  // not increasing
  EXPECT_THROW(InputsAt("a... b", 1), std::logic_error);             // variadic not last
}

const OnnxOp& Op(std::string_view domain, std::string_view type) {
  const OnnxOp* op = FindOnnxOp(domain, type);
  EXPECT_NE(op, nullptr) << type;
  return *op;
}

TEST(OnnxOpInputs, TheErrorSaysWhichInputAndHow) {
  std::vector<std::string_view> one = {"a"}, blank = {"a", ""}, both = {"a", "b"};
  EXPECT_EQ(OmittedRequiredInput(Op("", "MatMul"), 13, one),
            "input 1 ('B') of MatMul (opset 13) is required, but the node has 1 input");
  EXPECT_EQ(OmittedRequiredInput(Op("", "MatMul"), 13, blank),
            "input 1 ('B') of MatMul (opset 13) is required, but the node omits it (empty name)");
  EXPECT_EQ(OmittedRequiredInput(Op("", "MatMul"), 13, both), "");
  // Required from opset 10 only (before, starts and ends were attributes).
  EXPECT_EQ(OmittedRequiredInput(Op("", "Slice"), 9, one), "");
  EXPECT_EQ(OmittedRequiredInput(Op("", "Slice"), 10, one),
            "input 1 ('starts') of Slice (opset 10) is required, but the node has 1 input");
  // A variadic input: at least one, none of them empty.
  std::vector<std::string_view> none, gap = {"a", "", "c"};
  EXPECT_NE(OmittedRequiredInput(Op("", "Concat"), 13, none), "");
  EXPECT_EQ(OmittedRequiredInput(Op("", "Concat"), 13, gap),
            "input 1 ('inputs') of Concat (opset 13) is required, but the node omits it (empty "
            "name)");
  // Optional inputs may be left out, also before a required one (GroupQueryAttention).
  std::vector<std::string_view> gqa = {"q", "", "", "", "", "seqlens", "total"};
  EXPECT_EQ(OmittedRequiredInput(Op("com.microsoft", "GroupQueryAttention"), 1, gqa), "");
  gqa[5] = "";
  EXPECT_NE(OmittedRequiredInput(Op("com.microsoft", "GroupQueryAttention"), 1, gqa), "");
}

TEST(OnnxOpInputs, EveryOpDeclaresItsInputs) {
  // An entry written without its signature gets a null string_view (value-initialised).
  const std::set<std::string_view> no_inputs = {"Constant", "RandomNormal", "RandomUniform",
                                                "SequenceEmpty"};
  for (const OnnxOp& op : AllOnnxOps()) {
    SCOPED_TRACE(std::string(op.domain) + ":" + std::string(op.op_type));
    ASSERT_NE(op.inputs.data(), nullptr) << "OnnxOp entry without its `inputs` signature";
    for (int64_t opset = 1; opset <= 25; ++opset) {
      std::vector<FormalInput> f;
      ASSERT_NO_THROW(f = InputsAt(op.inputs, opset));
      if (opset == 25) {
        EXPECT_EQ(f.empty(), no_inputs.count(op.op_type) > 0);
      }
    }
  }
}

// ---- every operator of the table ----

/// The opsets at which `op`'s signature changes (its pieces' `since`, at least 1).
std::vector<int64_t> Pieces(const OnnxOp& op) {
  std::vector<int64_t> v = {1};
  std::string_view s = op.inputs;
  for (size_t bar = s.find('|'); bar != std::string_view::npos; bar = s.find('|', bar + 1))
    v.push_back(std::stoll(std::string(s.substr(bar + 1, s.find(':', bar) - bar - 1))));
  return v;
}

/// A one-node model of `op` at `opset` whose inputs are `names` ("" omitted). Shape set 0: every
/// input a float (2, 3, 4) graph input; 1: input 0 a float (1, 4, 8, 8) graph input, the others
/// int64 initializers of shape (1) holding 1 (axes, sizes, counts).
std::string OneNode(const OnnxOp& op, int64_t opset, const std::vector<std::string>& names,
                    int shapes) {
  Proto g;
  Proto node;
  for (const std::string& n : names) node.Bytes(1, n);
  node.Bytes(2, "y").Bytes(3, "n").Bytes(4, std::string(op.op_type));
  if (!op.domain.empty()) node.Bytes(7, std::string(op.domain));
  std::set<std::string> declared;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty() || !declared.insert(names[i]).second) continue;
    if (shapes == 0) {
      g.Message(11, Input(names[i], {2, 3, 4}));
    } else if (i == 0) {
      g.Message(11, Input(names[i], {1, 4, 8, 8}));
    } else {
      Proto t = testing::TensorDecl(names[i], 7, {1});
      t.Packed(7, {1});
      g.Message(5, t);
    }
  }
  g.Message(1, node);
  g.Message(12, Proto().Bytes(1, "y"));
  Proto m;
  m.Varint(1, 8).Message(7, g).Message(8, Opset("", op.domain.empty() ? opset : 17));
  if (!op.domain.empty()) m.Message(8, Opset(std::string(op.domain), opset));
  return m.bytes();
}

/// Input names for `formal`: a variadic input twice.
std::vector<std::string> AllNames(const std::vector<FormalInput>& formal) {
  std::vector<std::string> names;
  for (size_t i = 0; i < formal.size(); ++i) names.push_back("in" + std::to_string(i));
  if (!formal.empty() && formal.back().variadic) names.push_back("extra");
  return names;
}

/// Parses and infers `bytes`; the error line, or "" when it went through.
std::string InferError(const std::string& bytes) {
  try {
    Model m = ParseOnnx(bytes, "t.onnx");
    auto arch = OnnxArchitecture::Build(m, {});
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput) << e.what();
    return e.what();
  }
  return {};
}

/// The fuzz target's body (inference, lowering, both conventions): a report or a proper error.
void NoCrash(const std::string& bytes, const std::string& what) {
  auto data = reinterpret_cast<const uint8_t*>(bytes.data());
  EXPECT_NO_THROW(fuzz::Onnx(data, bytes.size())) << what;
}

TEST(OnnxOpInputs, EveryOpRefusesEachOmittedRequiredInput) {
  int cases = 0;
  for (const OnnxOp& op : AllOnnxOps()) {
    for (int64_t opset : Pieces(op)) {
      std::vector<FormalInput> formal = InputsAt(op.inputs, opset);
      std::vector<std::string> names = AllNames(formal);
      for (size_t i = 0; i < names.size(); ++i) {
        const FormalInput& f = formal[std::min(i, formal.size() - 1)];
        if (f.optional) continue;
        std::string where = "t.onnx: node 'n' (" + std::string(op.op_type) + "): input " +
                            std::to_string(i) + " ('" + std::string(f.name) + "') of " +
                            std::string(op.op_type) + " (opset " + std::to_string(opset) +
                            ") is required, but the node ";
        std::vector<std::string> blank = names;
        blank[i] = "";
        for (int shapes : {0, 1}) {
          std::string bytes = OneNode(op, opset, blank, shapes);
          EXPECT_EQ(InferError(bytes), where + "omits it (empty name)");
          NoCrash(bytes, std::string(op.op_type) + " without input " + std::to_string(i));
          ++cases;
        }
        if (i >= formal.size()) continue;  // a second variadic value: cutting it is fine
        std::vector<std::string> cut(names.begin(), names.begin() + static_cast<long>(i));
        std::string bytes = OneNode(op, opset, cut, 0);
        EXPECT_EQ(InferError(bytes),
                  where + "has " + std::to_string(i) + (i == 1 ? " input" : " inputs"));
        NoCrash(bytes, std::string(op.op_type) + " cut to " + std::to_string(i) + " inputs");
      }
    }
  }
  EXPECT_GT(cases, 300);
}

TEST(OnnxOpInputs, EveryOpRunsWithEachOptionalInputOmitted) {
  int cases = 0;
  for (const OnnxOp& op : AllOnnxOps()) {
    for (int64_t opset : Pieces(op)) {
      std::vector<FormalInput> formal = InputsAt(op.inputs, opset);
      std::vector<std::string> names = AllNames(formal);
      for (int shapes : {0, 1}) {
        NoCrash(OneNode(op, opset, names, shapes), std::string(op.op_type) + " with all inputs");
        for (size_t i = 0; i < formal.size(); ++i) {
          if (!formal[i].optional) continue;
          std::string what = std::string(op.op_type) + " without input " + std::to_string(i);
          std::vector<std::string> blank = names;
          blank[i] = "";
          std::string bytes = OneNode(op, opset, blank, shapes);
          EXPECT_EQ(InferError(bytes), "") << what;
          NoCrash(bytes, what);
          // Cut short before it, when no required input follows: absent altogether.
          bool required_after = false;
          for (size_t k = i; k < formal.size(); ++k) required_after |= !formal[k].optional;
          if (required_after) continue;
          std::vector<std::string> cut(names.begin(), names.begin() + static_cast<long>(i));
          bytes = OneNode(op, opset, cut, shapes);
          EXPECT_EQ(InferError(bytes), "") << what << " (cut)";
          NoCrash(bytes, what + " (cut)");
          ++cases;
        }
      }
    }
  }
  EXPECT_GE(cases, 200);
}

// ---- named optional inputs that real models leave out: shapes still inferred and costed ----

/// Output y's dims and the model's uncosted ops after building `g` (one node writing y).
std::pair<std::vector<int64_t>, size_t> BuildOne(const Proto& g, int64_t opset) {
  Model m = ParseOnnx(testing::ModelBytes(g, opset), "t.onnx");
  GraphInference gi(m, InferOptions{});
  gi.Run();
  const TensorInfo* y = gi.Find("y");
  auto arch = OnnxArchitecture::Build(m, {});
  Profile p = Analyze(*arch, Workload{}, Convention::kAnalytic);
  return {y && y->rank_known ? y->dims : std::vector<int64_t>{-99}, p.uncosted.size()};
}

TEST(OnnxOpInputs, ClipWithoutMinAndMax) {
  Proto g;
  g.Message(11, Input("x", {2, 5}));
  g.Message(1, testing::NodeProto("Clip", {"x"}, {"y"}, "c"));
  g.Message(12, Proto().Bytes(1, "y"));
  EXPECT_EQ(BuildOne(g, 13), (std::pair<std::vector<int64_t>, size_t>{{2, 5}, 0}));
  Proto h;  // max only: min omitted by an empty name
  h.Message(11, Input("x", {2, 5})).Message(11, Input("hi", {}));
  h.Message(1, testing::NodeProto("Clip", {"x", "", "hi"}, {"y"}, "c"));
  h.Message(12, Proto().Bytes(1, "y"));
  EXPECT_EQ(BuildOne(h, 13), (std::pair<std::vector<int64_t>, size_t>{{2, 5}, 0}));
}

TEST(OnnxOpInputs, ResizeWithoutRoi) {
  // Opset 13: X, roi omitted, scales (1, 1, 2, 2): (1, 3, 4, 4) -> (1, 3, 8, 8).
  Proto g;
  g.Message(11, Input("x", {1, 3, 4, 4}));
  Proto scales = testing::TensorDecl("s", 1, {4});
  for (float f : {1.0f, 1.0f, 2.0f, 2.0f}) scales.Float(4, f);
  g.Message(5, scales);
  g.Message(1, testing::NodeProto("Resize", {"x", "", "s"}, {"y"}, "r"));
  g.Message(12, Proto().Bytes(1, "y"));
  EXPECT_EQ(BuildOne(g, 13), (std::pair<std::vector<int64_t>, size_t>{{1, 3, 8, 8}, 0}));
}

TEST(OnnxOpInputs, LayerNormalizationWithoutBias) {
  Proto g;
  g.Message(11, Input("x", {2, 4, 8})).Message(11, Input("w", {8}));
  g.Message(1, testing::NodeProto("LayerNormalization", {"x", "w"}, {"y"}, "ln"));
  g.Message(12, Proto().Bytes(1, "y"));
  EXPECT_EQ(BuildOne(g, 17), (std::pair<std::vector<int64_t>, size_t>{{2, 4, 8}, 0}));
  Proto h;  // the same with an empty name for the bias
  h.Message(11, Input("x", {2, 4, 8})).Message(11, Input("w", {8}));
  h.Message(1, testing::NodeProto("LayerNormalization", {"x", "w", ""}, {"y"}, "ln"));
  h.Message(12, Proto().Bytes(1, "y"));
  EXPECT_EQ(BuildOne(h, 17), (std::pair<std::vector<int64_t>, size_t>{{2, 4, 8}, 0}));
}

// ---- the ONNX backend node tests: real nodes with real shapes ----

std::string Slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(OnnxOpInputs, NodeTestsWithEachInputOmitted) {
  const fs::path corpus = "/usr/share/libonnx-testdata/data/node";
  if (!fs::exists(corpus)) GTEST_SKIP() << corpus << " missing (Debian package libonnx-testdata)";
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(corpus))
    if (fs::exists(e.path() / "model.onnx")) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  int required = 0, optional = 0;
  for (const fs::path& d : dirs) {
    std::string bytes = Slurp(d / "model.onnx");
    Model base;
    try {
      base = ParseOnnx(bytes, "t.onnx");
    } catch (const Error&) {
      continue;
    }
    if (base.graph.nodes.size() != 1) continue;
    const Node& node = base.graph.nodes[0];
    const OnnxOp* op = FindOnnxOp(node.domain, node.op_type);
    if (!op) continue;
    int64_t opset = base.Opset(CanonicalDomain(node.domain));
    std::vector<FormalInput> formal = InputsAt(op->inputs, opset);
    // Small integer inputs (axes, sizes, shapes) bound as initializers, as exports carry them.
    std::vector<std::string> kept;  // the tensors' bytes, which the Model's views point into
    kept.reserve(base.graph.inputs.size());
    for (size_t k = 0; k < base.graph.inputs.size(); ++k) {
      fs::path pb = d / "test_data_set_0" / ("input_" + std::to_string(k) + ".pb");
      if (!fs::exists(pb)) continue;
      kept.push_back(Slurp(pb));
      try {
        Tensor t = ParseTensorProto(kept.back(), pb.string());
        if (!IsInteger(t.data_type) || t.numel() > 64) continue;
        t.name = base.graph.inputs[k].name;
        base.graph.initializers.push_back(t);
      } catch (const Error&) {
      }
    }
    for (size_t i = 0; i < node.inputs.size() && !formal.empty(); ++i) {
      if (node.inputs[i].empty()) continue;
      const FormalInput& f = formal[std::min(i, formal.size() - 1)];
      Model m = base;
      m.graph.nodes[0].inputs[i] = "";
      std::string what = d.filename().string() + " without input " + std::to_string(i);
      try {
        auto arch = OnnxArchitecture::Build(m, {});
        Analyze(*arch, Workload{}, Convention::kAnalytic);
        Analyze(*arch, Workload{}, Convention::kCalflops);
        Analyze(*arch, Workload{.train = true}, Convention::kAnalytic);
        EXPECT_TRUE(f.optional) << what << ": accepted without a required input";
      } catch (const Error& e) {
        EXPECT_EQ(fuzz::RejectionProblem(e), "") << what;
        if (!f.optional) {
          EXPECT_NE(std::string(e.what()).find("is required, but the node omits it"),
                    std::string::npos)
              << what << ": " << e.what();
        }
      }
      (f.optional ? optional : required)++;
    }
  }
  EXPECT_GT(required, 500);
  EXPECT_GT(optional, 20);
}

}  // namespace
}  // namespace calflops::onnx

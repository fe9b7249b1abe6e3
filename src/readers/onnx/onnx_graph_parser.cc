// GraphProto, NodeProto, AttributeProto (subgraphs recurse here) and FunctionProto.
#include "readers/onnx/onnx_parser.h"

#include <cstring>
#include <memory>

namespace calflops::onnx {

void Parser::CheckInitializers(const ProtoField& f, const Graph& g) const {
  if (static_cast<int64_t>(g.initializers.size()) >= kMaxInitializers) {
    Fail(f.offset,
         "more than " + std::to_string(kMaxInitializers) + " initializers in one graph (limit)");
  }
}

Graph Parser::ParseGraph(const ProtoField& outer, int depth) {
  if (depth > kMaxGraphDepth) {
    Fail(outer.offset,
         "subgraphs nested deeper than " + std::to_string(kMaxGraphDepth) + " levels");
  }
  Scope s(*this, Frame{Frame::kGraph, 0, outer.bytes});
  Graph g;
  g.offset = PayloadOffset(outer);
  ProtoReader r(outer.bytes, g.offset, *this);
  ProtoField f;
  while (r.Next(f)) {
    switch (f.number) {
      case 1:
        r.Expect(f, WireType::kLen, "GraphProto");
        g.nodes.push_back(ParseNode(f, static_cast<int64_t>(g.nodes.size()), depth));
        break;
      case 2:
        r.Expect(f, WireType::kLen, "GraphProto");
        g.name = f.bytes;
        break;
      case 5:
        r.Expect(f, WireType::kLen, "GraphProto");
        CheckInitializers(f, g);
        g.initializers.push_back(ParseTensorBytes(f.bytes, PayloadOffset(f),
                                                  static_cast<int64_t>(g.initializers.size()),
                                                  kMaxKeptInts, kMaxKeptReals));
        break;
      case 11:
        r.Expect(f, WireType::kLen, "GraphProto");
        g.inputs.push_back(ParseValueInfo(f, g.inputs.size()));
        break;
      case 12:
        r.Expect(f, WireType::kLen, "GraphProto");
        g.outputs.push_back(ParseValueInfo(f, g.outputs.size()));
        break;
      case 13:
        r.Expect(f, WireType::kLen, "GraphProto");
        g.value_info.push_back(ParseValueInfo(f, g.value_info.size()));
        break;
      case 15:
        r.Expect(f, WireType::kLen, "GraphProto");
        CheckInitializers(f, g);
        g.initializers.push_back(ParseSparse(f, static_cast<int64_t>(g.initializers.size())));
        break;
      default:
        break;
    }
  }
  return g;
}

Node Parser::ParseNode(const ProtoField& outer, int64_t index, int depth) {
  Scope s(*this, Frame{Frame::kNode, index, outer.bytes});
  Node n;
  n.offset = PayloadOffset(outer);
  ProtoReader r(outer.bytes, n.offset, *this);
  ProtoField f;
  while (r.Next(f)) {
    switch (f.number) {
      case 1:
        r.Expect(f, WireType::kLen, "NodeProto");
        n.inputs.push_back(f.bytes);
        break;
      case 2:
        r.Expect(f, WireType::kLen, "NodeProto");
        n.outputs.push_back(f.bytes);
        break;
      case 3:
        r.Expect(f, WireType::kLen, "NodeProto");
        n.name = f.bytes;
        break;
      case 4:
        r.Expect(f, WireType::kLen, "NodeProto");
        n.op_type = f.bytes;
        break;
      case 5:
        r.Expect(f, WireType::kLen, "NodeProto");
        n.attributes.push_back(ParseAttribute(f, static_cast<int64_t>(n.attributes.size()), depth));
        break;
      case 7:
        r.Expect(f, WireType::kLen, "NodeProto");
        n.domain = f.bytes;
        break;
      case 8:
        r.Expect(f, WireType::kLen, "NodeProto");
        n.overload = f.bytes;
        break;
      case 9:
        r.Expect(f, WireType::kLen, "NodeProto");
        n.metadata.push_back(ParsePair(f));
        break;
      default:
        break;
    }
  }
  if (n.op_type.empty()) FailAt(n.offset, "node has no op_type");
  return n;
}

Attribute Parser::ParseAttribute(const ProtoField& outer, int64_t index, int depth) {
  Scope s(*this, Frame{Frame::kAttribute, index, outer.bytes});
  Attribute a;
  a.offset = PayloadOffset(outer);
  ProtoReader r(outer.bytes, a.offset, *this);
  ProtoField f;
  bool has_type = false;
  AttrType seen = AttrType::kUndefined;
  while (r.Next(f)) {
    switch (f.number) {
      case 1:
        r.Expect(f, WireType::kLen, "AttributeProto");
        a.name = f.bytes;
        break;
      case 21:
        r.Expect(f, WireType::kLen, "AttributeProto");
        a.ref_attr_name = f.bytes;
        break;
      case 20:
        r.Expect(f, WireType::kVarint, "AttributeProto");
        a.type = static_cast<AttrType>(static_cast<int32_t>(f.value));
        has_type = true;
        break;
      case 2: {
        r.Expect(f, WireType::kI32, "AttributeProto");
        auto u = static_cast<uint32_t>(f.value);
        std::memcpy(&a.f, &u, 4);
        seen = AttrType::kFloat;
        break;
      }
      case 3:
        r.Expect(f, WireType::kVarint, "AttributeProto");
        a.i = static_cast<int64_t>(f.value);
        seen = AttrType::kInt;
        break;
      case 4:
        r.Expect(f, WireType::kLen, "AttributeProto");
        a.s = f.bytes;
        seen = AttrType::kString;
        break;
      case 5:
        r.Expect(f, WireType::kLen, "AttributeProto");
        a.t = std::make_shared<Tensor>(
            ParseTensorBytes(f.bytes, PayloadOffset(f), 0, kMaxKeptInts, kMaxKeptInts));
        seen = AttrType::kTensor;
        break;
      case 6:
        r.Expect(f, WireType::kLen, "AttributeProto");
        a.graphs.push_back(std::make_shared<Graph>(ParseGraph(f, depth + 1)));
        seen = AttrType::kGraph;
        break;
      case 7:
        if (f.type == WireType::kLen) {
          if (f.bytes.size() % 4 != 0)
            Fail(f.offset, "packed floats of " + std::to_string(f.bytes.size()) + " bytes");
          for (size_t i = 0; i < f.bytes.size(); i += 4) {
            float x;
            std::memcpy(&x, f.bytes.data() + i, 4);
            a.floats.push_back(x);
          }
        } else {
          r.Expect(f, WireType::kI32, "AttributeProto");
          float x;
          auto u = static_cast<uint32_t>(f.value);
          std::memcpy(&x, &u, 4);
          a.floats.push_back(x);
        }
        seen = AttrType::kFloats;
        break;
      case 8:
        if (f.type == WireType::kLen) {
          ReadPackedVarints(f, outer.bytes, a.offset, a.ints);
        } else {
          r.Expect(f, WireType::kVarint, "AttributeProto");
          a.ints.push_back(static_cast<int64_t>(f.value));
        }
        seen = AttrType::kInts;
        break;
      case 9:
        r.Expect(f, WireType::kLen, "AttributeProto");
        a.strings.push_back(f.bytes);
        seen = AttrType::kStrings;
        break;
      case 10:
        r.Expect(f, WireType::kLen, "AttributeProto");
        seen = AttrType::kTensors;
        break;
      case 11:
        r.Expect(f, WireType::kLen, "AttributeProto");
        a.graphs.push_back(std::make_shared<Graph>(ParseGraph(f, depth + 1)));
        seen = AttrType::kGraphs;
        break;
      default:
        break;
    }
  }
  if (!has_type) a.type = seen;  // IR version 1 files have no type field
  return a;
}

Function Parser::ParseFunction(const ProtoField& outer, int64_t index) {
  Scope s(*this, Frame{Frame::kFunction, index, outer.bytes});
  Function fn;
  fn.offset = PayloadOffset(outer);
  ProtoReader r(outer.bytes, fn.offset, *this);
  ProtoField f;
  while (r.Next(f)) {
    switch (f.number) {
      case 1:
        r.Expect(f, WireType::kLen, "FunctionProto");
        fn.name = f.bytes;
        break;
      case 4:
        r.Expect(f, WireType::kLen, "FunctionProto");
        fn.inputs.push_back(f.bytes);
        break;
      case 5:
        r.Expect(f, WireType::kLen, "FunctionProto");
        fn.outputs.push_back(f.bytes);
        break;
      case 6:
        r.Expect(f, WireType::kLen, "FunctionProto");
        fn.attribute_names.push_back(f.bytes);
        break;
      case 7:
        r.Expect(f, WireType::kLen, "FunctionProto");
        fn.nodes.push_back(ParseNode(f, static_cast<int64_t>(fn.nodes.size()), 1));
        break;
      case 9:
        r.Expect(f, WireType::kLen, "FunctionProto");
        fn.opset_imports.push_back(ParseOpset(f, static_cast<int64_t>(fn.opset_imports.size())));
        break;
      case 10:
        r.Expect(f, WireType::kLen, "FunctionProto");
        fn.domain = f.bytes;
        break;
      case 11:
        r.Expect(f, WireType::kLen, "FunctionProto");
        fn.attribute_defaults.push_back(
            ParseAttribute(f, static_cast<int64_t>(fn.attribute_defaults.size()), 1));
        break;
      case 13:
        r.Expect(f, WireType::kLen, "FunctionProto");
        fn.overload = f.bytes;
        break;
      default:
        break;
    }
  }
  return fn;
}

}  // namespace calflops::onnx

// The parser's model level: ModelProto, opset imports, metadata pairs, and error places.
#include "readers/onnx/onnx_parser.h"

namespace calflops::onnx {
namespace onnx_parser {
namespace {

/// First length-delimited field `number` in a message, without failing (error path only).
std::string_view PeekString(std::string_view msg, uint32_t number) {
  size_t pos = 0;
  while (pos < msg.size()) {
    uint64_t tag = 0, v = 0;
    if (!ProtoReader::ReadVarint(msg, pos, tag)) return {};
    switch (tag & 7) {
      case 0:
        if (!ProtoReader::ReadVarint(msg, pos, v)) return {};
        break;
      case 1:
        pos += 8;
        break;
      case 5:
        pos += 4;
        break;
      case 2:
        if (!ProtoReader::ReadVarint(msg, pos, v) || v > msg.size() - pos) return {};
        if ((tag >> 3) == number) return msg.substr(pos, static_cast<size_t>(v));
        pos += static_cast<size_t>(v);
        break;
      default:
        return {};
    }
  }
  return {};
}

std::string Quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s.substr(0, 200)) out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
  if (s.size() > 200) out += "...";
  return out + "'";
}

}  // namespace
}  // namespace onnx_parser

std::string Parser::Where() const {
  std::string w;
  for (const Frame& f : frames_) {
    switch (f.kind) {
      case Frame::kGraph: {
        auto n = onnx_parser::PeekString(f.bytes, 2);
        w += "graph" + (n.empty() ? std::string() : " " + onnx_parser::Quoted(n));
        break;
      }
      case Frame::kNode: {
        auto n = onnx_parser::PeekString(f.bytes, 3), op = onnx_parser::PeekString(f.bytes, 4);
        w += "node " + std::to_string(f.index) + (n.empty() ? "" : " " + onnx_parser::Quoted(n)) +
             (op.empty() ? "" : " (" + std::string(op.substr(0, 100)) + ")");
        break;
      }
      case Frame::kAttribute: {
        auto n = onnx_parser::PeekString(f.bytes, 1);
        w += "attribute " + std::to_string(f.index) +
             (n.empty() ? "" : " " + onnx_parser::Quoted(n));
        break;
      }
      case Frame::kTensor: {
        auto n = onnx_parser::PeekString(f.bytes, 8);
        w += "tensor " + (n.empty() ? std::to_string(f.index) : onnx_parser::Quoted(n));
        break;
      }
      case Frame::kValueInfo: {
        auto n = onnx_parser::PeekString(f.bytes, 1);
        w += "value " + (n.empty() ? std::to_string(f.index) : onnx_parser::Quoted(n));
        break;
      }
      case Frame::kFunction: {
        auto n = onnx_parser::PeekString(f.bytes, 1);
        w += "function " + (n.empty() ? std::to_string(f.index) : onnx_parser::Quoted(n));
        break;
      }
      case Frame::kOpset:
        w += "opset_import " + std::to_string(f.index);
        break;
    }
    w += ": ";
  }
  return w;
}

Model Parser::ParseModel() {
  Model m;
  ProtoReader r(all_, 0, *this);
  ProtoField f;
  bool has_graph = false;
  while (r.Next(f)) {
    switch (f.number) {
      case 1:
        r.Expect(f, WireType::kVarint, "ModelProto");
        m.ir_version = static_cast<int64_t>(f.value);
        break;
      case 2:
        r.Expect(f, WireType::kLen, "ModelProto");
        m.producer_name = f.bytes;
        break;
      case 3:
        r.Expect(f, WireType::kLen, "ModelProto");
        m.producer_version = f.bytes;
        break;
      case 7:
        r.Expect(f, WireType::kLen, "ModelProto");
        if (has_graph) Fail(f.offset, "a second graph (ModelProto field 7)");
        m.graph = ParseGraph(f, 0);
        has_graph = true;
        break;
      case 8: {
        r.Expect(f, WireType::kLen, "ModelProto");
        m.opset_imports.push_back(ParseOpset(f, static_cast<int64_t>(m.opset_imports.size())));
        break;
      }
      case 14:
        r.Expect(f, WireType::kLen, "ModelProto");
        m.metadata.push_back(ParsePair(f));
        break;
      case 25: {
        r.Expect(f, WireType::kLen, "ModelProto");
        m.functions.push_back(ParseFunction(f, static_cast<int64_t>(m.functions.size())));
        break;
      }
      default:
        break;  // doc_string, training_info, ... : not needed
    }
  }
  if (all_.empty()) Fail(0, "empty file");
  if (!has_graph)
    Fail(all_.size(), "no graph: ModelProto field 7 is missing (is this an ONNX model?)");
  return m;
}

OpsetImport Parser::ParseOpset(const ProtoField& outer, int64_t index) {
  Scope s(*this, Frame{Frame::kOpset, index, outer.bytes});
  OpsetImport o;
  ProtoReader r(outer.bytes, PayloadOffset(outer), *this);
  ProtoField f;
  while (r.Next(f)) {
    if (f.number == 1) {
      r.Expect(f, WireType::kLen, "OperatorSetIdProto");
      o.domain = f.bytes;
    } else if (f.number == 2) {
      r.Expect(f, WireType::kVarint, "OperatorSetIdProto");
      o.version = static_cast<int64_t>(f.value);
    }
  }
  if (o.version < 0) FailAt(PayloadOffset(outer), "negative opset version");
  return o;
}

std::pair<std::string_view, std::string_view> Parser::ParsePair(const ProtoField& outer) {
  std::pair<std::string_view, std::string_view> p;
  ProtoReader r(outer.bytes, PayloadOffset(outer), *this);
  ProtoField f;
  while (r.Next(f)) {
    if (f.number == 1) {
      r.Expect(f, WireType::kLen, "StringStringEntryProto");
      p.first = f.bytes;
    } else if (f.number == 2) {
      r.Expect(f, WireType::kLen, "StringStringEntryProto");
      p.second = f.bytes;
    }
  }
  return p;
}

}  // namespace calflops::onnx

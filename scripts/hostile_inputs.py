"""Byte builders for scripts/hostile-campaign.py: ONNX (protobuf written by hand), GGUF,
safetensors and configs. Standard library only; nothing here knows about the CLI."""

import json
import struct

# ---------------------------------------------------------------- protobuf / ONNX


def varint(v):
    v &= (1 << 64) - 1  # negative int64 values are ten-byte two's complement varints
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def tag(field, wire):
    return varint((field << 3) | wire)


def f_varint(field, v):
    return tag(field, 0) + varint(v)


def f_bytes(field, b):
    if isinstance(b, str):
        b = b.encode("utf-8", "surrogateescape")
    return tag(field, 2) + varint(len(b)) + b


def f_float(field, x):
    return tag(field, 5) + struct.pack("<f", x)


def f_packed(field, values):
    return f_bytes(field, b"".join(varint(v) for v in values))


FLOAT, UINT8, INT8, INT32, INT64, STRING, BOOL, DOUBLE = 1, 2, 3, 6, 7, 8, 9, 11


def attr_int(name, i):
    return f_bytes(1, name) + f_varint(20, 2) + f_varint(3, i)


def attr_float(name, x):
    return f_bytes(1, name) + f_varint(20, 1) + f_float(2, x)


def attr_ints(name, values):
    return f_bytes(1, name) + f_varint(20, 7) + f_packed(8, values)


def attr_floats(name, values):
    return f_bytes(1, name) + f_varint(20, 6) + f_bytes(7, b"".join(struct.pack("<f", x) for x in values))


def attr_string(name, s):
    return f_bytes(1, name) + f_varint(20, 3) + f_bytes(4, s)


def attr_graph(name, graph):
    return f_bytes(1, name) + f_varint(20, 5) + f_bytes(6, graph)


def attr_tensor(name, tensor):
    return f_bytes(1, name) + f_varint(20, 4) + f_bytes(5, tensor)


def attr_ref(name, ref, type_=2):
    """An attribute referring to a function's attribute (ref_attr_name, field 21)."""
    return f_bytes(1, name) + f_varint(20, type_) + f_bytes(21, ref)


def node(op, ins, outs, name="", attrs=(), domain=""):
    b = b"".join(f_bytes(1, i) for i in ins) + b"".join(f_bytes(2, o) for o in outs)
    if name:
        b += f_bytes(3, name)
    b += f_bytes(4, op)
    for a in attrs:
        b += f_bytes(5, a)
    if domain:
        b += f_bytes(7, domain)
    return b


def int64_init(name, dims, values):
    return f_packed(1, dims) + f_varint(2, INT64) + f_packed(7, values) + f_bytes(8, name)


def float_init(name, dims, values):
    raw = b"".join(struct.pack("<f", v) for v in values)
    return f_packed(1, dims) + f_varint(2, FLOAT) + f_bytes(8, name) + f_bytes(9, raw)


def tensor_decl(name, elem, dims):
    return f_packed(1, dims) + f_varint(2, elem) + f_bytes(8, name)


def value_info(name, dims=None, elem=FLOAT):
    """dims: None for no shape; entries int or str (dim_param)."""
    t = f_varint(1, elem)
    if dims is not None:
        shape = b""
        for d in dims:
            shape += f_bytes(1, f_bytes(2, d) if isinstance(d, str) else f_varint(1, d))
        t += f_bytes(2, shape)
    return f_bytes(1, name) + f_bytes(2, f_bytes(1, t))


def graph(nodes=(), inputs=(), outputs=(), inits=(), name="g"):
    b = b"".join(f_bytes(1, n) for n in nodes)
    b += f_bytes(2, name)
    b += b"".join(f_bytes(5, i) for i in inits)
    b += b"".join(f_bytes(11, i) for i in inputs)
    b += b"".join(f_bytes(12, o if isinstance(o, bytes) and o[:1] == b"\x0a" else value_info(o)) for o in outputs)
    return b


def out(name):
    return f_bytes(1, name)


def opset(domain, version):
    return f_bytes(1, domain) + f_varint(2, version)


def function(name, ins, outs, nodes, domain="local", attrs=(), opsets=(("", 17), ("local", 1))):
    b = f_bytes(1, name) + b"".join(f_bytes(4, i) for i in ins) + b"".join(f_bytes(5, o) for o in outs)
    b += b"".join(f_bytes(6, a) for a in attrs)
    b += b"".join(f_bytes(7, n) for n in nodes)
    b += b"".join(f_bytes(9, opset(d, v)) for d, v in opsets)
    b += f_bytes(10, domain)
    return b


def model(g, opsets=(("", 17),), functions=(), producer="hostile"):
    b = f_varint(1, 8) + f_bytes(2, producer) + f_bytes(7, g)
    b += b"".join(f_bytes(8, opset(d, v)) for d, v in opsets)
    b += b"".join(f_bytes(25, f) for f in functions)
    return b


def one_node_model(op, ins, in_specs, attrs=(), inits=(), opset_v=17, n_out=1, domain="", extra_nodes=()):
    """A model of one node `op` over graph inputs in_specs [(name, dims, elem)] and initializers,
    its outputs y0.. as graph outputs, then an Add of y0 to itself so that it is consumed."""
    outs = ["y%d" % i for i in range(n_out)]
    nodes = [node(op, ins, outs, "n", attrs, domain)] + list(extra_nodes)
    inputs = [value_info(n, d, e) for n, d, e in in_specs]
    opsets = [("", opset_v)] + ([(domain, 1)] if domain else [])
    return model(graph(nodes, inputs, outs, inits), opsets)


# ---------------------------------------------------------------- GGUF

GGUF_U32, GGUF_I32, GGUF_F32, GGUF_STR, GGUF_ARR, GGUF_U64 = 4, 5, 6, 8, 9, 10


def gstr(s):
    if isinstance(s, str):
        s = s.encode("utf-8", "surrogateescape")
    return struct.pack("<Q", len(s)) + s


def gkv(key, vtype, payload):
    return gstr(key) + struct.pack("<I", vtype) + payload


def gu32(key, v):
    return gkv(key, GGUF_U32, struct.pack("<I", v))


def gstrkv(key, v):
    return gkv(key, GGUF_STR, gstr(v))


def gf32(key, v):
    return gkv(key, GGUF_F32, struct.pack("<f", v))


def gguf(kvs, tensors, n_kv=None, n_tensors=None, alignment=32, data=True):
    """tensors: [(name, dims, ggml_type)]."""
    head = b"GGUF" + struct.pack("<I", 3)
    head += struct.pack("<QQ", len(tensors) if n_tensors is None else n_tensors,
                        len(kvs) if n_kv is None else n_kv)
    parts = list(kvs)
    offset = 0
    for name, dims, t in tensors:
        n = 1
        for d in dims:
            n *= d
        size = n * (4 if t == 0 else 2) if t in (0, 1) else n
        parts.append(gstr(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims))
        parts.append(struct.pack("<IQ", t, offset))
        offset += (size + alignment - 1) // alignment * alignment
    blob = head + b"".join(parts)
    pad = (-len(blob)) % alignment
    blob += b"\0" * pad
    if data:
        blob += b"\0" * min(offset, 1 << 20)
    return blob


def llama_gguf_kvs(arch="llama", name=None, layers=1, hidden=32, ff=64, heads=2, kv=1, vocab=16, ctx=64):
    kvs = [gstrkv("general.architecture", arch)]
    if name is not None:
        kvs.append(gstrkv("general.name", name))
    kvs += [gu32(arch + ".block_count", layers), gu32(arch + ".embedding_length", hidden),
            gu32(arch + ".feed_forward_length", ff), gu32(arch + ".attention.head_count", heads),
            gu32(arch + ".attention.head_count_kv", kv), gu32(arch + ".context_length", ctx),
            gf32(arch + ".attention.layer_norm_rms_epsilon", 1e-5), gu32(arch + ".vocab_size", vocab)]
    return kvs


def llama_gguf_tensors(hidden=32, ff=64, layers=1, kvdim=16, vocab=16, t=1):
    ts = [("token_embd.weight", [hidden, vocab], t), ("output_norm.weight", [hidden], 0),
          ("output.weight", [hidden, vocab], t)]
    for i in range(layers):
        p = "blk.%d." % i
        ts += [(p + "attn_norm.weight", [hidden], 0), (p + "attn_q.weight", [hidden, hidden], t),
               (p + "attn_k.weight", [hidden, kvdim], t), (p + "attn_v.weight", [hidden, kvdim], t),
               (p + "attn_output.weight", [hidden, hidden], t), (p + "ffn_norm.weight", [hidden], 0),
               (p + "ffn_gate.weight", [hidden, ff], t), (p + "ffn_up.weight", [hidden, ff], t),
               (p + "ffn_down.weight", [ff, hidden], t)]
    return ts


# ---------------------------------------------------------------- safetensors


def safetensors(entries, metadata=None, raw_header=None, data=True):
    """entries: {name: (dtype, shape)} laid out back to back."""
    if raw_header is None:
        h = {}
        if metadata is not None:
            h["__metadata__"] = metadata
        off = 0
        sizes = {"F32": 4, "F16": 2, "BF16": 2, "I64": 8, "U8": 1}
        for name, (dt, shape) in entries.items():
            n = 1
            for d in shape:
                n *= d
            size = n * sizes.get(dt, 4)
            h[name] = {"dtype": dt, "shape": shape, "data_offsets": [off, off + size]}
            off += size
        raw_header = json.dumps(h).encode()
    else:
        off = 0
    blob = struct.pack("<Q", len(raw_header)) + raw_header
    if data:
        blob += b"\0" * off
    return blob


def llama_safetensors_entries(hidden=32, ff=64, layers=1, kvdim=16, vocab=16, prefix="model."):
    e = {prefix + "embed_tokens.weight": ("F16", [vocab, hidden]), prefix + "norm.weight": ("F16", [hidden]),
         "lm_head.weight": ("F16", [vocab, hidden])}
    for i in range(layers):
        p = "%slayers.%d." % (prefix, i)
        e.update({p + "self_attn.q_proj.weight": ("F16", [hidden, hidden]),
                  p + "self_attn.k_proj.weight": ("F16", [kvdim, hidden]),
                  p + "self_attn.v_proj.weight": ("F16", [kvdim, hidden]),
                  p + "self_attn.o_proj.weight": ("F16", [hidden, hidden]),
                  p + "mlp.gate_proj.weight": ("F16", [ff, hidden]),
                  p + "mlp.up_proj.weight": ("F16", [ff, hidden]),
                  p + "mlp.down_proj.weight": ("F16", [hidden, ff]),
                  p + "input_layernorm.weight": ("F16", [hidden]),
                  p + "post_attention_layernorm.weight": ("F16", [hidden])})
    return e


# ---------------------------------------------------------------- configs

TINY_LLAMA = {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": 32,
              "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2,
              "num_key_value_heads": 1, "vocab_size": 16, "max_position_embeddings": 64}


def cfg(base=None, **kw):
    c = dict(TINY_LLAMA if base is None else base)
    c.update(kw)
    return json.dumps(c).encode()

#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<reader>/: small valid files of each kind the
readers accept plus typical corruptions. Run from the repository root; the output is committed
(tests/fuzz_corpus_test.cc replays it) so this only needs rerunning when seeds are added.
"""
import json
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

# ggml type id -> (block elements, block bytes)
GGML = {0: (1, 4), 1: (1, 2), 2: (32, 18), 8: (32, 34), 12: (256, 144), 14: (256, 210), 30: (1, 2)}


def gstr(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def kv(key, vtype, payload):
    return gstr(key) + struct.pack("<I", vtype) + payload


def u32(key, v):
    return kv(key, 4, struct.pack("<I", v))


def f32(key, v):
    return kv(key, 6, struct.pack("<f", v))


def string(key, v):
    return kv(key, 8, gstr(v))


def gguf(kvs, tensors, version=3, alignment=32, with_data=True):
    """tensors: (name, dims fastest-first, ggml type)."""
    infos, offset = b"", 0
    for name, dims, t in tensors:
        n = 1
        for d in dims:
            n *= d
        blk, size = GGML[t]
        infos += gstr(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        infos += struct.pack("<IQ", t, offset)
        offset += (n // blk * size + alignment - 1) // alignment * alignment
    head = b"GGUF" + struct.pack("<IQQ", version, len(tensors), len(kvs)) + b"".join(kvs) + infos
    head += b"\0" * ((alignment - len(head) % alignment) % alignment)
    return head + (b"\0" * offset if with_data else b"")


def llama_kvs(arch="llama", hidden=32, ff=64, layers=1, heads=2, kv_heads=1, vocab=16):
    return [
        string("general.architecture", arch),
        u32(arch + ".embedding_length", hidden),
        u32(arch + ".block_count", layers),
        u32(arch + ".feed_forward_length", ff),
        u32(arch + ".attention.head_count", heads),
        u32(arch + ".attention.head_count_kv", kv_heads),
        f32(arch + ".attention.layer_norm_rms_epsilon", 1e-5),
        u32(arch + ".vocab_size", vocab),
    ]


def llama_tensors(hidden=32, ff=64, layers=1, kv_dim=16, vocab=16, qtype=8):
    t = [("token_embd.weight", [hidden, vocab], qtype)]
    for i in range(layers):
        p = "blk.%d." % i
        t += [(p + "attn_norm.weight", [hidden], 0), (p + "attn_q.weight", [hidden, hidden], qtype),
              (p + "attn_k.weight", [hidden, kv_dim], qtype), (p + "attn_v.weight", [hidden, kv_dim], qtype),
              (p + "attn_output.weight", [hidden, hidden], qtype), (p + "ffn_norm.weight", [hidden], 0),
              (p + "ffn_gate.weight", [hidden, ff], qtype), (p + "ffn_up.weight", [hidden, ff], qtype),
              (p + "ffn_down.weight", [ff, hidden], qtype)]
    return t + [("output_norm.weight", [hidden], 0), ("output.weight", [hidden, vocab], qtype)]


def gguf_seeds():
    s = {}
    s["llama_q8"] = gguf(llama_kvs(), llama_tensors())
    s["llama_header_only"] = gguf(llama_kvs(), llama_tensors(), with_data=False)
    s["llama_v2_align64"] = gguf(llama_kvs() + [u32("general.alignment", 64)], llama_tensors(), version=2,
                                 alignment=64)
    s["llama_kquants"] = gguf(llama_kvs(hidden=256, ff=512), llama_tensors(256, 512, 1, 128, 16, 12),
                              with_data=False)
    s["mistral_by_name"] = gguf(llama_kvs() + [string("general.name", "Mistral 7B")], llama_tensors())
    tokens = kv("tokenizer.ggml.tokens", 9, struct.pack("<IQ", 8, 16) + b"".join(gstr("t%d" % i) for i in range(16)))
    s["llama_tokens_tied"] = gguf(llama_kvs()[:-1] + [tokens], llama_tensors()[:-1])
    moe = llama_kvs("qwen2moe") + [u32("qwen2moe.expert_count", 4), u32("qwen2moe.expert_used_count", 2),
                                   u32("qwen2moe.expert_feed_forward_length", 32),
                                   u32("qwen2moe.expert_shared_feed_forward_length", 64)]
    s["qwen2moe_stacked"] = gguf(moe, [("blk.0.ffn_gate_inp.weight", [32, 4], 0),
                                       ("blk.0.ffn_gate_exps.weight", [32, 32, 4], 8),
                                       ("blk.0.ffn_up_shexp.weight", [32, 64], 8)])
    mix = llama_kvs() + [u32("llama.expert_count", 2), u32("llama.expert_used_count", 1)]
    s["mixtral_per_expert"] = gguf(mix, [("blk.0.ffn_gate.0.weight", [32, 64], 8),
                                         ("blk.0.ffn_gate.1.weight", [32, 64], 8)])
    for arch in ("qwen2", "qwen3", "gemma2", "phi3", "qwen3moe", "falcon"):
        extra = [u32(arch + ".attention.key_length", 16), u32(arch + ".attention.value_length", 16)]
        s["arch_" + arch] = gguf(llama_kvs(arch) + extra, [("blk.0.attn_qkv.weight", [32, 64], 8)])
    values = [kv("a.u8", 0, b"\x07"), kv("a.i8", 1, b"\xff"), kv("a.u16", 2, b"\1\2"), kv("a.i16", 3, b"\1\2"),
              kv("a.u32", 4, b"\1\2\3\4"), kv("a.i32", 5, b"\1\2\3\4"), kv("a.f32", 6, struct.pack("<f", 0.5)),
              kv("a.bool", 7, b"\1"), kv("a.str", 8, gstr("x")), kv("a.u64", 10, struct.pack("<Q", 9)),
              kv("a.i64", 11, struct.pack("<q", -9)), kv("a.f64", 12, struct.pack("<d", 2.5)),
              kv("a.nested", 9, struct.pack("<IQ", 9, 2) + struct.pack("<IQhh", 3, 2, 1, -2) + struct.pack("<IQh", 3, 1, 3)),
              kv("a.layers", 9, struct.pack("<IQ", 5, 3) + struct.pack("<iii", 4, 4, 4))]
    s["all_value_types"] = gguf(values, [])
    s["bad_magic"] = b"GGUX" + s["llama_q8"][4:]
    s["future_version"] = s["llama_q8"][:4] + struct.pack("<I", 4) + s["llama_q8"][8:]
    s["truncated"] = s["llama_q8"][:150]
    s["huge_counts"] = b"GGUF" + struct.pack("<IQQ", 3, 1 << 40, 1 << 40)
    bomb = b"".join(struct.pack("<IQ", 9, 1) for _ in range(50))
    s["nested_bomb"] = b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + gstr("a") + struct.pack("<I", 9) + bomb
    s["rank5"] = b"GGUF" + struct.pack("<IQQ", 3, 1, 0) + gstr("t") + struct.pack("<I", 5) + struct.pack("<5Q", 1, 1, 1, 1, 1) + struct.pack("<IQ", 0, 0)
    return s


def safetensors(entries, metadata=None, with_data=True, raw_header=None):
    """entries: (name, dtype, shape, bits)."""
    header, at = {}, 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape, bits in entries:
        n = 1
        for d in shape:
            n *= d
        end = at + n * bits // 8
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [at, end]}
        at = end
    text = (raw_header if raw_header is not None else json.dumps(header, separators=(",", ":"))).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + (b"\0" * at if with_data else b"")


def safetensors_seeds():
    tiny = [("model.embed_tokens.weight", "BF16", [16, 8], 16), ("model.layers.0.mlp.up_proj.weight", "F16", [4, 8], 16),
            ("model.norm.weight", "F32", [8], 32), ("lm_head.weight", "F8_E4M3", [16, 8], 8)]
    s = {}
    s["tiny"] = safetensors(tiny)
    s["tiny_metadata"] = safetensors(tiny, {"format": "pt"})
    s["header_only"] = safetensors(tiny, with_data=False)
    s["packed_dtypes"] = safetensors([("a", "F4", [4, 2], 4), ("b", "F6_E2M3", [4], 6), ("c", "BOOL", [3], 8)])
    s["scalar_and_empty"] = safetensors([("s", "F32", [], 32), ("e", "I64", [0, 5], 64)])
    s["empty_header"] = safetensors([])
    s["gap"] = safetensors([], raw_header='{"a":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}}')
    s["overlap"] = safetensors([], raw_header='{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},'
                                              '"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}')
    s["duplicate"] = safetensors([], raw_header='{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},'
                                                '"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}')
    s["unknown_dtype"] = safetensors([], raw_header='{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}}')
    s["bad_json"] = safetensors([], raw_header='{"a":{"dtype":"U8",')
    s["not_object"] = safetensors([], raw_header="[1,2,3]")
    s["length_past_eof"] = struct.pack("<Q", 1 << 20) + b'{"a":1}'
    s["deep"] = safetensors([], raw_header='{"a":' + "[" * 500 + "]" * 500 + "}")
    return s


def index_seeds():
    s = {}
    s["valid"] = json.dumps({"metadata": {"total_size": 10}, "weight_map": {"a": "m-1.safetensors", "b": "m-2.safetensors"}})
    s["no_weight_map"] = json.dumps({"metadata": {}})
    s["traversal"] = json.dumps({"weight_map": {"a": "../../etc/passwd"}})
    s["not_object"] = "[]"
    s["value_not_string"] = json.dumps({"weight_map": {"a": 3}})
    s["duplicate"] = '{"weight_map": {"a": "x.safetensors", "a": "y.safetensors"}}'
    return {k: v.encode() for k, v in s.items()}


def main():
    for reader, seeds in (("gguf", gguf_seeds()), ("safetensors", safetensors_seeds()),
                          ("safetensors_index", index_seeds())):
        d = os.path.join(ROOT, reader)
        os.makedirs(d, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()

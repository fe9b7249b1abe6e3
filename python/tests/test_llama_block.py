"""A hand-written Llama decoder (transformers v4.45's modeling_llama, eager attention, written
out here op for op) traced on meta tensors gives the numbers of the config path (the C++ llama
builder) on the same tiny config."""

import json
import math
import os

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional

import calflops  # noqa: E402
from calflops import _core  # noqa: E402

CONFIG = {
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 64,
    "intermediate_size": 160, "num_attention_heads": 4, "num_key_value_heads": 2,
    "num_hidden_layers": 2, "vocab_size": 100, "max_position_embeddings": 256,
    "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "tie_word_embeddings": False,
    "hidden_act": "silu", "torch_dtype": "float32", "attention_bias": False, "mlp_bias": False,
}


class LlamaRMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.variance_epsilon = eps

    def forward(self, hidden_states):
        variance = hidden_states.pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance + self.variance_epsilon)
        return self.weight * hidden_states

    def extra_repr(self):
        return "%s, eps=%s" % (tuple(self.weight.shape), self.variance_epsilon)


class LlamaRotaryEmbedding(nn.Module):
    def __init__(self, dim, base):
        super().__init__()
        inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2).float() / dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, x, position_ids):
        inv = self.inv_freq[None, :, None].expand(position_ids.shape[0], -1, 1)
        pos = position_ids[:, None, :].float()
        freqs = (inv @ pos).transpose(1, 2)
        emb = torch.cat((freqs, freqs), dim=-1)
        scaling = 1.0  # v4.45: attention_scaling (1.0 for the default rope), applied anyway
        return emb.cos() * scaling, emb.sin() * scaling


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary(q, k, cos, sin):
    cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
    return (q * cos) + (rotate_half(q) * sin), (k * cos) + (rotate_half(k) * sin)


class LlamaAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads, self.kv = c["num_attention_heads"], c["num_key_value_heads"]
        self.dim = c["hidden_size"] // self.heads
        h = c["hidden_size"]
        self.q_proj = nn.Linear(h, self.heads * self.dim, bias=False)
        self.k_proj = nn.Linear(h, self.kv * self.dim, bias=False)
        self.v_proj = nn.Linear(h, self.kv * self.dim, bias=False)
        self.o_proj = nn.Linear(self.heads * self.dim, h, bias=False)
        self.rotary_emb = LlamaRotaryEmbedding(self.dim, c["rope_theta"])  # registered, unused

    def forward(self, x, mask, cos, sin):
        b, s, _ = x.shape
        q = self.q_proj(x).view(b, s, self.heads, self.dim).transpose(1, 2)
        k = self.k_proj(x).view(b, s, self.kv, self.dim).transpose(1, 2)
        v = self.v_proj(x).view(b, s, self.kv, self.dim).transpose(1, 2)
        q, k = apply_rotary(q, k, cos, sin)
        rep = self.heads // self.kv
        k = k[:, :, None].expand(b, self.kv, rep, s, self.dim).reshape(b, self.heads, s, self.dim)
        v = v[:, :, None].expand(b, self.kv, rep, s, self.dim).reshape(b, self.heads, s, self.dim)
        w = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.dim)
        w = w + mask[:, :, :, : k.shape[-2]]
        w = F.softmax(w, dim=-1, dtype=torch.float32).to(q.dtype)
        out = torch.matmul(w, v).transpose(1, 2).contiguous().reshape(b, s, -1)
        return self.o_proj(out)


class LlamaMLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, i = c["hidden_size"], c["intermediate_size"]
        self.gate_proj = nn.Linear(h, i, bias=False)
        self.up_proj = nn.Linear(h, i, bias=False)
        self.down_proj = nn.Linear(i, h, bias=False)
        self.act_fn = nn.SiLU()

    def forward(self, x):
        return self.down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))


class LlamaDecoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self_attn = LlamaAttention(c)
        self.mlp = LlamaMLP(c)
        self.input_layernorm = LlamaRMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.post_attention_layernorm = LlamaRMSNorm(c["hidden_size"], c["rms_norm_eps"])

    def forward(self, x, mask, cos, sin):
        x = x + self.self_attn(self.input_layernorm(x), mask, cos, sin)
        return x + self.mlp(self.post_attention_layernorm(x))


class LlamaModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList(LlamaDecoderLayer(c) for _ in range(c["num_hidden_layers"]))
        self.norm = LlamaRMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.rotary_emb = LlamaRotaryEmbedding(c["hidden_size"] // c["num_attention_heads"],
                                               c["rope_theta"])

    def forward(self, ids):
        b, s = ids.shape
        x = self.embed_tokens(ids)
        pos = torch.arange(s, device=ids.device)[None]  # v4.45: cache_position.unsqueeze(0)
        # the causal mask, as a constant (v4.45's _update_causal_mask without a padding mask)
        mask = torch.full((s, s), -1e9, device=x.device).triu(1)[None, None].expand(b, 1, s, s)
        cos, sin = self.rotary_emb(x, pos)
        for layer in self.layers:
            x = layer(x, mask, cos, sin)
        return self.norm(x)


class LlamaForCausalLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.model = LlamaModel(c)
        self.lm_head = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)

    def forward(self, ids):
        return self.lm_head(self.model(ids)).float()


def test_llama_block_equals_config_path(tmp_path):
    path = os.path.join(tmp_path, "config.json")
    with open(path, "w") as f:
        json.dump(CONFIG, f)
    batch, seq = 2, 12
    native = _core.analyze_native({"model": path, "batch": batch, "seq_len": seq,
                                   "attn_impl": "eager", "format": "json"})
    expected = json.loads(native["report"])
    traced = calflops.profile(LlamaForCausalLM(CONFIG), args=[torch.zeros(batch, seq, dtype=torch.long)])
    assert traced.mode == "meta"
    assert traced.unsupported == []
    assert traced.params == int(native["params"])
    assert traced.macs == int(native["macs"])
    assert traced.flops == int(native["flops"])

"""Small modules whose counts are written out by hand: transformer encoder (slow and fused
paths), recurrent layers, tied weights, the report format, bad input."""

import math

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

import calflops  # noqa: E402


def counts(model, **kw):
    kw.setdefault("print_results", False)
    kw.setdefault("output_as_string", False)
    return calflops.calculate_flops(model, **kw)


# --- nn.TransformerEncoder ------------------------------------------------------------------------
D, HEADS, FF, B, L = 64, 4, 128, 2, 10


def layer_macs():
    rows = B * L
    in_proj = rows * D * 3 * D
    scores = B * HEADS * L * L * (D // HEADS)  # q k^T; attention x v is the same again
    out_proj = rows * D * D
    ffn = rows * D * FF * 2
    return in_proj + 2 * scores + out_proj + ffn


def encoder():
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(D, HEADS, FF, batch_first=True)
    return nn.TransformerEncoder(layer, 2).eval()


@pytest.mark.parametrize("mode", ["meta", "real"])
def test_transformer_encoder_eval(mode):
    enc = encoder()
    x = torch.randn(B, L, D)
    with torch.no_grad():  # eval + no grad: where torch takes its fused fast path
        _, macs, params = counts(enc, args=[x], mode=mode)
    assert macs == 2 * layer_macs()
    per_layer = 3 * D * D + 3 * D + D * D + D + D * FF + FF + FF * D + D + 4 * D
    assert params == 2 * per_layer


def test_transformer_encoder_calflops_convention():
    # calflops HEAD run on this encoder under torch 1.13 (docs/python.md): the projections and
    # the FFN only (q k^T and attention x v run in torch.bmm, which calflops does not patch).
    flops, macs, params = counts(encoder(), args=[torch.randn(B, L, D)], convention="calflops")
    assert (flops, macs, params) == (2_648_640, 1_310_720, 66_944)


class FusedEncoderLayer(nn.Module):
    """Calls torch's fused encoder-layer kernel directly, as TransformerEncoderLayer's fast path
    does: its work must be counted, not dropped."""

    def __init__(self, layer):
        super().__init__()
        self.layer = layer

    def forward(self, x):
        l = self.layer
        a = l.self_attn
        return torch._transformer_encoder_layer_fwd(
            x, a.embed_dim, a.num_heads, a.in_proj_weight, a.in_proj_bias, a.out_proj.weight,
            a.out_proj.bias, False, l.norm_first, l.norm1.eps, l.norm1.weight, l.norm1.bias,
            l.norm2.weight, l.norm2.bias, l.linear1.weight, l.linear1.bias, l.linear2.weight,
            l.linear2.bias, None)


class FusedMha(nn.Module):
    def __init__(self, mha):
        super().__init__()
        self.mha = mha

    def forward(self, x):
        a = self.mha
        return torch._native_multi_head_attention(
            x, x, x, a.embed_dim, a.num_heads, a.in_proj_weight, a.in_proj_bias, a.out_proj.weight,
            a.out_proj.bias, None, False)[0]


def test_fused_encoder_layer_counted():
    layer = encoder().layers[0]
    x = torch.randn(B, L, D)
    with torch.no_grad():
        fused = calflops.profile(FusedEncoderLayer(layer).eval(), args=[x], mode="real")
        slow = calflops.profile(layer, args=[x], mode="real")
    assert fused.macs == layer_macs() == slow.macs
    assert fused.flops == slow.flops


def test_fused_mha_counted():
    mha = nn.MultiheadAttention(D, HEADS, batch_first=True).eval()
    x = torch.randn(B, L, D)
    with torch.no_grad():
        p = calflops.profile(FusedMha(mha), args=[x], mode="real")
    rows = B * L
    assert p.macs == rows * D * 3 * D + 2 * B * HEADS * L * L * (D // HEADS) + rows * D * D
    assert p.unsupported == []


# --- recurrent layers -----------------------------------------------------------------------------
def test_lstm():
    m = nn.LSTM(16, 32, num_layers=2)
    x = torch.randn(8, 2, 16)  # (S, B, I)
    flops, macs, _ = counts(m, args=[x])
    steps = 8 * 2
    assert macs == steps * (4 * 32 * (16 + 32) + 4 * 32 * (32 + 32))
    # calflops' hook, per layer 2|W_ih| - G + 2|W_hh| - G + 10H + biases, x S x B; MACs 0.
    # Spec value for one layer LSTM(16->32) on (2, 8, 16): 201,728.
    one = nn.LSTM(16, 32)
    cf_flops, cf_macs, _ = counts(one, args=[torch.randn(2, 8, 16)], convention="calflops")
    assert (cf_flops, cf_macs) == (201_728, 0)


def test_gru_bidirectional():
    m = nn.GRU(16, 32, bidirectional=True, batch_first=True)
    x = torch.randn(2, 8, 16)  # (B, S, I)
    _, macs, params = counts(m, args=[x])
    assert macs == 2 * 8 * 2 * 3 * 32 * (16 + 32)
    assert params == 2 * (3 * 32 * 16 + 3 * 32 * 32 + 2 * 3 * 32)
    cf_flops, cf_macs, _ = counts(m, args=[x], convention="calflops")
    g, h = 96, 32
    per = 2 * g * 16 - g + 2 * g * h - g + 7 * h + 2 * g
    assert (cf_flops, cf_macs) == (per * 2 * 8 * 2, 0)


# --- tied weights ---------------------------------------------------------------------------------
class TiedLM(nn.Module):
    def __init__(self, vocab=100, dim=16):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.head = nn.Linear(dim, vocab, bias=False)
        self.head.weight = self.embed.weight

    def forward(self, ids):
        return self.head(self.embed(ids))


def test_tied_weights_counted_once():
    ids = torch.zeros(2, 7, dtype=torch.long)
    p = calflops.profile(TiedLM(), args=[ids])
    assert p.params == 100 * 16
    assert p.module("head").params == 100 * 16
    assert p.macs == 2 * 7 * 16 * 100
    # calflops HEAD on the same module (docs/python.md): 44,800 FLOPs, 22,400 MACs, 1,600 params.
    assert counts(TiedLM(), args=[ids], convention="calflops") == (44_800, 22_400, 1_600)


# --- the report -----------------------------------------------------------------------------------
def test_report_format(capsys):
    m = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU())
    flops, macs, params = calflops.calculate_flops(m, input_shape=(1, 3, 8, 8),
                                                   convention="calflops")
    out = capsys.readouterr().out.split("\n")
    assert out[1] == "-" * 37 + " Calculate Flops Results " + "-" * 37
    # conv: 8 x 64 outputs x 27 MACs; FLOPs 2 MACs + bias (calflops: Cout x N x out); ReLU 512.
    conv_macs = 8 * 64 * 27
    assert macs == calflops.macs_to_string(conv_macs)
    assert flops == calflops.flops_to_string(2 * conv_macs + 512 + 512)
    assert params == calflops.params_to_string(8 * 27 + 8)
    assert "{:<70}  {:<8}".format("fwd MACs: ", macs) in out
    assert any(line.startswith("  (0): Conv2d(224 = 100% Params, 13.82 KMACs = 100% MACs")
               for line in out)


def test_profile_object_and_formats():
    m = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    p = calflops.profile(m, input_shape=(3, 4))
    assert p.mode == "meta"
    assert p.macs == 3 * 4 * 8 + 3 * 8 * 2
    assert [x.path for x in p.modules] == ["", "0", "1", "2"]
    assert p.module("2").macs == 3 * 8 * 2
    d = p.to_dict()
    assert d["convention"] == "analytic"
    assert "Calculate Flops Results" in p.to_text()
    assert {"text", "json"} <= set(p.formats)  # the CLI's writers (report/format_registry.h)
    assert p.to("json") == p.to_json()
    with pytest.raises(ValueError, match="unknown format"):
        p.to("docx")


# --- bad input ------------------------------------------------------------------------------------
class Fails(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = nn.Linear(4, 4)

    def forward(self, x):
        return self.inner(x.reshape(5, 7))


def test_forward_failing_everywhere_names_module_and_op():
    with pytest.raises(calflops.TraceError, match=r"module \(root\) \(Fails\), op Tensor.reshape"):
        calflops.profile(Fails(), input_shape=(2, 4))


def test_arguments_that_do_not_fit_forward():
    with pytest.raises(TypeError):
        counts(nn.Linear(4, 4), args=[torch.zeros(1, 4), torch.zeros(1, 4)])


def test_calflops_argument_checks():
    with pytest.raises(AssertionError, match="must be a PyTorch module"):
        counts("not a module", input_shape=(1, 4))
    with pytest.raises(AssertionError, match="input_shape must be a tuple"):
        counts(nn.Linear(4, 4), input_shape=[1, 4])
    with pytest.raises(AssertionError, match="args and kwargs must be empty"):
        counts(nn.Linear(4, 4), input_shape=(1, 4), args=[torch.zeros(1, 4)])
    with pytest.raises(NotImplementedError):
        counts(nn.Linear(4, 4), input_shape=(1, 4), forward_mode="backward")
    with pytest.raises(ValueError, match="convention"):
        counts(nn.Linear(4, 4), input_shape=(1, 4), convention="fvcore")


class UsesEinsum(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(16, 32))

    def forward(self, x):
        return torch.einsum("bij,jk->bik", x, self.w)


def test_einsum():
    assert counts(UsesEinsum(), input_shape=(2, 8, 16))[1] == 2 * 8 * 16 * 32
    # batched: b and h batch, d contracted
    q, k = torch.randn(2, 3, 5, 8), torch.randn(2, 3, 7, 8)
    p = calflops.profile(Einsum2(), args=[q, k])
    assert p.macs == 2 * 3 * 5 * 7 * 8
    # calflops: numpy's einsum_path count printed with 4 significant digits (16,384 -> 16,380),
    # MACs 0; real calflops HEAD on this module: (16380, 0, 512) (docs/python.md)
    assert counts(UsesEinsum(), input_shape=(2, 8, 16), convention="calflops") == (16380, 0, 512)


class Einsum2(nn.Module):
    def forward(self, q, k):
        return torch.einsum("bhqd,bhkd->bhqk", q, k)


class UsesBilinear(nn.Module):
    def __init__(self):
        super().__init__()
        self.bil = nn.Bilinear(4, 4, 2)

    def forward(self, x):
        return self.bil(x, x)


def test_unsupported_listed_and_strict():
    p = calflops.profile(UsesBilinear(), input_shape=(2, 4))
    assert [u[0] for u in p.unsupported] == ["torch.bilinear"]
    assert "unsupported: torch.bilinear x1 (counted as 0: no cost rule)" in p.to_text()
    with pytest.raises(calflops.UnsupportedOpsError, match="torch.bilinear"):
        calflops.profile(UsesBilinear(), input_shape=(2, 4), strict=True)


# --- fallback modes -------------------------------------------------------------------------------
class MakesCpuTensor(nn.Module):
    """torch.arange without a device: a CPU tensor that meta tensors cannot mix with."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(8, 8)

    def forward(self, x):
        return self.lin(x) + torch.arange(x.shape[-1])


class DataDependent(nn.Module):
    """Python control flow on a value: needs real tensors."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(8, 8)

    def forward(self, x):
        y = self.lin(x)
        return y * 2 if bool(y.sum() > -1e30) else y


@pytest.mark.parametrize("cls,modes", [(MakesCpuTensor, ["fake"]),
                                       (DataDependent, ["fake", "real"])])
def test_fallback_modes(cls, modes):
    m = cls()
    p = calflops.profile(m, args=[torch.randn(3, 8)])
    assert p.mode in modes  # torch 1.13's fake tensors answer bool() (2.x raises: real)
    assert p.macs == 3 * 8 * 8
    assert all(q.device.type == "cpu" and type(q) is nn.Parameter for q in m.parameters())
    assert calflops.profile(cls(), args=[torch.randn(3, 8)], mode="real").macs == 3 * 8 * 8


# --- calflops' options ----------------------------------------------------------------------------
def test_calflops_options():
    m = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    f, mac, p = counts(m, input_shape=(3, 4), include_backPropagation=True, compute_bp_factor=2.0)
    macs = 3 * 4 * 8 + 3 * 8 * 2
    assert mac == 3.0 * macs and isinstance(mac, float)
    s = calflops.calculate_flops(m, input_shape=(3, 4), print_results=False, output_unit="K",
                                 output_precision=3)
    assert s[1] == "%s KMACs" % format(round(macs / 1e3, 3), "g")
    # ignore_modules: the ignored module's work goes to its parent; totals unchanged
    prof = calflops.profile(m, input_shape=(3, 4), ignore_modules=[nn.ReLU])
    assert prof.module("1").flops == 0
    assert prof.flops == calflops.profile(m, input_shape=(3, 4)).flops


def test_is_sparse_counts_nonzero_weights():
    m = nn.Linear(4, 4, bias=False)
    with torch.no_grad():
        m.weight.zero_()
        m.weight[0, :2] = 1.0  # 2 of 16 entries non-zero
    flops, macs, params = counts(m, input_shape=(1, 4), is_sparse=True, convention="calflops")
    assert params == 2
    assert macs == 16 * 2 / 16


class TinyGenerator(nn.Module):
    """generate(): a prefill over the prompt, then one-token steps (no cache), as
    calflops' forward_mode="generate" sees a model's generate()."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 8)
        self.head = nn.Linear(8, 10, bias=False)

    def forward(self, ids):
        return self.head(self.emb(ids))

    def generate(self, ids, steps=3):
        for _ in range(steps):
            logits = self(ids)
            ids = torch.cat([ids, logits[:, -1:].argmax(-1)], dim=1)
        return ids


def test_generate_per_call_figures():
    p = calflops.profile(TinyGenerator(), args=[torch.zeros(1, 4, dtype=torch.long)],
                         forward_mode="generate")
    # three calls over 4, 5 and 6 tokens; the head is 8 x 10 per token
    assert [c[1] for c in p.calls] == [4 * 80, 5 * 80, 6 * 80]
    assert p.macs == 15 * 80
    assert [c[0] for c in p.calls] == ["call 0", "call 1", "call 2"]


@pytest.mark.parametrize("masked", [False, True])
def test_cross_attention_separate_projections(masked):
    mha = nn.MultiheadAttention(16, 2, kdim=8, vdim=8)  # kdim != embed_dim: q/k/v_proj_weight
    q, kv = torch.randn(5, 2, 16), torch.randn(7, 2, 8)  # (L, N, E), (S, N, kdim)
    kw = {"attn_mask": torch.zeros(5, 7)} if masked else {}
    p = calflops.profile(mha, args=[q, kv, kv], kwargs=kw)
    scores = 2 * 2 * 5 * 7 * 8  # N x heads x L x S x head_dim, for q k^T and again for x v
    assert p.macs == 5 * 2 * 16 * 16 + 2 * (7 * 2 * 8 * 16) + 2 * scores + 5 * 2 * 16 * 16
    assert p.unsupported == []


class Sdpa(nn.Module):
    """The fused attention function: torch >= 2's public one, torch 1.13's private one."""

    def forward(self, q, k, v):
        if hasattr(F, "scaled_dot_product_attention"):
            return F.scaled_dot_product_attention(q, k, v)
        return F._scaled_dot_product_attention(q, k, v)[0]


F = torch.nn.functional


def test_fused_sdpa_counted():
    q, k = torch.randn(2, 3, 5, 8), torch.randn(2, 3, 7, 8)
    p = calflops.profile(Sdpa(), args=[q, k, k])
    scores = 2 * 3 * 5 * 7
    assert p.macs == scores * 8 * 2
    # analytic: 2 MACs, a scale per score, softmax 5 x 7 - 2 per row (2 x 3 x 5 rows)
    assert p.flops == 2 * p.macs + scores + 2 * 3 * 5 * (5 * 7 - 2)


class FakeTokenizer:
    """What generate_transformer_input uses of a transformers tokenizer."""

    pad_token_id = 0

    def encode_plus(self, text, add_special_tokens=True, **kw):
        return {"input_ids": [101, 102], "token_type_ids": [0, 0], "attention_mask": [1, 1]}


class TokenModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(200, 8)
        self.head = nn.Linear(8, 3)

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, position_ids=None):
        assert attention_mask.shape == token_type_ids.shape == position_ids.shape
        return self.head(self.emb(input_ids))


def test_transformer_tokenizer_inputs():
    ids = calflops.generate_transformer_input(FakeTokenizer(), (2, 5), "cpu")
    assert ids["input_ids"].tolist() == [[101, 102, 0, 0, 0]] * 2
    assert ids["attention_mask"].tolist() == [[1, 1, 0, 0, 0]] * 2
    assert ids["position_ids"].tolist() == [[0, 1, 2, 3, 4]] * 2
    _, macs, _ = counts(TokenModel(), input_shape=(2, 5), transformer_tokenizer=FakeTokenizer())
    assert macs == 2 * 5 * 8 * 3
    _, macs, _ = counts(TokenModel(), transformer_tokenizer=FakeTokenizer())  # default (1, 128)
    assert macs == 128 * 8 * 3


@pytest.mark.parametrize("cls,gates", [(nn.RNNCell, 1), (nn.GRUCell, 3), (nn.LSTMCell, 4)])
def test_recurrent_cells(cls, gates):
    x = torch.randn(2, 16)
    _, macs, _ = counts(cls(16, 32), args=[x])
    assert macs == 2 * gates * 32 * (16 + 32)
    if cls is nn.RNNCell:  # calflops' hook: RNNCell(16, 32) on (2, 16) counts 6,208 (spec)
        assert counts(cls(16, 32), args=[x], convention="calflops")[:2] == (6_208, 0)

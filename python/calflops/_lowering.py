"""Lowering of torch calls to the C++ engine's Op records (src/model/op.h).

The recorder (_recorder.py) sees every torch-level call the forward makes: a torch.nn.functional
function, a torch.* builtin, a Tensor method or a Python operator on tensors, with its arguments
and its result. Each call is looked up here by a canonical key ("F.linear", "torch.bmm",
"Tensor.__add__") and lowered to zero or more Op records: (kind, inputs, output, attr, attr2),
costed afterwards by the C++ op table (src/ops/), the same table as the config and ONNX paths.

The one explicit list is RULES at the bottom: key -> rule. Calls listed in FREE move or select
data and cost nothing. A builtin with no rule is reported as unsupported (never a silent zero);
a Python-level function with no rule is entered, and the torch calls inside it are recorded.

Call forms (which calls calflops would see, for convention="calflops"): calflops replaces the
attributes listed in CALFLOPS_PATCHED on torch.nn.functional, torch and torch.Tensor; any other
call, a Python operator, and a function object a module captured before patching (e.g.
TransformerEncoderLayer.activation = F.relu) are invisible to it.
"""

import math

from . import _core

KIND = _core.op_kinds()
FORM = _core.call_forms()


class Unsupported(Exception):
    """A call whose arguments this lowering cannot cost (listed as unsupported)."""


# --- what calflops patches (GitHub HEAD, calflops-spec.md section 3.1) -----------------------------
CALFLOPS_PATCHED = {
    "F.linear", "torch.conv1d", "torch.conv2d", "torch.conv3d",
    "torch.conv_transpose1d", "torch.conv_transpose2d", "torch.conv_transpose3d",
    "F.relu", "F.prelu", "torch.prelu", "F.elu", "F.leaky_relu", "F.relu6", "F.silu", "F.gelu",
    "F.batch_norm", "F.layer_norm", "F.group_norm", "F.instance_norm",
    "F.avg_pool1d", "F.avg_pool2d", "F.avg_pool3d", "F.max_pool1d", "F.max_pool2d", "F.max_pool3d",
    "F.adaptive_avg_pool1d", "F.adaptive_avg_pool2d", "F.adaptive_avg_pool3d",
    "F.adaptive_max_pool1d", "F.adaptive_max_pool2d", "F.adaptive_max_pool3d",
    "torch.avg_pool1d", "torch.adaptive_avg_pool1d", "torch.adaptive_max_pool1d",
    "F.interpolate", "F.upsample", "F.softmax", "F.embedding",
    "torch.matmul", "Tensor.matmul", "torch.addmm", "Tensor.addmm", "torch.baddbmm",
    "torch.einsum", "torch.mul", "Tensor.mul", "torch.add", "Tensor.add",
}
_TORCH_FORM = {"torch.matmul", "Tensor.matmul", "torch.addmm", "Tensor.addmm", "torch.baddbmm",
               "torch.einsum", "torch.mul", "Tensor.mul", "torch.add", "Tensor.add"}


def call_form(key, captured):
    """The CallForm calflops' patching gives this call."""
    if captured or key not in CALFLOPS_PATCHED:
        return FORM["unhooked"]
    return FORM["torch"] if key in _TORCH_FORM else FORM["functional"]


# --- helpers ------------------------------------------------------------------------------------
def _is_tensor(x):
    return hasattr(x, "shape") and hasattr(x, "dtype") and hasattr(x, "dim")


def shape(t):
    return tuple(int(d) for d in t.shape)


def dtype_name(t):
    return str(t.dtype).replace("torch.", "")


def _numel(s):
    n = 1
    for d in s:
        n *= d
    return n


def first_tensor(x):
    if _is_tensor(x):
        return x
    if isinstance(x, (tuple, list)):
        for y in x:
            t = first_tensor(y)
            if t is not None:
                return t
    return None


class Call:
    """One torch call: positional and keyword arguments and its result."""

    __slots__ = ("key", "args", "kwargs", "result", "ops", "form")

    def __init__(self, key, args, kwargs, result, form):
        self.key = key
        self.args = args
        self.kwargs = kwargs
        self.result = result
        self.ops = []
        self.form = form

    def arg(self, i, name, default=None):
        if i is not None and i < len(self.args):
            return self.args[i]
        return self.kwargs.get(name, default)

    def out(self):
        t = first_tensor(self.result)
        if t is None:
            raise Unsupported("no tensor result")
        return t

    def emit(self, kind, ins, out, attr=0, attr2=0, dtype=None, form=None):
        if dtype is None:
            dtype = dtype_name(self.out()) if first_tensor(self.result) is not None else "float32"
        self.ops.append((KIND[kind], self.form if form is None else form, dtype,
                         [tuple(s) for s in ins], tuple(out), int(attr), int(attr2)))


def _t(c, i, name):
    x = c.arg(i, name)
    if not _is_tensor(x):
        raise Unsupported("argument %s is not a tensor" % name)
    return x


# --- rules ------------------------------------------------------------------------------------
def linear(c):
    x, w, b = _t(c, 0, "input"), _t(c, 1, "weight"), c.arg(2, "bias")
    c.emit("Linear", [shape(x), shape(w)], shape(c.out()), attr=b is not None)


def matmul(c):
    a, b = _t(c, 0, "input"), _t(c, 1, "other")
    c.emit("MatMul", [shape(a), shape(b)], shape(c.out()))


def rmatmul(c):  # Tensor.__rmatmul__(self, other) = other @ self
    a, b = _t(c, 0, "input"), _t(c, 1, "other")
    c.emit("MatMul", [shape(b), shape(a)], shape(c.out()))


def addmm(c):
    """addmm(bias, x (m, k), W (k, n)): the product plus the bias add, as a Linear of (n, k)."""
    bias, x, w = c.arg(0, "input"), _t(c, 1, "mat1"), _t(c, 2, "mat2")
    ws = shape(w)
    c.emit("Linear", [shape(x), (ws[-1], ws[0])], shape(c.out()), attr=_is_tensor(bias))


def baddbmm(c):
    bias, a, b = c.arg(0, "input"), _t(c, 1, "batch1"), _t(c, 2, "batch2")
    out = shape(c.out())
    c.emit("MatMul", [shape(a), shape(b)], out)
    if _is_tensor(bias):
        c.emit("Add", [out, shape(bias)], out)


def conv(c):
    x, w, b = _t(c, 0, "input"), _t(c, 1, "weight"), c.arg(2, "bias")
    c.emit("Conv", [shape(x), shape(w)], shape(c.out()), attr=_is_tensor(b))


def conv_transpose(c):
    x, w, b = _t(c, 0, "input"), _t(c, 1, "weight"), c.arg(2, "bias")
    groups = c.arg(6, "groups", 1)
    c.emit("ConvTranspose", [shape(x), shape(w)], shape(c.out()), attr=_is_tensor(b),
           attr2=int(groups))


def binary(kind):
    def rule(c):
        a, b = c.arg(0, "input"), c.arg(1, "other")
        if not _is_tensor(a):
            a, b = b, a
        out = shape(c.out())
        if _is_tensor(b):
            c.emit(kind, [shape(a), shape(b)], out)
        else:
            c.emit(kind, [shape(a)], out)
    return rule


def reflected(kind):
    """Tensor.__rsub__ / __rtruediv__ (self, other) = other - self."""
    def rule(c):
        a, b = c.arg(0, "input"), c.arg(1, "other")
        out = shape(c.out())
        c.emit(kind, [shape(b), shape(a)] if _is_tensor(b) else [shape(a)], out)
    return rule


def unary(kind):
    def rule(c):
        x = _t(c, 0, "input")
        c.emit(kind, [shape(x)], shape(c.out()))
    return rule


def gelu(c):
    approx = c.arg(1, "approximate", "none")
    unary("GeluTanh" if approx == "tanh" else "Gelu")(c)


def batch_norm(c):
    x = _t(c, 0, "input")
    s = shape(x)
    c.emit("BatchNorm", [s], s, attr=s[1] if len(s) > 1 else 1)


def layer_norm(c):
    x = _t(c, 0, "input")
    ns = c.arg(1, "normalized_shape")
    ns = (ns,) if isinstance(ns, int) else tuple(ns)
    w, b = c.arg(2, "weight"), c.arg(3, "bias")
    c.emit("LayerNorm", [shape(x)], shape(x), attr=_numel(ns),
           attr2=(1 if w is not None else 0) | (2 if b is not None else 0))


def group_norm(c):
    x = _t(c, 0, "input")
    s = shape(x)
    groups = int(c.arg(1, "num_groups"))
    w, b = c.arg(2, "weight"), c.arg(3, "bias")
    c.emit("LayerNorm", [s], s, attr=_numel(s) // (s[0] * groups),
           attr2=(1 if w is not None else 0) | (2 if b is not None else 0))


def instance_norm(c):
    x = _t(c, 0, "input")
    s = shape(x)
    w, b = c.arg(3, "weight"), c.arg(4, "bias")
    c.emit("LayerNorm", [s], s, attr=_numel(s[2:]),
           attr2=(1 if w is not None else 0) | (2 if b is not None else 0))


def rms_norm(c):
    x = _t(c, 0, "input")
    ns = c.arg(1, "normalized_shape")
    ns = (ns,) if isinstance(ns, int) else tuple(ns)
    c.emit("RmsNorm", [shape(x)], shape(x), attr=_numel(ns), attr2=c.arg(2, "weight") is not None)


def _dim_size(x, dim):
    s = shape(x)
    if not s:
        return 1
    return s[dim if dim is not None else -1]


def softmax(kind):
    def rule(c):
        x = _t(c, 0, "input")
        dim = c.arg(1, "dim")
        if dim is None:  # F.softmax's legacy implicit dim
            dim = 0 if x.dim() in (0, 1, 3) else 1
        c.emit(kind, [shape(x)], shape(x), attr=_dim_size(x, int(dim)))
    return rule


def normalize(c):
    x = _t(c, 0, "input")
    p, dim = c.arg(1, "p", 2.0), c.arg(2, "dim", 1)
    c.emit("LpNorm", [shape(x)], shape(x), attr=_dim_size(x, int(dim)), attr2=int(p))


def _tuple(v, n):
    if isinstance(v, int):
        return (v,) * n
    return tuple(int(a) for a in v)


def pool(kind, n):
    def rule(c):
        x = _t(c, 0, "input")
        k = c.arg(1, "kernel_size")
        c.emit(kind, [shape(x)], shape(c.out()), attr=_numel(_tuple(k, n)))
    return rule


def adaptive_pool(kind, n):
    def rule(c):
        x = _t(c, 0, "input")
        s, o = shape(x), shape(c.out())
        window = 1
        for i in range(1, n + 1):
            window *= -(-s[-i] // o[-i]) if o[-i] else 0  # ceil(in / out): the largest window
        c.emit(kind, [s], o, attr=window)
    return rule


def interpolate(c):
    x = _t(c, 0, "input")
    mode = c.arg(3, "mode", "nearest")
    d = x.dim() - 2
    taps = {"linear": 2, "bilinear": 4, "trilinear": 8, "bicubic": 16}.get(mode, 0)
    if mode in ("linear", "bilinear", "trilinear"):
        taps = 2 ** d
    c.emit("Resize", [shape(x)], shape(c.out()), attr=taps)


def embedding(c):
    ids, w = _t(c, 0, "input"), _t(c, 1, "weight")
    c.emit("Embedding", [shape(ids), shape(w)], shape(c.out()), dtype=dtype_name(w))


def _as4d(s):
    s = tuple(s)
    if len(s) == 4:
        return s
    if len(s) == 3:
        return (1,) + s
    if len(s) > 4:
        return (_numel(s[:-3]),) + s[-3:]
    raise Unsupported("attention operand of rank %d" % len(s))


def sdpa(c):
    q, k, v = _t(c, 0, "query"), _t(c, 1, "key"), _t(c, 2, "value")
    mask = c.arg(3, "attn_mask")
    out = shape(first_tensor(c.result))
    c.emit("Attention", [_as4d(shape(q)), _as4d(shape(k)), _as4d(shape(v))], out,
           attr=_is_tensor(mask))


def _lin(c, x_shape, w, b):
    ws = shape(w)
    out = tuple(x_shape[:-1]) + (ws[0],)
    c.emit("Linear", [x_shape, ws], out, attr=_is_tensor(b), dtype=dtype_name(w))
    return out


def _mha_core(c, q, k, v, e, heads, qkv_w, qkv_b, proj_w, proj_b, mask, batch_first=True):
    """In-projection, attention and out-projection of a fused multi-head attention.
    q, k, v: shapes (B, L, E) (batch first)."""
    if q == k == v:
        _lin(c, q, qkv_w, qkv_b)
    else:
        w3 = shape(qkv_w)
        for x in (q, k, v):
            c.emit("Linear", [x, (w3[0] // 3, w3[1])], tuple(x[:-1]) + (w3[0] // 3,),
                   attr=_is_tensor(qkv_b), dtype=dtype_name(qkv_w))
    # As torch's kernel runs it: q scaled (transform_bias_rescale_qkv), q k^T, softmax, x v.
    b, lq, lk, d = q[0], q[1], k[1], e // heads
    dt, un = dtype_name(qkv_w), FORM["unhooked"]
    qh, scores = (b * heads, lq, d), (b * heads, lq, lk)
    c.emit("Mul", [qh], qh, dtype=dt, form=un)
    c.emit("MatMul", [qh, (b * heads, d, lk)], scores, dtype=dt, form=un)
    if _is_tensor(mask):
        c.emit("Add", [scores, scores], scores, dtype=dt, form=un)
    c.emit("Softmax", [scores], scores, attr=lk, dtype=dt, form=un)
    c.emit("MatMul", [scores, (b * heads, lk, d)], qh, dtype=dt, form=un)
    return _lin(c, (b, lq, e), proj_w, proj_b)


def native_mha(c):
    """torch._native_multi_head_attention (nn.MultiheadAttention's fast path, eval, no grad):
    (query, key, value, embed_dim, num_head, qkv_weight, qkv_bias, proj_weight, proj_bias,
    mask, need_weights, average_attn_weights, mask_type); inputs batch first."""
    q, k, v = (shape(_t(c, i, n)) for i, n in ((0, "query"), (1, "key"), (2, "value")))
    _mha_core(c, q, k, v, int(c.arg(3, "embed_dim")), int(c.arg(4, "num_head")), c.arg(5, "qkv_weight"),
              c.arg(6, "qkv_bias"), c.arg(7, "proj_weight"), c.arg(8, "proj_bias"), c.arg(9, "mask"))


def encoder_layer_fwd(c):
    """torch._transformer_encoder_layer_fwd (nn.TransformerEncoderLayer's fast path):
    (src, embed_dim, num_heads, qkv_weight, qkv_bias, proj_weight, proj_bias, use_gelu,
    norm_first, eps, norm_weight_1, norm_bias_1, norm_weight_2, norm_bias_2, ffn_weight_1,
    ffn_bias_1, ffn_weight_2, ffn_bias_2, mask, mask_type): the whole layer, batch first."""
    a = c.args + tuple(c.kwargs.values())
    src = shape(a[0])
    e, heads = int(a[1]), int(a[2])
    use_gelu, norm_first = bool(a[7]), bool(a[8])
    mask = a[18] if len(a) > 18 else None
    dt = dtype_name(a[0])

    def norm(s, w, b):
        c.emit("LayerNorm", [s], s, attr=s[-1], attr2=(1 if w is not None else 0) | (2 if b is not None else 0), dtype=dt)

    x = src
    if norm_first:
        norm(x, a[10], a[11])
    y = _mha_core(c, x, x, x, e, heads, a[3], a[4], a[5], a[6], mask)
    c.emit("Add", [src, y], src, dtype=dt)
    if not norm_first:
        norm(src, a[10], a[11])
    else:
        norm(src, a[12], a[13])
    h = _lin(c, src, a[14], a[15])
    c.emit("Gelu" if use_gelu else "Relu", [h], h, dtype=dt)
    y = _lin(c, h, a[16], a[17])
    c.emit("Add", [src, y], src, dtype=dt)
    if not norm_first:
        norm(src, a[12], a[13])


_TORCH2 = None


def _torch2():
    global _TORCH2
    if _TORCH2 is None:
        import torch
        _TORCH2 = int(torch.__version__.split(".")[0]) >= 2
    return _TORCH2


def mha_forward(c):
    """F.multi_head_attention_forward (nn.MultiheadAttention's Python path), as torch runs it:
    the in-projection (one packed F.linear for self-attention, else one per input), then per
    head q / sqrt(d), q k^T (torch.baddbmm with a mask, else torch.bmm), F.softmax and
    attention x v (torch.bmm), then the out-projection (F.linear). torch >= 2 without
    need_weights runs q k^T, softmax and x v inside scaled_dot_product_attention instead.
    Inputs are (L, N, E) (batched) or (L, E)."""
    q, k, v = _t(c, 0, "query"), _t(c, 1, "key"), _t(c, 2, "value")
    heads = int(c.arg(4, "num_heads"))
    in_w, in_b = c.arg(5, "in_proj_weight"), c.arg(6, "in_proj_bias")
    out_w, out_b = c.arg(11, "out_proj_weight"), c.arg(12, "out_proj_bias")
    need_weights = c.arg(15, "need_weights", True)
    mask = c.arg(16, "attn_mask")
    separate = c.arg(17, "use_separate_proj_weight", False)
    kpm = c.arg(14, "key_padding_mask")
    qs, ks, vs = shape(q), shape(k), shape(v)
    if len(qs) == 2:
        qs, ks, vs = (qs[0], 1, qs[1]), (ks[0], 1, ks[1]), (vs[0], 1, vs[1])
    e = qs[-1]
    fn = FORM["functional"]
    dt = dtype_name(q)
    if separate:
        for x, w in ((qs, c.arg(18, "q_proj_weight")), (ks, c.arg(19, "k_proj_weight")),
                     (vs, c.arg(20, "v_proj_weight"))):
            ws = shape(w)
            c.emit("Linear", [x, ws], x[:-1] + (ws[0],), attr=_is_tensor(in_b), form=fn, dtype=dt)
    else:
        w3 = shape(in_w)
        if k is v and q is k:
            c.emit("Linear", [qs, w3], qs[:-1] + (w3[0],), attr=_is_tensor(in_b), form=fn, dtype=dt)
        elif k is v:
            c.emit("Linear", [qs, (e, w3[1])], qs, attr=_is_tensor(in_b), form=fn, dtype=dt)
            c.emit("Linear", [ks, (2 * e, w3[1])], ks[:-1] + (2 * e,), attr=_is_tensor(in_b),
                   form=fn, dtype=dt)
        else:
            for x in (qs, ks, vs):
                c.emit("Linear", [x, (e, w3[1])], x[:-1] + (e,), attr=_is_tensor(in_b), form=fn,
                       dtype=dt)
    lq, n = qs[0], qs[1]
    lk = ks[0]
    d = e // heads
    bh = n * heads
    masked = _is_tensor(mask) or _is_tensor(kpm)
    if _torch2() and not need_weights:
        att = (n, heads, lq, d)
        c.emit("Attention", [att, (n, heads, lk, d), (n, heads, lk, d)], att, attr=masked,
               form=FORM["unhooked"], dtype=dt)
    else:
        qh, kt, vh = (bh, lq, d), (bh, d, lk), (bh, lk, d)
        scores = (bh, lq, lk)
        c.emit("Div" if not _torch2() else "Mul", [qh], qh, form=FORM["unhooked"], dtype=dt)
        if masked:
            c.emit("MatMul", [qh, kt], scores, form=FORM["torch"], dtype=dt)
            c.emit("Add", [scores, scores], scores, form=FORM["torch"], dtype=dt)
        else:
            c.emit("MatMul", [qh, kt], scores, form=FORM["unhooked"], dtype=dt)
        c.emit("Softmax", [scores], scores, attr=lk, form=fn, dtype=dt)
        c.emit("MatMul", [scores, vh], qh, form=FORM["unhooked"], dtype=dt)
    ows = shape(out_w)
    c.emit("Linear", [(lq * n, e), ows], (lq * n, ows[0]), attr=_is_tensor(out_b), form=fn, dtype=dt)


def recurrent(kind, gates):
    """torch.lstm / gru / rnn_tanh / rnn_relu (nn.LSTM, nn.GRU, nn.RNN): one op per layer.
    Dense input: (input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
    batch_first)."""
    def rule(c):
        x = c.arg(0, "input")
        hx = c.arg(1, "hx")
        params = c.arg(2, "params")
        if not isinstance(params, (list, tuple)) or not _is_tensor(x) or not isinstance(hx, (list, tuple)) and not _is_tensor(hx):
            raise Unsupported("packed sequences are not supported")
        has_bias, layers = bool(c.arg(3, "has_biases")), int(c.arg(4, "num_layers"))
        bidir, batch_first = bool(c.arg(7, "bidirectional")), bool(c.arg(8, "batch_first"))
        s = shape(x)
        if len(s) == 2:  # unbatched (S, I)
            steps, batch = s[0], 1
        else:
            steps, batch = (s[1], s[0]) if batch_first else (s[0], s[1])
        dirs = 2 if bidir else 1
        per = 4 if has_bias else 2
        for layer in range(layers):
            w_ih = shape(params[layer * dirs * per])
            inp = w_ih[1]
            hidden = w_ih[0] // gates
            c.emit(kind, [(steps, batch, inp), (dirs, w_ih[0], inp)], (steps, dirs, batch, hidden),
                   attr=has_bias, dtype=dtype_name(x))
    return rule


def recurrent_cell(kind, gates):
    """torch.lstm_cell / gru_cell / rnn_tanh_cell / rnn_relu_cell (nn.LSTMCell, nn.GRUCell,
    nn.RNNCell): (input, hx, w_ih, w_hh, b_ih, b_hh), one step."""
    def rule(c):
        x, w_ih = _t(c, 0, "input"), _t(c, 2, "w_ih")
        s, w = shape(x), shape(w_ih)
        batch = s[0] if len(s) == 2 else 1
        c.emit(kind, [(1, batch, w[1]), (1, w[0], w[1])], (1, 1, batch, w[0] // gates),
               attr=_is_tensor(c.arg(4, "b_ih")), dtype=dtype_name(x))
    return rule


def reduce(kind):
    def rule(c):
        x = _t(c, 0, "input")
        out = first_tensor(c.result)
        c.emit(kind, [shape(x)], shape(out) if out is not None else ())
    return rule


def max_or_min(c):
    """torch.max / min: a reduction with one tensor, elementwise with two."""
    other = c.arg(1, "other")
    if _is_tensor(other):
        return binary("Compare")(c)
    return reduce("ReduceMax")(c)


def topk(c):
    x = _t(c, 0, "input")
    k = int(c.arg(1, "k"))
    c.emit("TopK", [shape(x)], shape(c.out()), attr=k)


def cumsum(c):
    x = _t(c, 0, "input")
    c.emit("CumSum", [shape(x)], shape(c.out()), attr=_dim_size(x, int(c.arg(1, "dim"))))


def var_or_std(c):
    """(x - mean)^2 summed and divided (sqrt for std): about 4 FLOPs per input element,
    as Mean + Sub + Mul + Mean of the centred values."""
    x = _t(c, 0, "input")
    s, o = shape(x), shape(c.out())
    c.emit("Mean", [s], o)
    c.emit("Sub", [s, o], s)
    c.emit("Mul", [s, s], s)
    c.emit("Mean", [s], o)
    if c.key.endswith("std"):
        c.emit("Sqrt", [o], o)


def einsum(c):
    """torch.einsum with two operands, as the batched matmul it is: labels in both inputs and the
    output are batch, in both inputs only contracted (k), in one input only m or n."""
    eq = c.args[0] if c.args else c.kwargs.get("equation")
    ops = list(c.args[1:])
    if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
        ops = list(ops[0])
    if not isinstance(eq, str) or len(ops) != 2 or not all(_is_tensor(o) for o in ops):
        raise Unsupported("einsum other than two tensor operands")
    eq = eq.replace(" ", "")
    if "..." in eq:
        raise Unsupported("einsum with an ellipsis")
    lhs, arrow, out = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != 2:
        raise Unsupported("einsum equation")
    a, b = terms
    if not arrow:  # implicit output: the labels that appear once, in alphabetical order
        out = "".join(sorted(l for l in set(a + b) if (a + b).count(l) == 1))
    dims = {}
    for labels, t in zip((a, b), ops):
        if len(labels) != t.dim():
            raise Unsupported("einsum equation does not match the operand ranks")
        for l, d in zip(labels, t.shape):
            dims[l] = int(d)
    sa, sb, so = set(a), set(b), set(out)
    prod = lambda ls: _numel([dims[l] for l in ls])  # noqa: E731
    batch, k = prod(sa & sb & so), prod((sa & sb) - so)
    m, n = prod(sa - sb), prod(sb - sa)
    c.emit("Einsum", [(batch, m, k), (batch, k, n)], shape(c.out()))


def free(c):
    """Moves, views, selects or creates data: no arithmetic."""


# --- the one explicit list ----------------------------------------------------------------------
FREE = [
    "view", "view_as", "reshape", "reshape_as", "permute", "transpose", "transpose_", "t", "T",
    "contiguous", "flatten", "unflatten", "unsqueeze", "unsqueeze_", "squeeze", "squeeze_",
    "expand", "expand_as", "repeat", "repeat_interleave", "tile", "cat", "concat", "stack",
    "hstack", "vstack", "split", "split_with_sizes", "chunk", "unbind", "narrow", "select",
    "index_select", "gather", "take", "__getitem__", "__setitem__", "masked_fill", "masked_fill_",
    "masked_select", "where", "roll", "flip", "movedim", "swapaxes", "clone", "detach",
    "detach_", "to", "type", "type_as", "float", "half", "bfloat16", "double", "int", "long",
    "bool", "cpu", "cuda", "size", "dim", "ndimension", "numel", "nelement", "stride",
    "storage_offset", "is_contiguous", "is_floating_point", "is_complex", "element_size",
    "item", "tolist", "__len__", "__iter__", "__hash__", "__bool__", "__index__", "__int__",
    "__float__", "__format__", "__repr__", "__reversed__", "__contains__", "__array__",
    "zeros", "ones", "full", "empty", "zeros_like", "ones_like", "full_like", "empty_like",
    "rand", "randn", "rand_like", "randn_like", "randint", "arange", "linspace", "eye", "tensor",
    "as_tensor", "new_zeros", "new_ones", "new_empty", "new_full", "new_tensor", "fill_",
    "zero_", "copy_", "triu", "tril", "triu_", "tril_", "dropout", "dropout_", "alpha_dropout",
    "feature_alpha_dropout", "dropout1d", "dropout2d", "dropout3d", "native_dropout", "pad",
    "constant_pad_nd", "requires_grad_", "retain_grad", "data_ptr", "get_device",
    "pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "one_hot", "scatter", "scatter_",
    "index_put", "index_put_", "index_copy", "index_fill", "diagonal", "diag", "broadcast_to",
    "broadcast_tensors", "meshgrid", "unfold", "as_strided", "view_as_real", "view_as_complex",
    "nonzero", "argwhere", "sort", "argsort", "unique", "searchsorted", "bucketize",
    "is_nonzero", "equal", "allclose", "isfinite", "isnan", "isinf", "any", "all", "sign",
    "masked_scatter", "identity", "Identity", "_has_compatible_shallow_copy_type", "align_to",
    "refine_names", "rename", "_assert", "is_tensor", "is_storage", "result_type",
    "can_cast", "promote_types", "_has_torch_function", "numel", "chunk", "__deepcopy__", "__reduce_ex__", "__setstate__", "share_memory_",
    "pin_memory", "record_stream", "is_pinned", "is_shared", "_is_view", "__dlpack__",
]

_ADD, _SUB, _MUL, _DIV = binary("Add"), binary("Sub"), binary("Mul"), binary("Div")
_CMP = binary("Compare")


def _both(names, rule):
    """Rules for torch.X and Tensor.X."""
    out = {}
    for n in names:
        out["torch." + n] = rule
        out["Tensor." + n] = rule
    return out


RULES = {
    "F.linear": linear,
    "torch.matmul": matmul, "Tensor.matmul": matmul, "Tensor.__matmul__": matmul,
    "Tensor.__rmatmul__": rmatmul, "torch.mm": matmul, "Tensor.mm": matmul,
    "torch.bmm": matmul, "Tensor.bmm": matmul, "torch.mv": matmul, "Tensor.mv": matmul,
    "torch.addmm": addmm, "Tensor.addmm": addmm, "torch.baddbmm": baddbmm,
    "Tensor.baddbmm": baddbmm,
    "torch.conv1d": conv, "torch.conv2d": conv, "torch.conv3d": conv,
    "torch.conv_transpose1d": conv_transpose, "torch.conv_transpose2d": conv_transpose,
    "torch.conv_transpose3d": conv_transpose,
    "F.batch_norm": batch_norm, "torch.batch_norm": batch_norm,
    "F.layer_norm": layer_norm, "torch.layer_norm": layer_norm,
    "F.group_norm": group_norm, "torch.group_norm": group_norm,
    "F.instance_norm": instance_norm, "torch.instance_norm": instance_norm,
    "F.rms_norm": rms_norm, "torch.rms_norm": rms_norm,
    "F.softmax": softmax("Softmax"), "F.log_softmax": softmax("LogSoftmax"),
    "F.normalize": normalize,
    "F.embedding": embedding, "torch.embedding": embedding,
    "F.interpolate": interpolate, "F.upsample": interpolate,
    "F.scaled_dot_product_attention": sdpa, "F._scaled_dot_product_attention": sdpa,
    "torch._native_multi_head_attention": native_mha,
    "F.multi_head_attention_forward": mha_forward,
    "torch.einsum": einsum,
    "torch._transformer_encoder_layer_fwd": encoder_layer_fwd,
    "torch.lstm": recurrent("LSTM", 4), "torch.gru": recurrent("GRU", 3),
    "torch.rnn_tanh": recurrent("RNN", 1), "torch.rnn_relu": recurrent("RNN", 1),
    "torch.lstm_cell": recurrent_cell("LSTM", 4), "torch.gru_cell": recurrent_cell("GRU", 3),
    "torch.rnn_tanh_cell": recurrent_cell("RNN", 1),
    "torch.rnn_relu_cell": recurrent_cell("RNN", 1),
    "F.gelu": gelu, "torch.gelu": gelu, "Tensor.gelu": gelu,
    "Tensor.__add__": _ADD, "Tensor.__radd__": _ADD, "Tensor.__iadd__": _ADD,
    "Tensor.__sub__": _SUB, "Tensor.__isub__": _SUB, "Tensor.__rsub__": reflected("Sub"),
    "Tensor.__mul__": _MUL, "Tensor.__rmul__": _MUL, "Tensor.__imul__": _MUL,
    "Tensor.__truediv__": _DIV, "Tensor.__itruediv__": _DIV, "Tensor.__div__": _DIV,
    "Tensor.__rtruediv__": reflected("Div"), "Tensor.__rdiv__": reflected("Div"),
    "Tensor.__pow__": binary("Pow"), "Tensor.__ipow__": binary("Pow"),
    "Tensor.__neg__": unary("Neg"), "Tensor.__abs__": unary("Abs"),
    "Tensor.__floordiv__": _DIV, "Tensor.__mod__": _CMP,
    "Tensor.__eq__": _CMP, "Tensor.__ne__": _CMP, "Tensor.__lt__": _CMP, "Tensor.__le__": _CMP,
    "Tensor.__gt__": _CMP, "Tensor.__ge__": _CMP, "Tensor.__and__": _CMP,
    "Tensor.__or__": _CMP, "Tensor.__xor__": _CMP, "Tensor.__invert__": _CMP,
    "Tensor.__iand__": _CMP, "Tensor.__ior__": _CMP,
    "torch.max": max_or_min, "Tensor.max": max_or_min, "torch.min": max_or_min,
    "Tensor.min": max_or_min,
    "torch.topk": topk, "Tensor.topk": topk, "torch.cumsum": cumsum, "Tensor.cumsum": cumsum,
    "torch.var": var_or_std, "Tensor.var": var_or_std, "torch.std": var_or_std,
    "Tensor.std": var_or_std,
    "F.relu": unary("Relu"), "F.relu_": unary("Relu"), "F.silu": unary("Silu"),
    "F.hardtanh": unary("Clip"), "F.relu6": unary("Clip"), "F.leaky_relu": unary("LeakyRelu"),
    "F.prelu": unary("LeakyRelu"), "torch.prelu": unary("LeakyRelu"), "F.elu": unary("Elu"),
    "F.celu": unary("Elu"), "F.selu": unary("Selu"), "F.hardsigmoid": unary("HardSigmoid"),
    "F.hardswish": unary("HardSwish"), "F.softplus": unary("Softplus"),
    "F.softsign": unary("Softsign"), "F.mish": unary("Mish"), "F.hardshrink": unary("Shrink"),
    "F.softshrink": unary("Shrink"), "F.sigmoid": unary("Sigmoid"), "F.tanh": unary("Tanh"),
    "F.logsigmoid": unary("Softplus"),
}
RULES.update(_both(["add", "add_", "sum_add"], _ADD))
RULES.update(_both(["sub", "sub_", "subtract", "rsub"], _SUB))
RULES.update(_both(["mul", "mul_", "multiply"], _MUL))
RULES.update(_both(["div", "div_", "divide", "true_divide", "floor_divide", "remainder",
                    "fmod"], _DIV))
RULES.update(_both(["pow", "pow_", "float_power"], binary("Pow")))
RULES.update(_both(["eq", "ne", "lt", "le", "gt", "ge", "greater", "less", "maximum",
                    "minimum", "fmax", "fmin", "logical_and", "logical_or", "logical_xor",
                    "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
                    "eq_", "ne_", "lt_", "gt_"], _CMP))
for _names, _kind in [
    (["relu", "relu_"], "Relu"), (["sigmoid", "sigmoid_"], "Sigmoid"), (["tanh", "tanh_"], "Tanh"),
    (["exp", "exp_"], "Exp"), (["log", "log_", "log2", "log10", "log1p"], "Log"),
    (["sqrt", "sqrt_"], "Sqrt"), (["rsqrt", "rsqrt_"], "Rsqrt"), (["sin", "sin_"], "Sin"),
    (["cos", "cos_"], "Cos"), (["neg", "neg_", "negative"], "Neg"), (["abs", "abs_"], "Abs"),
    (["erf", "erf_"], "Erf"), (["reciprocal", "reciprocal_"], "Reciprocal"),
    (["floor", "ceil", "round", "trunc", "frac"], "Round"),
    (["clamp", "clamp_", "clip", "clip_", "clamp_min", "clamp_max", "clamp_min_",
      "clamp_max_", "hardtanh", "hardtanh_"], "Clip"),
    (["tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "atan2"], "Trig"),
    (["silu", "silu_"], "Silu"), (["square"], "Mul"), (["sigmoid"], "Sigmoid"),
    (["softplus"], "Softplus"), (["hardswish"], "HardSwish"), (["mish"], "Mish"),
    (["exp2", "expm1"], "Exp"), (["erfc"], "Erf"),
]:
    RULES.update(_both(_names, unary(_kind)))
RULES.update(_both(["mean", "nanmean"], reduce("Mean")))
RULES.update(_both(["sum", "nansum"], reduce("Sum")))
RULES.update(_both(["amax", "amin", "argmax", "argmin", "aminmax"], reduce("ReduceMax")))
RULES.update(_both(["prod"], reduce("Prod")))
RULES.update(_both(["logsumexp"], reduce("ReduceLogSumExp")))
RULES.update(_both(["norm"], reduce("ReduceL2")))
RULES.update(_both(["softmax"], softmax("Softmax")))
RULES.update(_both(["log_softmax"], softmax("LogSoftmax")))
for _n in (1, 2, 3):
    RULES["F.max_pool%dd" % _n] = pool("MaxPool", _n)
    RULES["F.max_pool%dd_with_indices" % _n] = pool("MaxPool", _n)
    RULES["torch.max_pool%dd" % _n] = pool("MaxPool", _n)
    RULES["F.avg_pool%dd" % _n] = pool("AvgPool", _n)
    RULES["torch.avg_pool%dd" % _n] = pool("AvgPool", _n)
    RULES["F.lp_pool%dd" % _n] = pool("LpPool", _n)
    RULES["F.adaptive_avg_pool%dd" % _n] = adaptive_pool("AvgPool", _n)
    RULES["torch.adaptive_avg_pool%dd" % _n] = adaptive_pool("AvgPool", _n)
    RULES["F.adaptive_max_pool%dd" % _n] = adaptive_pool("MaxPool", _n)
    RULES["F.adaptive_max_pool%dd_with_indices" % _n] = adaptive_pool("MaxPool", _n)
    RULES["torch.adaptive_max_pool%dd" % _n] = adaptive_pool("MaxPool", _n)
for _n in FREE:
    for _p in ("torch.", "Tensor.", "F."):
        RULES.setdefault(_p + _n, free)

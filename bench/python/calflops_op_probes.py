"""Single-op probes through the real calflops (a checkout of github.com/MrYxJ/calculate-flops.pytorch
at GitHub HEAD 29ca584, never committed here): one tiny nn.Module per calflops rule, each calling
exactly one patched function (or, for the recurrent layers, one hooked module). Prints
{probe: [flops, macs]} as JSON. tests/op_proofs/calflops_rules_test.cc asserts these figures
against the `calflops` rule of each op kind (src/ops/).

    /usr/bin/python3 bench/python/calflops_op_probes.py /path/to/calculate-flops.pytorch

calflops imports transformers, huggingface_hub and accelerate at import time; as
calflops_reference.py does, empty stand-ins are put on sys.path when they are missing.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from calflops_reference import stub_imports  # noqa: E402


def probes():
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class Call(nn.Module):
        def __init__(self, fn, **params):
            super().__init__()
            self.fn = fn
            # calculate_flops reads the device from the first parameter: every probe has one.
            self.unused = nn.Parameter(torch.zeros(1))
            for k, v in params.items():
                setattr(self, k, nn.Parameter(v, requires_grad=False))

        def forward(self, *args):
            return self.fn(self, *args)

    r = torch.randn
    yield "relu_2x3x5", Call(lambda m, x: F.relu(x)), [r(2, 3, 5)]
    yield "silu_2x7", Call(lambda m, x: F.silu(x)), [r(2, 7)]
    yield "gelu_3x4", Call(lambda m, x: F.gelu(x)), [r(3, 4)]
    yield "gelu_tanh_3x4", Call(lambda m, x: F.gelu(x, approximate="tanh")), [r(3, 4)]
    yield "leaky_relu_4x5", Call(lambda m, x: F.leaky_relu(x, 0.1)), [r(4, 5)]
    yield "elu_2x3x4", Call(lambda m, x: F.elu(x)), [r(2, 3, 4)]
    yield "softmax_3x7", Call(lambda m, x: F.softmax(x, dim=-1)), [r(3, 7)]
    yield "layer_norm_2x5x8", Call(lambda m, x: F.layer_norm(x, (8,), m.w, m.b), w=r(8), b=r(8)), [r(2, 5, 8)]
    yield "layer_norm_weight_only_2x5x8", Call(lambda m, x: F.layer_norm(x, (8,), m.w), w=r(8)), [r(2, 5, 8)]
    yield "layer_norm_noaffine_2x5x8", Call(lambda m, x: F.layer_norm(x, (8,))), [r(2, 5, 8)]
    yield "group_norm_2x6x3", Call(lambda m, x: F.group_norm(x, 2, m.w, m.b), w=r(6), b=r(6)), [r(2, 6, 3)]
    yield "batch_norm_eval_2x3x4x4", Call(
        lambda m, x: F.batch_norm(x, m.mean, m.var, m.w, m.b, training=False),
        mean=r(3), var=torch.rand(3) + 1, w=r(3), b=r(3)), [r(2, 3, 4, 4)]
    yield "linear_2x3x8_to_5", Call(lambda m, x: F.linear(x, m.w, m.b), w=r(5, 8), b=r(5)), [r(2, 3, 8)]
    yield "addmm_6x8_to_5", Call(lambda m, x: torch.addmm(m.b, x, m.w), w=r(8, 5), b=r(5)), [r(6, 8)]
    yield "matmul_2x3x4_4x5", Call(lambda m, a, b: torch.matmul(a, b)), [r(2, 3, 4), r(4, 5)]
    yield "matmul_3x4_vec4", Call(lambda m, a, b: torch.matmul(a, b)), [r(3, 4), r(4)]
    yield "add_2x1x4_3x4", Call(lambda m, a, b: torch.add(a, b)), [r(2, 1, 4), r(3, 4)]
    yield "mul_3x1_1x5", Call(lambda m, a, b: torch.mul(a, b)), [r(3, 1), r(1, 5)]
    yield "mul_scalar_4x6", Call(lambda m, a: torch.mul(a, 2.0)), [r(4, 6)]
    yield "conv2d_g2_s2x1_p1_d1x2", Call(
        lambda m, x: F.conv2d(x, m.w, m.b, stride=(2, 1), padding=1, dilation=(1, 2), groups=2),
        w=r(6, 2, 3, 2), b=r(6)), [r(1, 4, 9, 7)]
    yield "conv1d_nobias_k3", Call(lambda m, x: F.conv1d(x, m.w), w=r(5, 3, 3)), [r(2, 3, 10)]
    yield "conv_transpose2d_g2_s2", Call(
        lambda m, x: F.conv_transpose2d(x, m.w, m.b, stride=2, groups=2), w=r(4, 3, 3, 3), b=r(6)), \
        [r(1, 4, 5, 5)]
    yield "conv_transpose1d_nobias_g2_s2", Call(
        lambda m, x: F.conv_transpose1d(x, m.w, stride=2, groups=2), w=r(4, 2, 3)), [r(2, 4, 6)]
    yield "conv_transpose1d_nobias_g1", Call(lambda m, x: F.conv_transpose1d(x, m.w), w=r(3, 4, 3)), \
        [r(2, 3, 6)]
    yield "lp_pool2d_k2", Call(lambda m, x: F.lp_pool2d(x, 2.0, 2)), [r(1, 2, 4, 4)]
    yield "adaptive_avg_pool2d_1", Call(lambda m, x: F.adaptive_avg_pool2d(x, 1)), [r(2, 3, 5, 5)]
    yield "max_pool2d_k3_s2", Call(lambda m, x: F.max_pool2d(x, 3, 2)), [r(1, 2, 8, 8)]
    yield "avg_pool2d_k2", Call(lambda m, x: F.avg_pool2d(x, 2)), [r(2, 3, 6, 6)]
    yield "interpolate_bilinear_x2", Call(
        lambda m, x: F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)), \
        [r(1, 2, 4, 4)]
    yield "einsum_bij_bjk", Call(lambda m, a, b: torch.einsum("bij,bjk->bik", a, b)), [r(2, 3, 4), r(2, 4, 5)]
    yield "einsum_bij_bjk_j2", Call(lambda m, a, b: torch.einsum("bij,bjk->bik", a, b)), [r(2, 3, 2), r(2, 2, 5)]
    yield "einsum_bij_bjk_k1", Call(lambda m, a, b: torch.einsum("bij,bjk->bik", a, b)), [r(2, 3, 1), r(2, 1, 5)]
    yield "einsum_outer_bi_bj", Call(lambda m, a, b: torch.einsum("bi,bj->bij", a, b)), [r(2, 3), r(2, 5)]
    # Call forms calflops does not patch (Python operators, torch.relu) and one it does
    # (tensor.add).
    yield "operator_add_2x3", Call(lambda m, a, b: a + b), [r(2, 3), r(2, 3)]
    yield "operator_mul_2x3", Call(lambda m, a, b: a * b), [r(2, 3), r(2, 3)]
    yield "operator_matmul_2x3x4_4x5", Call(lambda m, a, b: a @ b), [r(2, 3, 4), r(4, 5)]
    yield "tensor_add_2x3", Call(lambda m, a, b: a.add(b)), [r(2, 3), r(2, 3)]
    yield "torch_relu_2x3", Call(lambda m, a: torch.relu(a)), [r(2, 3)]
    yield "torch_softmax_3x7", Call(lambda m, a: torch.softmax(a, -1)), [r(3, 7)]
    # The scan of transformers 4.45 MambaMixer.slow_forward (u, delta (B, I, S) = (2, 3, 4), B and
    # C (B, S, N) with N = 5, A (I, N)), with its Python `*` and `+` spelled torch.mul / torch.add:
    # what the seed's calflops, which saw those operators, records (HEAD sees only the matmul).
    def scan(m, u, dt, b, c):
        da = torch.exp(torch.mul(m.a[None, :, None, :], dt[:, :, :, None]))
        dbu = torch.mul(torch.mul(dt[:, :, :, None], b[:, None, :, :]), u[:, :, :, None])
        h = torch.zeros(2, 3, 5)
        ys = []
        for i in range(4):
            h = torch.add(torch.mul(da[:, :, i, :], h), dbu[:, :, i, :])
            ys.append(torch.matmul(h, c[:, i, :].unsqueeze(-1))[:, :, 0])
        return torch.stack(ys, dim=-1)
    yield "selective_scan_2x3x4_n5", Call(scan, a=r(3, 5)), [r(2, 3, 4), r(2, 3, 4), r(2, 4, 5), r(2, 4, 5)]
    yield "embedding_2x7_v10", Call(lambda m, i: F.embedding(i, m.w), w=r(10, 4)), [torch.zeros(2, 7, dtype=torch.long)]
    yield "rnn_5_7_seq4_batch3", nn.RNN(5, 7), [r(4, 3, 5)]
    yield "rnn_5_7_nobias", nn.RNN(5, 7, bias=False), [r(4, 3, 5)]
    yield "gru_5_7_bi", nn.GRU(5, 7, bidirectional=True), [r(4, 3, 5)]
    yield "lstm_5_7", nn.LSTM(5, 7), [r(4, 3, 5)]
    yield "lstm_5_7_bi_nobias", nn.LSTM(5, 7, bias=False, bidirectional=True), [r(4, 3, 5)]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.path.insert(0, sys.argv[1])
    try:
        import transformers  # noqa: F401
    except ImportError:
        stub_imports()
    import calflops
    import torch
    torch.manual_seed(0)
    out = {"torch": torch.__version__, "calflops": os.path.abspath(calflops.__file__)}
    for name, model, args in probes():
        f, m, _ = calflops.calculate_flops(model, args=args, print_results=False,
                                           output_as_string=False)
        out[name] = [f, m]
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Generates the ONNX fixtures under tests/data/onnx/ (run with Debian's python3-torch,
python3-torchvision and python3-onnx; torch 1.13 exports at most opset 17).

Weights are randomised before export (torch de-duplicates value-identical initializers, which
would fold layers together), then every initializer's bytes are stripped except small integer
tensors (shape constants): the reader only needs dims and dtypes, so each file is kilobytes.
Usage: make_fixtures.py [OUT_DIR] [--full-bench DIR]  (the second form also writes full-size,
unstripped resnet50 / BERT-like exports for bench/bench_onnx; those are never committed).
"""
import os
import sys

import onnx
import torch
import torch.nn as nn
import torchvision

torch.manual_seed(0)


def randomise(model):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p) * 0.02)
        for name, b in model.named_buffers():
            if b.dtype.is_floating_point:
                b.copy_(torch.rand_like(b) + 0.5)  # running_var must stay positive
    return model.eval()


def strip(path, keep_elements=64):
    m = onnx.load(path)
    for t in m.graph.initializer:
        n = 1
        for d in t.dims:
            n *= d
        small_int = t.data_type in (onnx.TensorProto.INT64, onnx.TensorProto.INT32) and n <= keep_elements
        if not small_int:
            t.ClearField("raw_data")
            t.ClearField("float_data")
            t.ClearField("int64_data")
            t.ClearField("int32_data")
            t.ClearField("double_data")
    onnx.save(m, path)


def export(model, args, path, names_in, names_out, dynamic=None, opset=17, stripped=True):
    torch.onnx.export(randomise(model), args, path, input_names=names_in, output_names=names_out,
                      dynamic_axes=dynamic, opset_version=opset, do_constant_folding=True)
    if stripped:
        strip(path)
    print(f"{path}: {os.path.getsize(path)} bytes")


class TinyCnn(nn.Module):
    """conv(3->8, 3x3, pad 1, bias) -> relu -> bn -> maxpool 2 -> conv(8->16, 3x3, stride 2, pad 1,
    no bias) -> relu -> global avgpool -> flatten -> fc(16->10)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.relu = nn.ReLU()
        self.bn = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False)
        self.avg = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.pool(self.bn(self.relu(self.conv1(x))))
        x = self.relu(self.conv2(x))
        return self.fc(torch.flatten(self.avg(x), 1))


class TiedMlp(nn.Module):
    """fc1(16->16) -> gelu -> fc2(16->16, weight tied to fc1) -> head(16->4)."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 16)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(16, 16)
        self.head = nn.Linear(16, 4)

    def forward(self, x):
        return self.head(self.fc2(self.act(self.fc1(x))))


class TinyEncoder(nn.Module):
    """A BERT-style encoder: token + position embeddings, 2 post-norm TransformerEncoderLayers
    (d 16, 2 heads, ff 32, ReLU), a final LayerNorm and a head (16 -> 50)."""

    def __init__(self, vocab=50, d=16, heads=2, ff=32, layers=2, max_len=64, act="relu"):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(max_len, d)
        layer = nn.TransformerEncoderLayer(d, heads, ff, dropout=0.0, activation=act, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab)

    def forward(self, ids):
        pos = torch.arange(ids.shape[1], device=ids.device).unsqueeze(0)
        x = self.tok(ids) + self.pos(pos)
        return self.head(self.ln(self.encoder(x)))


class TinyDecoderBlock(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.act = nn.GELU()
        self.out = nn.Linear(4 * d, d)

    def forward(self, x, past_k, past_v):
        b, s, d = x.shape
        h = self.heads
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q = q.view(b, s, h, d // h).transpose(1, 2)
        k = torch.cat([past_k, k.view(b, s, h, d // h).transpose(1, 2)], dim=2)
        v = torch.cat([past_v, v.view(b, s, h, d // h).transpose(1, 2)], dim=2)
        att = torch.softmax(torch.matmul(q, k.transpose(2, 3)) / (d // h) ** 0.5, dim=-1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(b, s, d)
        x = x + self.proj(y)
        return x + self.out(self.act(self.fc(self.ln2(x)))), k, v


class TinyGpt(nn.Module):
    """A GPT-style decoder with a KV cache: 2 blocks (d 16, 2 heads), past keys and values as
    inputs (batch, heads, past_sequence, head_dim), presents as outputs."""

    def __init__(self, vocab=50, d=16, heads=2, layers=2):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.h = nn.ModuleList(TinyDecoderBlock(d, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        self.lm_head = nn.Linear(d, vocab, bias=False)

    def forward(self, ids, past_k0, past_v0, past_k1, past_v1):
        x = self.wte(ids)
        x, k0, v0 = self.h[0](x, past_k0, past_v0)
        x, k1, v1 = self.h[1](x, past_k1, past_v1)
        return self.lm_head(self.ln_f(x)), k0, v0, k1, v1


def main():
    out = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else os.path.join(
        os.path.dirname(__file__), "..", "data", "onnx")
    os.makedirs(out, exist_ok=True)
    p = lambda name: os.path.join(out, name)  # noqa: E731

    export(TinyCnn(), torch.randn(1, 3, 32, 32), p("tiny_cnn.onnx"), ["x"], ["y"])
    mlp = TiedMlp()
    mlp.fc2.weight = mlp.fc1.weight
    export(mlp, torch.randn(4, 16), p("tied_mlp.onnx"), ["x"], ["y"])
    export(TinyEncoder(), torch.randint(0, 50, (2, 8)), p("tiny_encoder_dynamic.onnx"), ["input_ids"], ["logits"],
           dynamic={"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}})
    past = torch.randn(1, 2, 5, 8)
    pasts = {f"past_{kv}{i}": {0: "batch", 2: "past_sequence"} for i in range(2) for kv in "kv"}
    export(TinyGpt(), (torch.randint(0, 50, (1, 3)), past, past, past, past), p("tiny_gpt_kv_cache.onnx"),
           ["input_ids", "past_k0", "past_v0", "past_k1", "past_v1"], ["logits", "present_k0", "present_v0",
                                                                        "present_k1", "present_v1"],
           dynamic={"input_ids": {0: "batch", 1: "sequence"}, **pasts})

    # Real networks, weights stripped (dims and dtypes kept).
    export(torchvision.models.resnet50(), torch.randn(1, 3, 224, 224), p("resnet50_stripped.onnx"), ["x"], ["y"],
           opset=13)
    export(torchvision.models.mobilenet_v2(), torch.randn(1, 3, 224, 224), p("mobilenet_v2_stripped.onnx"), ["x"],
           ["y"])
    export(torchvision.models.vit_b_16(), torch.randn(1, 3, 224, 224), p("vit_b_16_stripped.onnx"), ["x"], ["y"])
    # BERT-base sizes with 6 layers (12 would exceed the 200 KB fixture budget; the bench exports 12).
    bert = TinyEncoder(vocab=30522, d=768, heads=12, ff=3072, layers=6, max_len=512, act="gelu")
    export(bert, torch.randint(0, 30522, (1, 128)), p("bert_like_dynamic_stripped.onnx"), ["input_ids"], ["logits"],
           dynamic={"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}})

    if "--full-bench" in sys.argv:
        d = sys.argv[sys.argv.index("--full-bench") + 1]
        os.makedirs(d, exist_ok=True)
        export(torchvision.models.resnet50(), torch.randn(1, 3, 224, 224), os.path.join(d, "resnet50.onnx"), ["x"],
               ["y"], opset=13, stripped=False)
        export(TinyEncoder(vocab=30522, d=768, heads=12, ff=3072, layers=12, max_len=512, act="gelu"),
               torch.randint(0, 30522, (1, 128)), os.path.join(d, "bert_like.onnx"), ["input_ids"], ["logits"],
               dynamic={"input_ids": {0: "batch", 1: "sequence"}}, stripped=False)


if __name__ == "__main__":
    main()

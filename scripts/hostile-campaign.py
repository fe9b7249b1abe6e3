#!/usr/bin/python3
"""Hostile-input campaign 2 (issue 16): hand-written hostile inputs of the issue's nine classes,
run against the release CLI.

Each case writes its files into a scratch directory, runs `calflops` once and is judged:

  crash     a signal, exit 5 (internal), a sanitizer report
  hang      more than --timeout CPU seconds (default 2; killed at 5x that in wall time)
  memory    peak RSS above 1 GiB
  controls  a raw control character (not newline or tab), DEL or a C1 control on stdout
  overwrite an input file changed, or a protected path was replaced
  unclear   an error that is not one line "calflops: ..." on stderr, or stdout written on error
  absurd    exit 0 where the case requires an error, an error where it requires a report, or a
            report failing the case's own check (a count written out in the case)

Usage:
  scripts/hostile-campaign.py [--cli build/calflops] [--quick] [--only SUBSTR] [--list]
Exit status: 1 when any case is judged other than ok.

`--quick` runs the cases marked quick (a few seconds in all); ctest runs it.
"""

import argparse
import hashlib
import json
import math
import os
import re
import resource
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile_inputs import *  # noqa: E402,F401,F403

ROOT = Path(__file__).resolve().parent.parent
CASES = []


def case(cid, cls, files=None, args=(), expect="any", check=None, stdin=None, env=None, setup=None,
         quick=False, protect=()):
    """files: {relative name: bytes}; args: the command line, '{d}' standing for the scratch dir;
    expect: 'ok' (exit 0), 'err' (non-zero) or 'any'; check(stdout, dir) -> None or a complaint
    (run when exit is 0); setup(dir): makes links, FIFOs and the like; protect: paths (with
    '{d}') that must exist unchanged afterwards even if they are not among `files`."""
    CASES.append(dict(id=cid, cls=cls, files=files or {}, args=list(args), expect=expect, check=check,
                      stdin=stdin, env=env or {}, setup=setup, quick=quick, protect=list(protect)))


def total(out, key="flops"):
    try:
        return json.loads(out)["total"][key]
    except Exception:
        return None


def flops_is(n, key="flops"):
    def check(out, d):
        got = total(out, key)
        return None if got == n else "%s %r, expected %r" % (key, got, n)
    return check


def flops_at_least(n):
    def check(out, d):
        got = total(out)
        return None if isinstance(got, int) and got >= n else "flops %r, expected >= %r" % (got, n)
    return check


def sane_totals(out, d):
    """A JSON report whose params/MACs/FLOPs are non-negative integers."""
    try:
        t = json.loads(out)["total"]
    except Exception as e:
        return "no JSON total: %s" % e
    for k in ("params", "macs", "flops"):
        if not isinstance(t.get(k), int) or t[k] < 0:
            return "total.%s is %r" % (k, t.get(k))
    return None


# ============================================================ 1. ONNX arithmetic traps

I64_MIN, I64_MAX = -(1 << 63), (1 << 63) - 1


def fold_model(op, a, b=None, attrs=(), opset_v=18, elem_consumer=True):
    """op over int64 constants a (and b), its result used as the shape of a ConstantOfShape and
    as a Reshape target, so that folding matters; then a float Add over the result's size."""
    inits = [int64_init("a", [len(a)], a)]
    ins = ["a"]
    if b is not None:
        inits.append(int64_init("b", [len(b)], b))
        ins.append("b")
    nodes = [node(op, ins, ["r"], "fold", attrs),
             node("ConstantOfShape", ["r"], ["c"], "cos"),
             node("Add", ["c", "c"], ["y"], "add")]
    return model(graph(nodes, [], ["y"], inits), [("", opset_v)])


for op, a, b, attrs in [
    ("Div", [I64_MIN], [-1], ()),
    ("Div", [7], [0], ()),
    ("Mod", [7], [0], ()),
    ("Mod", [I64_MIN], [0], [attr_int("fmod", 1)]),
    ("Pow", [2], [64], ()),
    ("Pow", [-2], [63], ()),
    ("Pow", [3], [-1], ()),
    ("Pow", [0], [-1], ()),
    ("Neg", [I64_MIN], None, ()),
    ("Abs", [I64_MIN], None, ()),
    ("Mul", [I64_MIN], [-1], ()),
    ("Sub", [I64_MIN], [1], ()),
    ("Add", [I64_MAX], [1], ()),
    ("Sign", [I64_MIN], None, ()),
    ("Max", [I64_MIN], [I64_MAX], ()),
    ("ReduceProd", [1 << 40, 1 << 40], None, ()),
    ("ReduceSum", [I64_MAX, I64_MAX], None, ()),
    ("CumSum", [I64_MAX, I64_MAX], None, ()),
]:
    tag_ = "%s_%s" % (op, "_".join(str(x) for x in a + (b or [])))
    case("onnx-fold-" + tag_, 1, {"m.onnx": fold_model(op, a, b, attrs)}, ["{d}/m.onnx", "--format", "json"],
         check=sane_totals, quick=op in ("Div", "Pow"))

# BitShift over uint64 would be the ONNX type; int64 constants are what folding sees most.
for shift in (64, 65, 1 << 40, I64_MAX, -1):
    inits = [f_packed(1, [1]) + f_varint(2, 13) + f_packed(7, []) + f_bytes(8, "a") +
             f_packed(11, [1]),  # uint64_data = field 11
             f_packed(1, [1]) + f_varint(2, 13) + f_bytes(8, "s") + f_packed(11, [shift & ((1 << 64) - 1)])]
    for direction in ("LEFT", "RIGHT"):
        nodes = [node("BitShift", ["a", "s"], ["r"], "shift", [attr_string("direction", direction)]),
                 node("Cast", ["r"], ["r64"], "cast", [attr_int("to", INT64)]),
                 node("ConstantOfShape", ["r64"], ["c"], "cos"), node("Add", ["c", "c"], ["y"], "add")]
        case("onnx-bitshift-%s-%d" % (direction, shift), 1,
             {"m.onnx": model(graph(nodes, [], ["y"], inits))}, ["{d}/m.onnx", "--format", "json"],
             check=sane_totals)


def single(op, ins, attrs=(), inits=(), opset_v=18, n_out=1, domain=""):
    """(files, args) for one node over graph inputs given as (name, dims[, elem])."""
    specs = [(i[0], i[1], i[2] if len(i) > 2 else FLOAT) for i in ins]
    names = [i[0] for i in ins] + [n for n, _ in inits]
    init_bytes = [b for _, b in inits]
    return {"m.onnx": one_node_model(op, names, specs, attrs, init_bytes, opset_v, n_out, domain)}


ONNX = ["{d}/m.onnx", "--format", "json"]
zero_axis_cases = [
    ("Softmax", [("x", [2, 0])], [attr_int("axis", -1)]),
    ("LogSoftmax", [("x", [2, 0])], [attr_int("axis", 1)]),
    ("Hardmax", [("x", [0, 3])], [attr_int("axis", 0)]),
    ("ReduceMean", [("x", [4, 0])], [attr_ints("axes", [1])]),
    ("ReduceLogSumExp", [("x", [0])], ()),
    ("ReduceL2", [("x", [3, 0])], [attr_int("keepdims", 0)]),
    ("GlobalAveragePool", [("x", [1, 3, 0, 0])], ()),
    ("GlobalLpPool", [("x", [1, 3, 0, 5])], ()),
    ("AveragePool", [("x", [1, 3, 0, 4])], [attr_ints("kernel_shape", [1, 1])]),
    ("LRN", [("x", [1, 0, 4, 4])], [attr_int("size", 3)]),
    ("ArgMax", [("x", [5, 0])], [attr_int("axis", 1)]),
    ("TopK", [("x", [5, 0])], [attr_int("axis", 1)]),
    ("CumSum", [("x", [0, 3])], ()),
    ("Einsum", [("x", [0, 3]), ("w", [3, 0])], [attr_string("equation", "ij,jk->ik")]),
    ("MatMul", [("x", [2, 0]), ("w", [0, 3])], ()),
    ("Gemm", [("x", [2, 0]), ("w", [0, 3])], ()),
    ("BatchNormalization", [("x", [1, 0, 4]), ("s", [0]), ("b", [0]), ("m", [0]), ("v", [0])], ()),
    ("Gather", [("x", [0, 4]), ("i", [3], INT64)], ()),
    ("Conv", [("x", [1, 0, 8, 8]), ("w", [4, 0, 3, 3])], ()),
    ("ConvTranspose", [("x", [1, 3, 0, 8]), ("w", [3, 4, 3, 3])], ()),
    ("LpPool", [("x", [1, 3, 0, 0])], [attr_ints("kernel_shape", [1, 1])]),
    ("Attention", [("q", [1, 2, 0, 8]), ("k", [1, 2, 0, 8]), ("v", [1, 2, 0, 8])], ()),
]
for op, ins, attrs in zero_axis_cases:
    opv = 23 if op == "Attention" else 18
    ins2 = [i if len(i) == 3 else (i[0], i[1]) for i in ins]
    case("onnx-zero-" + op, 1, single(op, ins2, attrs, opset_v=opv, n_out=1), ONNX, check=sane_totals,
         quick=op in ("Softmax", "GlobalAveragePool"))

conv_cases = {
    "kernel0": ([("x", [1, 3, 8, 8]), ("w", [4, 3, 0, 0])], []),
    "stride0": ([("x", [1, 3, 8, 8]), ("w", [4, 3, 3, 3])], [attr_ints("strides", [0, 0])]),
    "stride-1": ([("x", [1, 3, 8, 8]), ("w", [4, 3, 3, 3])], [attr_ints("strides", [-1, 1])]),
    "dilation0": ([("x", [1, 3, 8, 8]), ("w", [4, 3, 3, 3])], [attr_ints("dilations", [0, 0])]),
    "dilation-huge": ([("x", [1, 3, 8, 8]), ("w", [4, 3, 3, 3])], [attr_ints("dilations", [1 << 62, 1])]),
    "group0": ([("x", [1, 3, 8, 8]), ("w", [4, 3, 3, 3])], [attr_int("group", 0)]),
    "group-1": ([("x", [1, 3, 8, 8]), ("w", [4, 3, 3, 3])], [attr_int("group", -1)]),
    "group-not-dividing": ([("x", [1, 6, 8, 8]), ("w", [4, 3, 3, 3])], [attr_int("group", 4)]),
    "pads-negative": ([("x", [1, 3, 8, 8]), ("w", [4, 3, 3, 3])], [attr_ints("pads", [-100, 0, 0, 0])]),
    "pads-huge": ([("x", [1, 3, 8, 8]), ("w", [4, 3, 3, 3])], [attr_ints("pads", [1 << 62, 0, 1 << 62, 0])]),
    "kernel-bigger": ([("x", [1, 3, 2, 2]), ("w", [4, 3, 5, 5])], []),
    "rank-mismatch": ([("x", [1, 3, 8, 8]), ("w", [4, 3, 3])], []),
    "huge-channels": ([("x", [1, 1 << 40, 8, 8]), ("w", [1 << 40, 1 << 40, 3, 3])], []),
    "strides-wrong-length": ([("x", [1, 3, 8, 8]), ("w", [4, 3, 3, 3])], [attr_ints("strides", [1])]),
}
for tagc, (ins, attrs) in conv_cases.items():
    case("onnx-conv-" + tagc, 1, single("Conv", ins, attrs), ONNX, check=sane_totals, quick=tagc == "stride0")
for tagc, attrs in {"stride0": [attr_ints("kernel_shape", [2, 2]), attr_ints("strides", [0, 0])],
                    "kernel0": [attr_ints("kernel_shape", [0, 0])],
                    "kernel-huge": [attr_ints("kernel_shape", [1 << 62, 1 << 62])],
                    "kernel-missing": []}.items():
    for op in ("MaxPool", "AveragePool", "LpPool"):
        case("onnx-%s-%s" % (op, tagc), 1, single(op, [("x", [1, 3, 8, 8])], attrs), ONNX, check=sane_totals)

shape_cases = {
    "pad-negative-beyond": ("Pad", [("x", [2, 3])], [("pads", int64_init("pads", [4], [-5, 0, 0, 0]))], ()),
    "pad-huge": ("Pad", [("x", [2, 3])], [("pads", int64_init("pads", [4], [1 << 62, 0, 1 << 62, 0]))], ()),
    "resize-scale0": ("Resize", [("x", [1, 1, 4, 4])],
                      [("roi", float_init("roi", [0], [])), ("scales", float_init("scales", [4], [1, 1, 0, 0]))], ()),
    "resize-scale-nan": ("Resize", [("x", [1, 1, 4, 4])],
                         [("roi", float_init("roi", [0], [])),
                          ("scales", float_init("scales", [4], [1, 1, float("nan"), 2]))], ()),
    "resize-scale-inf": ("Resize", [("x", [1, 1, 4, 4])],
                         [("roi", float_init("roi", [0], [])),
                          ("scales", float_init("scales", [4], [1, 1, float("inf"), 2]))], ()),
    "resize-scale-1e30": ("Resize", [("x", [1, 1, 4, 4])],
                          [("roi", float_init("roi", [0], [])),
                           ("scales", float_init("scales", [4], [1, 1, 1e30, 1e30]))], ()),
    "resize-scale-neg": ("Resize", [("x", [1, 1, 4, 4])],
                         [("roi", float_init("roi", [0], [])),
                          ("scales", float_init("scales", [4], [1, 1, -2, 2]))], ()),
    "resize-sizes-huge": ("Resize", [("x", [1, 1, 4, 4])],
                          [("roi", float_init("roi", [0], [])), ("sc", float_init("sc", [0], [])),
                           ("sizes", int64_init("sizes", [4], [1, 1, 1 << 40, 1 << 40]))], ()),
    "topk-k-beyond": ("TopK", [("x", [5])], [("k", int64_init("k", [1], [10]))], ()),
    "topk-k-negative": ("TopK", [("x", [5])], [("k", int64_init("k", [1], [-3]))], ()),
    "topk-k-huge": ("TopK", [("x", [5])], [("k", int64_init("k", [1], [I64_MAX]))], ()),
    "gather-empty-axis": ("Gather", [("x", [0, 4])], [("i", int64_init("i", [2], [0, 1]))], ()),
    "gather-index-out": ("Gather", [("x", [3, 4])], [("i", int64_init("i", [2], [I64_MIN, I64_MAX]))], ()),
    "gather-axis-out": ("Gather", [("x", [3, 4])], [("i", int64_init("i", [1], [0]))], [attr_int("axis", 7)]),
    "reshape-0-and-minus1": ("Reshape", [("x", [0, 4])], [("s", int64_init("s", [2], [0, -1]))], ()),
    "reshape-minus1-zero-elems": ("Reshape", [("x", [2, 0])], [("s", int64_init("s", [2], [-1, 0]))],
                                  [attr_int("allowzero", 1)]),
    "reshape-two-minus1": ("Reshape", [("x", [2, 4])], [("s", int64_init("s", [2], [-1, -1]))], ()),
    "reshape-huge": ("Reshape", [("x", [2, 4])], [("s", int64_init("s", [3], [1 << 40, 1 << 40, -1]))], ()),
    "expand-huge": ("Expand", [("x", [1, 1])], [("s", int64_init("s", [2], [1 << 40, 1 << 40]))], ()),
    "expand-beyond-int64": ("Expand", [("x", [1, 1, 1])], [("s", int64_init("s", [3], [1 << 62, 1 << 62, 4]))], ()),
    "expand-negative": ("Expand", [("x", [1, 1])], [("s", int64_init("s", [2], [-5, 3]))], ()),
    "constantofshape-2pow62": ("ConstantOfShape", [], [("s", int64_init("s", [1], [1 << 62]))], ()),
    "constantofshape-beyond": ("ConstantOfShape", [], [("s", int64_init("s", [3], [1 << 40, 1 << 40, 1 << 40]))], ()),
    "constantofshape-negative": ("ConstantOfShape", [], [("s", int64_init("s", [1], [-1]))], ()),
    "tile-huge": ("Tile", [("x", [2, 2])], [("r", int64_init("r", [2], [1 << 62, 1 << 62]))], ()),
    "tile-negative": ("Tile", [("x", [2, 2])], [("r", int64_init("r", [2], [-1, 2]))], ()),
    "split-sum-mismatch": ("Split", [("x", [10])], [("s", int64_init("s", [2], [3, 4]))], ()),
    "split-negative": ("Split", [("x", [10])], [("s", int64_init("s", [2], [-5, 15]))], ()),
    "split-num-outputs-0": ("Split", [("x", [10])], [], [attr_int("num_outputs", 0)]),
    "slice-step0": ("Slice", [("x", [10])], [("st", int64_init("st", [1], [0])), ("en", int64_init("en", [1], [5])),
                                             ("ax", int64_init("ax", [1], [0])), ("sp", int64_init("sp", [1], [0]))], ()),
    "slice-step-min": ("Slice", [("x", [10])], [("st", int64_init("st", [1], [I64_MAX])),
                                                ("en", int64_init("en", [1], [I64_MIN])),
                                                ("ax", int64_init("ax", [1], [0])),
                                                ("sp", int64_init("sp", [1], [I64_MIN]))], ()),
    "onehot-depth-huge": ("OneHot", [("i", [4], INT64)], [("depth", int64_init("depth", [1], [1 << 60])),
                                                          ("vals", float_init("vals", [2], [0, 1]))], ()),
    "onehot-depth-negative": ("OneHot", [("i", [4], INT64)], [("depth", int64_init("depth", [1], [-4])),
                                                              ("vals", float_init("vals", [2], [0, 1]))], ()),
    "eyelike-huge": ("EyeLike", [("x", [1 << 40, 1 << 40])], [], ()),
    "transpose-perm-bad": ("Transpose", [("x", [2, 3])], [], [attr_ints("perm", [0, 0])]),
    "transpose-perm-huge": ("Transpose", [("x", [2, 3])], [], [attr_ints("perm", [I64_MIN, 1])]),
    "concat-axis-huge": ("Concat", [("x", [2, 3]), ("z", [2, 3])], [], [attr_int("axis", I64_MIN)]),
    "flatten-axis-min": ("Flatten", [("x", [2, 3])], [], [attr_int("axis", I64_MIN)]),
    "squeeze-axis-min": ("Squeeze", [("x", [1, 3])], [("ax", int64_init("ax", [1], [I64_MIN]))], ()),
    "unsqueeze-axis-huge": ("Unsqueeze", [("x", [3])], [("ax", int64_init("ax", [1], [I64_MAX]))], ()),
    "depthtospace-blocksize0": ("DepthToSpace", [("x", [1, 8, 2, 2])], [], [attr_int("blocksize", 0)]),
    "spacetodepth-blocksize0": ("SpaceToDepth", [("x", [1, 8, 2, 2])], [], [attr_int("blocksize", 0)]),
    "depthtospace-blocksize-huge": ("DepthToSpace", [("x", [1, 8, 2, 2])], [], [attr_int("blocksize", 1 << 32)]),
    "shape-start-min": ("Shape", [("x", [2, 3])], [], [attr_int("start", I64_MIN), attr_int("end", I64_MAX)]),
    "trilu-k-min": ("Trilu", [("x", [3, 3])], [("k", int64_init("k", [], [I64_MIN]))], ()),
    "gridsample-empty": ("GridSample", [("x", [1, 1, 0, 4]), ("g", [1, 0, 0, 2])], [], ()),
    "roialign-zero": ("RoiAlign", [("x", [1, 1, 4, 4]), ("r", [0, 4]), ("b", [0], INT64)], [],
                      [attr_int("output_height", 0), attr_int("output_width", 0)]),
    "nms-huge": ("NonMaxSuppression", [("bx", [1, 1 << 40, 4]), ("sc", [1, 1, 1 << 40])], [], ()),
    "compress-empty": ("Compress", [("x", [0, 4]), ("c", [0], BOOL)], [], [attr_int("axis", 0)]),
    "col2im-zero": ("Col2Im", [("x", [1, 4, 0])], [("is", int64_init("is", [2], [0, 0])),
                                                   ("bs", int64_init("bs", [2], [0, 0]))], ()),
    "maxunpool-stride0": ("MaxUnpool", [("x", [1, 1, 2, 2]), ("i", [1, 1, 2, 2], INT64)], [],
                          [attr_ints("kernel_shape", [2, 2]), attr_ints("strides", [0, 0])]),
    "dft-length0": ("DFT", [("x", [1, 0, 2])], [], ()),
    "stft-frame0": ("STFT", [("x", [1, 16, 1])], [("fs", int64_init("fs", [], [0]))], ()),
}
for tagc, (op, ins, inits, attrs) in shape_cases.items():
    n_out = 2 if op == "TopK" else 1
    case("onnx-shape-" + tagc, 1, single(op, ins, attrs, inits, n_out=n_out), ONNX, check=sane_totals,
         quick=tagc in ("reshape-0-and-minus1", "expand-beyond-int64", "constantofshape-2pow62"))

for tagc, (start, limit, delta) in {"delta0": (0, 10, 0), "huge": (0, I64_MAX, 1),
                                    "wrap": (I64_MIN, I64_MAX, 1), "neg-count": (10, 0, 1),
                                    "min-delta": (I64_MAX, I64_MIN, I64_MIN)}.items():
    inits = [int64_init("s", [], [start]), int64_init("l", [], [limit]), int64_init("dl", [], [delta])]
    nodes = [node("Range", ["s", "l", "dl"], ["r"], "range"), node("Cast", ["r"], ["f"], "cast", [attr_int("to", FLOAT)]),
             node("Add", ["f", "f"], ["y"], "add")]
    case("onnx-range-" + tagc, 1, {"m.onnx": model(graph(nodes, [], ["y"], inits))}, ONNX, check=sane_totals)
for tagc, (start, limit, delta) in {"float-delta0": (0.0, 1.0, 0.0), "float-nan": (0.0, float("nan"), 1.0),
                                    "float-inf": (0.0, float("inf"), 1.0), "float-tiny": (0.0, 1.0, 1e-30)}.items():
    inits = [float_init("s", [], [start]), float_init("l", [], [limit]), float_init("dl", [], [delta])]
    nodes = [node("Range", ["s", "l", "dl"], ["r"], "range"), node("Add", ["r", "r"], ["y"], "add")]
    case("onnx-range-" + tagc, 1, {"m.onnx": model(graph(nodes, [], ["y"], inits))}, ONNX, check=sane_totals)

for eq in ["ii->i", "...,...->", "ij,jk", "a" * 60 + "->", "ij,jk->ik,", "->", "ij->ji" + "x" * 2000, "i\x01j->ij",
           "ij,jk->iz", "iij->", ""]:
    case("onnx-einsum-%s" % hashlib.md5(eq.encode()).hexdigest()[:6], 1,
         single("Einsum", [("x", [3, 3]), ("w", [3, 3])], [attr_string("equation", eq)]), ONNX, check=sane_totals,
         quick=eq == "ii->i")


# ============================================================ 2. Loop / Scan / If


def loop_body(extra_nodes=(), extra_inits=(), inputs=None, outputs=None):
    inputs = inputs or [value_info("i", [], INT64), value_info("cond", [], BOOL), value_info("v", [4])]
    nodes = [node("Identity", ["cond"], ["cond_out"], "keep"), node("Add", ["v", "v"], ["v_out"], "double")]
    return graph(nodes + list(extra_nodes), inputs, outputs or ["cond_out", "v_out"], extra_inits, name="body")


def loop_model(trip_init, body=None, cond_init=None, pre_nodes=(), inputs=None):
    inits = []
    loop_in = ["", "", "x"]
    if trip_init is not None:
        inits.append(int64_init("trips", [], [trip_init]))
        loop_in[0] = "trips"
    if cond_init is not None:
        inits.append(f_packed(1, []) + f_varint(2, BOOL) + f_packed(5, [cond_init]) + f_bytes(8, "c0"))
        loop_in[1] = "c0"
    nodes = list(pre_nodes) + [node("Loop", loop_in, ["y"], "loop", [attr_graph("body", body or loop_body())])]
    return model(graph(nodes, inputs or [value_info("x", [4])], ["y"], inits))


case("loop-no-trips-cond-true", 2, {"m.onnx": loop_model(None, cond_init=1)}, ONNX, check=sane_totals, quick=True)
case("loop-no-trips-no-cond", 2, {"m.onnx": loop_model(None)}, ONNX, check=sane_totals)
case("loop-negative-trips", 2, {"m.onnx": loop_model(-5)}, ONNX, check=sane_totals)
case("loop-int64-min-trips", 2, {"m.onnx": loop_model(I64_MIN)}, ONNX, check=sane_totals)
case("loop-int64-max-trips", 2, {"m.onnx": loop_model(I64_MAX)}, ONNX, check=sane_totals)
case("loop-zero-trips", 2, {"m.onnx": loop_model(0)}, ONNX, check=flops_is(0))
# A trip count computed through arithmetic: 2^31 * 2^31 = 2^62 via Mul of constants.
mul_pre = [node("Mul", ["t1", "t2"], ["trips2"], "mul")]
case("loop-trips-mul-2pow62", 2,
     {"m.onnx": model(graph(mul_pre + [node("Loop", ["trips2", "", "x"], ["y"], "loop", [attr_graph("body", loop_body())])],
                            [value_info("x", [4])], ["y"],
                            [int64_init("t1", [], [1 << 31]), int64_init("t2", [], [1 << 31])]))},
     ONNX, check=flops_is(4 << 62))
# trips = 2^62 * 4 wraps int64 to 0 under two's complement folding: the count must not be 0 silently.
case("loop-trips-mul-wraps", 2,
     {"m.onnx": model(graph(mul_pre + [node("Loop", ["trips2", "", "x"], ["y"], "loop", [attr_graph("body", loop_body())])],
                            [value_info("x", [4])], ["y"],
                            [int64_init("t1", [], [1 << 62]), int64_init("t2", [], [4])]))},
     ONNX, expect="any", quick=True,
     check=lambda o, d: None if "Loop" in json.dumps(json.loads(o).get("unsupported")) else
     "a wrapped trip count priced as 0 iterations, the Loop not reported")

# Loop inside Scan inside Loop.
inner_loop_body = loop_body()
scan_body = graph([node("Loop", ["n3", "", "s"], ["s2"], "inner", [attr_graph("body", inner_loop_body)]),
                   node("Add", ["s2", "row"], ["s_out"], "acc")],
                  [value_info("s", [4]), value_info("row", [4])], ["s_out"], [int64_init("n3", [], [1 << 20])], name="scan_body")
outer_body = graph([node("Identity", ["cond"], ["cond_out"], "keep"),
                    node("Scan", ["v", "xs_in"], ["v_out"], "scan", [attr_graph("body", scan_body), attr_int("num_scan_inputs", 1)])],
                   [value_info("i", [], INT64), value_info("cond", [], BOOL), value_info("v", [4])],
                   ["cond_out", "v_out"], [], name="outer_body")
case("loop-scan-loop-nested", 2,
     {"m.onnx": model(graph([node("Loop", ["trips", "", "x"], ["y"], "outer", [attr_graph("body", outer_body)])],
                            [value_info("x", [4]), value_info("xs_in", [1 << 20, 4])], ["y"],
                            [int64_init("trips", [], [1 << 20])]))},
     ONNX, check=flops_is((1 << 20) * (1 << 20) * ((1 << 20) * 4 + 4)))

# Scan with negative / out-of-range scan axes, many scan inputs.
for tagc, attrs in {"axis-neg": [attr_ints("scan_input_axes", [-1])],
                    "axis-out": [attr_ints("scan_input_axes", [5])],
                    "axis-min": [attr_ints("scan_input_axes", [I64_MIN])],
                    "num-scan-huge": [],
                    "dirs-bad": [attr_ints("scan_input_directions", [7])]}.items():
    nsi = (1 << 40) if tagc == "num-scan-huge" else 1
    body = graph([node("Add", ["s", "row"], ["s_out"], "acc")], [value_info("s", [4]), value_info("row", [4])],
                 ["s_out"], name="b")
    case("scan-" + tagc, 2,
         {"m.onnx": model(graph([node("Scan", ["init", "xs"], ["final"], "scan",
                                      [attr_graph("body", body), attr_int("num_scan_inputs", nsi)] + attrs)],
                                [value_info("init", [4]), value_info("xs", [3, 4])], ["final"]))},
         ONNX, check=sane_totals)
case("scan-zero-length", 2,
     {"m.onnx": model(graph([node("Scan", ["init", "xs"], ["final"], "scan",
                                  [attr_graph("body", graph([node("Add", ["s", "row"], ["s_out"], "acc")],
                                                            [value_info("s", [4]), value_info("row", [4])], ["s_out"])),
                                   attr_int("num_scan_inputs", 1)])],
                            [value_info("init", [4]), value_info("xs", [0, 4])], ["final"]))}, ONNX, check=flops_is(0))

# If branches with different output ranks; If on a constant condition; deep If nesting.
then_g = graph([node("Add", ["x", "x"], ["t"], "ta")], [], ["t"], name="then")
else_g = graph([node("ReduceSum", ["x"], ["e"], "ea", [attr_int("keepdims", 0)])], [], ["e"], name="else")
case("if-branch-ranks-differ", 2,
     {"m.onnx": model(graph([node("If", ["c"], ["y"], "if", [attr_graph("then_branch", then_g), attr_graph("else_branch", else_g)])],
                            [value_info("x", [4, 4]), value_info("c", [], BOOL)], ["y"]))}, ONNX, check=sane_totals)
case("if-branch-output-count-differs", 2,
     {"m.onnx": model(graph([node("If", ["c"], ["y", "z"], "if", [attr_graph("then_branch", then_g),
                                                                     attr_graph("else_branch", else_g)])],
                            [value_info("x", [4, 4]), value_info("c", [], BOOL)], ["y"]))}, ONNX, check=sane_totals)
case("if-missing-branch", 2,
     {"m.onnx": model(graph([node("If", ["c"], ["y"], "if", [attr_graph("then_branch", then_g)])],
                            [value_info("x", [4, 4]), value_info("c", [], BOOL)], ["y"]))}, ONNX, check=sane_totals)
deep = graph([node("Add", ["x", "x"], ["t"], "leaf")], [], ["t"])
leaf_g = deep
for k in range(40):
    deep = graph([node("If", ["c"], ["t"], "if%d" % k, [attr_graph("then_branch", deep), attr_graph("else_branch", leaf_g)])],
                 [], ["t"])
case("if-nested-40", 2, {"m.onnx": model(graph([node("Identity", ["x"], ["x2"], "id")] +
                                               [node("If", ["c"], ["y"], "top", [attr_graph("then_branch", deep),
                                                                                  attr_graph("else_branch", leaf_g)])],
                                               [value_info("x", [4]), value_info("c", [], BOOL)], ["y"]))},
     ONNX, expect="any", check=sane_totals)
# If nested 16 deep, both branches the same subgraph: 2^16 inferences if expanded per branch.
wide = graph([node("Add", ["x", "x"], ["t"], "leaf")], [], ["t"])
for k in range(17):
    wide = graph([node("If", ["c"], ["t"], "if%d" % k, [attr_graph("then_branch", wide), attr_graph("else_branch", wide)])],
                 [], ["t"])
case("if-binary-tree-17", 2, {"m.onnx": model(graph([node("If", ["c"], ["y"], "top", [attr_graph("then_branch", wide),
                                                                                     attr_graph("else_branch", wide)])],
                                                    [value_info("x", [4]), value_info("c", [], BOOL)], ["y"]))},
     ONNX, check=sane_totals)

# SequenceMap with a body; SequenceConstruct / SplitToSequence of huge counts.
smap_body = graph([node("Add", ["e", "e"], ["o"], "a")], [value_info("e", [4])], ["o"], name="smap")
case("sequencemap", 2,
     {"m.onnx": model(graph([node("SplitToSequence", ["x"], ["seq"], "s2s", [attr_int("axis", 0)]),
                             node("SequenceMap", ["seq"], ["seq2"], "map", [attr_graph("body", smap_body)]),
                             node("ConcatFromSequence", ["seq2"], ["y"], "cat", [attr_int("axis", 0)])],
                            [value_info("x", [1 << 50, 4])], ["y"]))}, ONNX, check=sane_totals)
case("splittosequence-huge", 2,
     {"m.onnx": model(graph([node("SplitToSequence", ["x"], ["seq"], "s2s", [attr_int("axis", 0), attr_int("keepdims", 0)]),
                             node("ConcatFromSequence", ["seq"], ["y"], "cat", [attr_int("axis", 0)])],
                            [value_info("x", [1 << 50, 4])], ["y"]))}, ONNX, check=sane_totals)
# Loop whose body itself holds a loop with a trip count from the outer iteration number.
case("loop-body-uses-iter", 2,
     {"m.onnx": loop_model(1 << 40, body=loop_body(
         [node("Loop", ["i", "", "v"], ["w"], "inner", [attr_graph("body", loop_body())])]))}, ONNX, check=sane_totals)
# Scan with a body that declares more state outputs than inputs.
case("scan-body-mismatch", 2,
     {"m.onnx": model(graph([node("Scan", ["init", "xs"], ["final"], "scan",
                                  [attr_graph("body", graph([node("Add", ["s", "s"], ["s_out"], "acc")],
                                                            [value_info("s", [4])], ["s_out", "s_out"])),
                                   attr_int("num_scan_inputs", 1)])],
                            [value_info("init", [4]), value_info("xs", [3, 4])], ["final"]))}, ONNX, check=sane_totals)
# A Loop with 10^5 body nodes iterated 2^40 times: inference work stays proportional to nodes.
def big_body_nodes():
    return [node("Add", ["v", "v"], ["v0"], "a0")] + \
        [node("Add", ["v%d" % k, "v%d" % k], ["v%d" % (k + 1)], "a%d" % (k + 1)) for k in range(20000)]


case("loop-wide-body", 2,
     {"m.onnx": lambda: loop_model(1 << 40, body=graph([node("Identity", ["cond"], ["cond_out"], "keep")] + big_body_nodes() +
                                                [node("Identity", ["v20000"], ["v_out"], "o")],
                                                [value_info("i", [], INT64), value_info("cond", [], BOOL), value_info("v", [4])],
                                                ["cond_out", "v_out"]))}, ONNX, check=flops_is(4 * 20001 << 40))


# ============================================================ 3. functions


def fcall(fn, ins, outs, name="", attrs=()):
    return node(fn, ins, outs, name, attrs, "local")


def fmodel(functions, entry_nodes, inputs=None):
    return model(graph(entry_nodes, inputs or [value_info("x", [4])], ["y"]),
                 [("", 17), ("local", 1)], functions)


leaf = function("Leaf", ["x"], ["y"], [node("Add", ["x", "x"], ["y"])])
# Mutual recursion through three functions; recursion reached only through an If branch.
abc = [function("A", ["x"], ["y"], [fcall("B", ["x"], ["y"])]),
       function("B", ["x"], ["y"], [fcall("C", ["x"], ["y"])]),
       function("C", ["x"], ["y"], [fcall("A", ["x"], ["y"])])]
case("func-cycle-abc", 3, {"m.onnx": fmodel(abc, [fcall("A", ["x"], ["y"], "call")])}, ONNX, expect="err", quick=True)
rec_if = function("R", ["x", "c"], ["y"], [node("If", ["c"], ["y"], "if", [
    attr_graph("then_branch", graph([fcall("R", ["x", "c"], ["t"])], [], ["t"])),
    attr_graph("else_branch", graph([node("Identity", ["x"], ["t"])], [], ["t"]))])])
case("func-recursion-in-if", 3,
     {"m.onnx": fmodel([rec_if], [fcall("R", ["x", "c"], ["y"], "call")], [value_info("x", [4]), value_info("c", [], BOOL)])},
     ONNX, expect="err")
rec_loop = function("L", ["x"], ["y"], [node("Loop", ["n", "", "x"], ["y"], "loop", [
    attr_graph("body", graph([node("Identity", ["cond"], ["cond_out"]), fcall("L", ["v"], ["v_out"])],
                             [value_info("i", [], INT64), value_info("cond", [], BOOL), value_info("v", [4])],
                             ["cond_out", "v_out"]))]), node("Constant", [], ["n"], "", [attr_int("value_int", 3)])])
case("func-recursion-in-loop", 3, {"m.onnx": fmodel([rec_loop], [fcall("L", ["x"], ["y"], "call")])}, ONNX, expect="err")
# An attribute referring to an attribute the call does not give (ref_attr_name).
ref_fn = function("Ref", ["x"], ["y"], [node("Softmax", ["x"], ["y"], "", [attr_ref("axis", "missing_attr")])], attrs=["axis_attr"])
case("func-ref-missing-attr", 3, {"m.onnx": fmodel([ref_fn, leaf], [fcall("Ref", ["x"], ["y"], "call")])}, ONNX,
     check=sane_totals)
ref_fn2 = function("Ref2", ["x"], ["y"], [node("Conv", ["x", "x"], ["y"], "", [attr_ref("group", "g")])], attrs=["g"])
case("func-ref-attr-zero-group", 3,
     {"m.onnx": fmodel([ref_fn2], [fcall("Ref2", ["x"], ["y"], "call", [attr_int("g", 0)])], [value_info("x", [1, 1, 3, 3])])},
     ONNX, check=sane_totals)
# Two functions with the same name and domain (one overload): which is meant is ambiguous.
dup = [function("D", ["x"], ["y"], [node("Add", ["x", "x"], ["y"])]),
       function("D", ["x"], ["y"], [node("Mul", ["x", "x"], ["y"]), node("Mul", ["y", "y"], ["z"])])]
case("func-duplicate", 3, {"m.onnx": fmodel(dup, [fcall("D", ["x"], ["y"], "call")])}, ONNX, check=sane_totals)
# A function shadowing a standard op name in the default domain.
shadow = [function("Relu", ["x"], ["y"], [node("Add", ["x", "x"], ["y"])], domain="")]
case("func-shadows-default-op", 3,
     {"m.onnx": model(graph([node("Relu", ["x"], ["y"], "call")], [value_info("x", [4])], ["y"]), [("", 17)], shadow)},
     ONNX, check=sane_totals)
# Very wide fan-out: one function with 2^16 calls of a leaf, called 8 times: 2^19 inferences.
def wide_fn():
    return function("W", ["x"], ["y"], [fcall("Leaf", ["x"], ["t%d" % k]) for k in range(1 << 16)] +
                    [node("Identity", ["x"], ["y"])])


case("func-wide-fanout", 3, {"m.onnx": lambda: fmodel([leaf, wide_fn()], [fcall("W", ["x"], ["y%d" % k if k else "y"], "c%d" % k)
                                                               for k in range(8)])}, ONNX, check=sane_totals)
# A function calling an undefined function; a function with no outputs; outputs never produced.
case("func-calls-undefined", 3, {"m.onnx": fmodel([function("U", ["x"], ["y"], [fcall("Nope", ["x"], ["y"])])],
                                                  [fcall("U", ["x"], ["y"], "call")])}, ONNX, check=sane_totals)
case("func-output-never-produced", 3, {"m.onnx": fmodel([function("P", ["x"], ["y"], [node("Add", ["x", "x"], ["z"])])],
                                                        [fcall("P", ["x"], ["y"], "call")])}, ONNX, check=sane_totals)
case("func-more-call-inputs", 3, {"m.onnx": fmodel([leaf], [fcall("Leaf", ["x", "x", "x"], ["y", "q", "r"], "call")])},
     ONNX, check=sane_totals)
# A function whose opset import has a huge version; a domain name with control characters.
case("func-domain-escape", 3,
     {"m.onnx": model(graph([node("F", ["x"], ["y"], "call", (), "lo\x1b[2Jcal")], [value_info("x", [4])], ["y"]),
                      [("", 17), ("lo\x1b[2Jcal", 1)],
                      [function("F", ["x"], ["y"], [node("Add", ["x", "x"], ["y"])], domain="lo\x1b[2Jcal")])},
     ["{d}/m.onnx"], check=None)


# ============================================================ 4. --output


def make_links(specs):
    def setup(d):
        for kind, src, dst in specs:
            s, t = src.format(d=d), dst.format(d=d)
            if kind == "sym":
                os.symlink(s, t)
            elif kind == "hard":
                os.link(s, t)
            elif kind == "mkdir":
                os.makedirs(t, exist_ok=True)
            elif kind == "fifo":
                os.mkfifo(t)
    return setup


CFG = cfg()
case("out-symlink-to-config", 4, {"c/config.json": CFG}, ["{d}/c/config.json", "-o", "{d}/link"],
     setup=make_links([("sym", "{d}/c/config.json", "{d}/link")]), expect="err", quick=True)
case("out-hardlink-to-config", 4, {"c/config.json": CFG}, ["{d}/c/config.json", "-o", "{d}/hl"],
     setup=make_links([("hard", "{d}/c/config.json", "{d}/hl")]), expect="err", quick=True)
case("out-dotdot-hardware", 4, {"c/config.json": CFG, "hw/dev.json": json.dumps(
    {"name": "d", "memory_gib": 80, "memory_bandwidth_gb_s": 3000, "peak_tflops": {"float32": 60, "bfloat16": 60},
     "source": "s"}).encode()},
     ["{d}/c/config.json", "--hardware-file", "{d}/hw/dev.json", "-o", "{d}/c/../hw//./dev.json"], expect="err", quick=True)
case("out-proc-self-fd", 4, {"c/config.json": CFG},
     ["{d}/c/config.json", "-o", "/proc/self/fd/0"], stdin="FILE:{d}/c/config.json", expect="err")
case("out-dev-fd-input", 4, {"c/config.json": CFG},
     ["/dev/stdin", "-o", "{d}/c/config.json"], stdin="FILE:{d}/c/config.json", expect="err")
case("out-directory", 4, {"c/config.json": CFG}, ["{d}/c/config.json", "-o", "{d}/c"], expect="err",
     protect=["{d}/c/config.json"])
case("out-dev-stdout", 4, {"c/config.json": CFG}, ["{d}/c/config.json", "-o", "/dev/stdout"], expect="ok", quick=True)
case("out-dev-null", 4, {"c/config.json": CFG}, ["{d}/c/config.json", "-o", "/dev/null"], expect="ok")
case("out-stdin-input-to-file", 4, {"c/config.json": CFG}, ["-", "-o", "{d}/report.txt"],
     stdin="FILE:{d}/c/config.json", expect="ok",
     check=lambda o, d: None if os.path.getsize(d + "/report.txt") > 0 else "empty report file")
case("out-missing-parent", 4, {"c/config.json": CFG}, ["{d}/c/config.json", "-o", "{d}/no/such/dir/r.txt"], expect="err")
case("out-symlink-dir-to-model-dir", 4,
     {"m/config.json": CFG, "m/model.safetensors": safetensors(llama_safetensors_entries())},
     ["{d}/m", "-o", "{d}/alias/model.safetensors"],
     setup=make_links([("sym", "{d}/m", "{d}/alias")]), expect="err")
case("out-is-index-shard-via-dotdot", 4,
     {"m/config.json": CFG, "m/a.safetensors": safetensors(llama_safetensors_entries()),
      "m/model.safetensors.index.json": json.dumps({"weight_map": {
          k: "a.safetensors" for k in llama_safetensors_entries()}}).encode()},
     ["{d}/m/model.safetensors.index.json", "-o", "{d}/m/../m/a.safetensors"], expect="err")
case("out-into-fifo", 4, {"c/config.json": CFG}, ["{d}/c/config.json", "-o", "{d}/fifo"],
     setup=make_links([("fifo", "", "{d}/fifo")]), expect="any", quick=True)


def hub_cache(d_files):
    commit = "0123456789abcdef0123456789abcdef01234567"
    base = "hub/models--org--tiny"
    files = {base + "/refs/main": commit.encode()}
    for name, data in d_files.items():
        files[base + "/blobs/" + hashlib.sha256(data).hexdigest()] = data
    return files, commit


def hub_setup(d_files):
    _, commit = hub_cache(d_files)

    def setup(d):
        base = d + "/hub/models--org--tiny"
        os.makedirs(base + "/snapshots/" + commit, exist_ok=True)
        for name, data in d_files.items():
            os.symlink("../../blobs/" + hashlib.sha256(data).hexdigest(), base + "/snapshots/" + commit + "/" + name)
    return setup


hub_files, hub_commit = hub_cache({"config.json": CFG})
HUBENV = {"HF_HUB_CACHE": "{d}/hub", "HF_HUB_OFFLINE": "1"}
case("out-hub-snapshot-config", 4, hub_files,
     ["org/tiny", "-o", "{d}/hub/models--org--tiny/snapshots/%s/config.json" % hub_commit],
     env=HUBENV, setup=hub_setup({"config.json": CFG}), expect="err", quick=True)
case("out-hub-blob", 4, hub_files,
     ["org/tiny", "-o", "{d}/hub/models--org--tiny/blobs/" + hashlib.sha256(CFG).hexdigest()],
     env=HUBENV, setup=hub_setup({"config.json": CFG}), expect="err")
case("out-hub-ref", 4, hub_files, ["org/tiny", "-o", "{d}/hub/models--org--tiny/refs/main"],
     env=HUBENV, setup=hub_setup({"config.json": CFG}), expect="err", quick=True)
case("hub-name-escapes", 7, {}, ["org\x1b[2J/ti\nny"], env=HUBENV, expect="err")
case("hub-ref-escapes", 7, {"hub/models--org--tiny/refs/main": b"\x1b[2J\n../../../etc"},
     ["org/tiny"], env=HUBENV, expect="err")
case("hub-rev-dotdot", 6, hub_files, ["org/tiny@../../../../etc"], env=HUBENV, setup=hub_setup({"config.json": CFG}),
     expect="err")


# ============================================================ 5. wraps and absurd dims in configs


def zoo(name):
    return json.loads((ROOT / "zoo" / (name + ".json")).read_text())


def with_keys(base, path_values):
    c = json.loads(json.dumps(base))
    for path, v in path_values.items():
        cur = c
        parts = path.split(".")
        for p in parts[:-1]:
            cur = cur.setdefault(p, {})
        cur[parts[-1]] = v
    return json.dumps(c).encode()


config_cases = [
    ("qwen2-vl-2b-instruct", {"vision_config.patch_size": 1 << 20}, []),
    ("qwen2-vl-2b-instruct", {"vision_config.spatial_merge_size": 1 << 30}, []),
    ("qwen2-vl-2b-instruct", {}, ["--image-size", "1048576x1048576"]),
    ("qwen2-vl-2b-instruct", {}, ["--image-size", "1x1"]),
    ("qwen2-vl-2b-instruct", {}, ["--images", "1099511627776"]),
    ("qwen2.5-vl-3b-instruct", {"vision_config.window_size": 0}, []),
    ("qwen2.5-vl-3b-instruct", {"vision_config.fullatt_block_indexes": [1 << 40]}, []),
    ("llama-3.2-11b-vision-instruct", {"vision_config.image_size": 1 << 20}, []),
    ("llama-3.2-11b-vision-instruct", {"vision_config.max_num_tiles": 1 << 30}, []),
    ("llama-3.2-11b-vision-instruct", {"text_config.cross_attention_layers": [1 << 40]}, []),
    ("llama-3.2-11b-vision-instruct", {"vision_config.patch_size": 0}, []),
    ("whisper-small", {"num_mel_bins": 1 << 40}, []),
    ("whisper-small", {"max_source_positions": 1 << 40}, []),
    ("whisper-small", {"max_source_positions": 1}, []),
    ("gemma-3-12b-it", {"mm_tokens_per_image": 1 << 40}, []),
    ("gemma-3-12b-it", {"vision_config.image_size": 1 << 20, "vision_config.patch_size": 1}, []),
    ("gemma-3-12b-it", {"mm_tokens_per_image": 7}, []),
    ("llava-next-8b", {"image_grid_pinpoints": [[1 << 20, 1 << 20]]}, []),
    ("llava-next-8b", {"image_grid_pinpoints": [[336, 336 * 4096]]}, []),
    ("llava-next-8b", {"image_grid_pinpoints": []}, []),
    ("llava-next-8b", {"image_grid_pinpoints": [[0, 0]]}, []),
    ("llava-next-8b", {}, ["--image-size", "1048576x1"]),
    ("llava-1.5-7b", {"vision_feature_layer": -(1 << 40)}, []),
    ("llava-1.5-7b", {"vision_feature_layer": 1 << 40}, []),
    ("llava-1.5-7b", {"image_seq_length": 1 << 40}, []),
    ("siglip-so400m", {"vision_config.image_size": 1 << 20, "vision_config.patch_size": 1}, []),
    ("siglip-so400m", {"vision_config.num_patches": 0}, []),
    ("clip-vit-large-patch14-336", {"vision_config.patch_size": 0}, []),
    ("clip-vit-large-patch14-336", {"vision_config.patch_size": 337}, []),
    ("vit-base-patch16-224", {"num_channels": 1 << 40}, []),
    ("vit-base-patch16-224", {"image_size": 1 << 20, "patch_size": 1}, []),
    ("mixtral-8x7b", {"num_local_experts": 1 << 31}, []),
    ("mixtral-8x7b", {"num_experts_per_tok": 0}, []),
    ("qwen3-30b-a3b", {"num_experts": 1 << 31, "num_experts_per_tok": 1 << 31}, []),
    ("deepseek-v3", {"n_routed_experts": 4096, "num_hidden_layers": 4096}, []),
    ("deepseek-v3", {"n_group": 0}, []),
    ("deepseek-v3", {"topk_group": 1 << 40}, []),
    ("deepseek-v3", {"kv_lora_rank": 0, "q_lora_rank": 0}, []),
    ("deepseek-v3", {"first_k_dense_replace": -1}, []),
    ("deepseek-v3", {"moe_layer_freq": 0}, []),
    ("llama-3-8b", {"vocab_size": 1 << 62}, []),
    ("llama-3-8b", {"num_hidden_layers": 10 ** 9}, []),
    ("llama-3-8b", {"head_dim": 0}, []),
    ("llama-3-8b", {"num_key_value_heads": 3}, []),
    ("llama-3-8b", {"intermediate_size": -14336}, []),
    ("llama-3-8b", {"intermediate_size": 14336.5}, []),
    ("llama-3-8b", {"intermediate_size": 14336.0}, []),
    ("llama-3-8b", {"intermediate_size": 1 << 40}, []),
    ("llama-3-8b", {"hidden_size": 1 << 40, "intermediate_size": 1 << 40}, ["--seq-len", "1099511627776"]),
    ("llama-3-8b", {"rope_scaling": {"rope_type": "yarn", "factor": 1e308}}, []),
    ("llama-3-8b", {"rope_scaling": {"rope_type": "llama3", "factor": 0}}, []),
    ("llama-3-8b", {"max_position_embeddings": 0}, []),
    ("llama-3-8b", {"max_position_embeddings": -1}, []),
    ("llama-3-8b", {"rms_norm_eps": -1}, []),
    ("jamba-1.5-mini", {"attn_layer_period": 0}, []),
    ("jamba-1.5-mini", {"expert_layer_period": 0}, []),
    ("jamba-1.5-mini", {"mamba_d_state": 1 << 40}, []),
    ("jamba-1.5-mini", {"attn_layer_offset": 1 << 40}, []),
    ("mamba-2.8b", {"state_size": 1 << 40}, []),
    ("mamba-2.8b", {"conv_kernel": 0}, []),
    ("mamba-2.8b", {"expand": 1 << 40}, []),
    ("mamba-2.8b", {"time_step_rank": 0}, []),
    ("mamba-codestral-7b", {"chunk_size": 0}, []),
    ("mamba-codestral-7b", {"n_groups": 0}, []),
    ("mamba-codestral-7b", {"num_heads": 3}, []),
    ("mamba-codestral-7b", {"chunk_size": 1 << 40}, []),
    ("gpt-oss-120b", {"sliding_window": 0}, []),
    ("gpt-oss-120b", {"sliding_window": -1}, []),
    ("gemma-2-9b", {"sliding_window": 1 << 40}, []),
    ("gemma-3-1b-it", {"sliding_window_pattern": 0}, []),
    ("gemma-3-1b-it", {"sliding_window": 0}, []),
    ("t5" and "instructabsa-tk-instruct-base", {"relative_attention_num_buckets": 0}, []),
    ("instructabsa-tk-instruct-base", {"relative_attention_num_buckets": 1 << 40}, []),
    ("instructabsa-tk-instruct-base", {"d_kv": 0}, []),
    ("deberta-v3-base-squad-legal", {"position_buckets": 0}, []),
    ("deberta-v3-base-squad-legal", {"max_relative_positions": 1 << 40}, []),
    ("modernbert-large-zeroshot-v2.0", {"global_attn_every_n_layers": 0}, []),
    ("modernbert-large-zeroshot-v2.0", {"local_attention": 0}, []),
    ("phi-2", {"partial_rotary_factor": 1e-300}, []),
    ("phi-2", {"partial_rotary_factor": -0.0}, []),
    ("pythia-1b", {"rotary_pct": -0.0}, []),
    ("falcon-7b-instruct", {"num_kv_heads": 0}, []),
    ("qwen1.5-moe-a2.7b", {"decoder_sparse_step": 0}, []),
    ("qwen1.5-moe-a2.7b", {"shared_expert_intermediate_size": -1}, []),
    ("granite-3.3-8b", {"attention_multiplier": float("inf")} if False else {"attention_multiplier": 1e308}, []),
    ("c4ai-command-r7b-12-2024", {"sliding_window_pattern": 1 << 40}, []),
    ("kobart-summary-v3", {"max_position_embeddings": 1}, ["--seq-len", "2"]),
    ("olmo-1b", {"clip_qkv": -1}, []),
]
for i, (zname, kv, extra) in enumerate(config_cases):
    base = zoo(zname)
    case("cfg-%s-%s" % (zname, "-".join("%s=%s" % (k.split(".")[-1], str(v)[:12]) for k, v in kv.items()) or
                        "+".join(extra)), 5,
         {"config.json": with_keys(base, kv)}, ["{d}/config.json", "--format", "json"] + extra, check=sane_totals,
         quick=i % 12 == 0)

# CLI numbers.
cli_numbers = [
    ["--batch-size", "18446744073709551616"], ["--batch-size", "18446744073709551615"],
    ["--batch-size", "-1"], ["--batch-size", "0x10"], ["--batch-size", "1e3"], ["--batch-size", " 5"],
    ["--seq-len", "1e30"], ["--seq-len", "1099511627776"], ["--seq-len", "9223372036854775807"],
    ["--seq-len", "1.5"], ["--seq-len", ""], ["--seq-len", "nan"],
    ["--mode", "generate", "--prompt-tokens", "1099511627776", "--max-new-tokens", "16777216"],
    ["--mode", "generate", "--max-new-tokens", "16777217"], ["--mode", "generate", "--max-new-tokens", "0"],
    ["--mode", "generate", "--prompt-tokens", "0"],
    ["--mode", "train", "--zero", "-1"], ["--mode", "train", "--zero", "18446744073709551619"],
    ["--mode", "train", "--dp", "0"], ["--mode", "train", "--dp", "18446744073709551616"],
    ["--mode", "train", "--zero", "3", "--dp", "1099511627776"],
    ["--mode", "train", "--step-time", "0"], ["--mode", "train", "--step-time", "-0"],
    ["--mode", "train", "--step-time", "1e-320", "--hardware", "h100-sxm"],
    ["--mode", "train", "--step-time", "inf"], ["--mode", "train", "--tokens-per-second", "1e308"],
    ["--mode", "train", "--tokens-per-second", "0"],
    ["--bp-factor", "-0"], ["--bp-factor", "0"], ["--bp-factor", "1e-45"], ["--bp-factor", "-1"],
    ["--bp-factor", "0x1p3"], ["--bp-factor", "1000.0000001"],
    ["--precision", "-1"], ["--precision", "1000"], ["--precision", "100"],
    ["--depth", "-1"], ["--depth", "99999999999999999999"], ["--top", "0"], ["--top", "-5"],
    ["--image-size", "0x0"], ["--images", "0"],
    ["--dtype", "float1024"], ["--dtype", "bfloat16\x1b[2J"], ["--dtype", ""],
    ["--dim", "batch=-1"], ["--input-shape", "x=1x-1"],
]
for i, extra in enumerate(cli_numbers):
    case("clinum-" + "_".join(a.strip("-") for a in extra)[:60], 5, {"config.json": cfg()},
         ["{d}/config.json", "--format", "json"] + extra, check=sane_totals, quick=i % 6 == 0)
case("clinum-llama405b-generate-max", 5, {}, ["llama-3.1-70b", "--mode", "generate", "--prompt-tokens", "1048576",
                                              "--max-new-tokens", "16777216", "--batch-size", "1048576", "--format", "json"],
     check=sane_totals)
case("clinum-train-huge-batch-hw", 5, {}, ["deepseek-v3", "--mode", "train", "--batch-size", "1099511627776",
                                           "--hardware", "h100-sxm", "--zero", "3", "--dp", "65536", "--format", "json"],
     check=sane_totals)
for rng in ["1:1099511627776:+1", "1:1099511627776:x1", "1:1099511627776:x2", "1099511627776:1:+1",
            "1:9223372036854775807:+4611686018427387904", "0:10:+1", "1:10:+0", "1:10:x1", "1:10:x0", "1:10:+-1",
            "5:5:+1", "1:1e30:+1"]:
    case("sweep-" + rng, 5, {"config.json": cfg()}, ["sweep", "{d}/config.json", "--seq-len", rng, "--format", "csv"],
         quick=rng == "1:1099511627776:+1")
case("sweep-image-size-range", 5, {}, ["sweep", "vit-base-patch16-224", "--image-size", "1:1048576:+1"])
case("compare-many-vs", 5, {}, ["compare", "gpt2"] + sum([["--vs", "--seq-len %d" % k] for k in range(1, 2000)], []))
case("compare-vs-nested", 5, {}, ["compare", "gpt2", "--vs", "--vs \"--seq-len 5\""])
case("compare-vs-output", 4, {"config.json": cfg()}, ["compare", "{d}/config.json", "--vs", "-o {d}/config.json"],
     expect="err")


# ============================================================ 6. big headers


def gguf_count_case(cid, n_tensors=None, n_kv=None, kvs=None, tensors=None):
    kvs = kvs if kvs is not None else llama_gguf_kvs()
    tensors = tensors if tensors is not None else llama_gguf_tensors()
    case(cid, 6, {"m.gguf": gguf(kvs, tensors, n_kv=n_kv, n_tensors=n_tensors)}, ["{d}/m.gguf", "--header-only"],
         expect="err")


gguf_count_case("gguf-claims-1e7-tensors", n_tensors=10 ** 7)
gguf_count_case("gguf-claims-2pow64-tensors", n_tensors=(1 << 64) - 1)
gguf_count_case("gguf-claims-1e7-kvs", n_kv=10 ** 7)
# 10^6 tiny KV pairs actually present (about 20 MB).
case("gguf-1e6-kvs-present", 6, {"m.gguf": lambda: gguf(llama_gguf_kvs() + [gu32("x.%07d" % k, k) for k in range(1_000_000)],
                                                         llama_gguf_tensors())}, ["{d}/m.gguf", "--header-only"])
case("gguf-3e5-tensors-present", 6, {"m.gguf": lambda: gguf(llama_gguf_kvs(), [("t.%07d" % k, [1], 0) for k in range(300_000)])}, ["{d}/m.gguf", "--header-only"])
case("gguf-string-len-huge", 6, {"m.gguf": gguf(llama_gguf_kvs() + [gstr("x") + struct.pack("<IQ", GGUF_STR, 1 << 62)],
                                                llama_gguf_tensors())}, ["{d}/m.gguf", "--header-only"], expect="err")
case("gguf-array-len-huge", 6, {"m.gguf": gguf(llama_gguf_kvs() + [gstr("x") + struct.pack("<IIQ", GGUF_ARR, GGUF_U32, 1 << 61)],
                                               llama_gguf_tensors())}, ["{d}/m.gguf", "--header-only"], expect="err")
nested = struct.pack("<I", GGUF_ARR)
arr = b""
for k in range(20):
    arr = struct.pack("<IQ", GGUF_ARR, 1) + arr
case("gguf-array-nesting-20", 6, {"m.gguf": gguf(llama_gguf_kvs() + [gstr("x") + struct.pack("<I", GGUF_ARR) + arr[4:] +
                                                                      struct.pack("<IQ", GGUF_U32, 0)],
                                                 llama_gguf_tensors())}, ["{d}/m.gguf", "--header-only"], expect="err")
case("gguf-dims-product-overflow", 6, {"m.gguf": gguf(llama_gguf_kvs(), [("token_embd.weight", [1 << 40, 1 << 40], 1)])},
     ["{d}/m.gguf", "--header-only"], expect="err")
case("gguf-dim-zero", 6, {"m.gguf": gguf(llama_gguf_kvs(), [("token_embd.weight", [0, 16], 1)])},
     ["{d}/m.gguf", "--header-only"])
case("gguf-alignment-0", 6, {"m.gguf": gguf(llama_gguf_kvs() + [gu32("general.alignment", 0)], llama_gguf_tensors())},
     ["{d}/m.gguf", "--header-only"], expect="err")
case("gguf-alignment-3", 6, {"m.gguf": gguf(llama_gguf_kvs() + [gu32("general.alignment", 3)], llama_gguf_tensors())},
     ["{d}/m.gguf", "--header-only"], expect="err")
case("gguf-type-unknown", 6, {"m.gguf": gguf(llama_gguf_kvs(), [("token_embd.weight", [32, 16], 999)])},
     ["{d}/m.gguf", "--header-only"], expect="err")
case("gguf-block-count-huge", 6, {"m.gguf": gguf(llama_gguf_kvs(layers=10 ** 9), llama_gguf_tensors())},
     ["{d}/m.gguf", "--header-only"], expect="err")
case("gguf-head-count-0", 6, {"m.gguf": gguf(llama_gguf_kvs(heads=0), llama_gguf_tensors())},
     ["{d}/m.gguf", "--header-only"], expect="err")
case("gguf-offsets-overlap-huge", 6,
     {"m.gguf": b"GGUF" + struct.pack("<IQQ", 3, 1, 1) + gstrkv("general.architecture", "llama") +
      gstr("t") + struct.pack("<I", 1) + struct.pack("<Q", 4) + struct.pack("<IQ", 0, (1 << 64) - 8)},
     ["{d}/m.gguf"], expect="err")

sf = llama_safetensors_entries()
case("index-1e5-shards", 6, {"m/model.safetensors.index.json": lambda: json.dumps({"weight_map": {
    ("w.%06d" % k): ("model-%06d-of-100000.safetensors" % k) for k in range(100000)}}).encode(), "m/config.json": CFG},
     ["{d}/m/model.safetensors.index.json"], expect="err")
case("index-same-shard-2e5", 6, {"m/model.safetensors.index.json": lambda: json.dumps({"weight_map": {
    ("w.%06d" % k): "a.safetensors" for k in range(200000)}}).encode(),
                                 "m/a.safetensors": safetensors(sf), "m/config.json": CFG},
     ["{d}/m/model.safetensors.index.json"], expect="err")
for tagc, shard in {"dotdot": "../../../../etc/passwd", "absolute": "/etc/passwd", "dev-zero": "/dev/zero",
                    "dir": ".", "empty": "", "nul": "a\u0000b.safetensors", "escape": "a\x1b[2J.safetensors",
                    "proc": "/proc/self/mem", "slash-dotdot": "sub/../../x.safetensors"}.items():
    case("index-shard-" + tagc, 6,
         {"m/model.safetensors.index.json": json.dumps({"weight_map": {k: shard for k in sf}}).encode(),
          "m/config.json": CFG}, ["{d}/m/model.safetensors.index.json"], expect="err", quick=tagc == "dotdot")
case("index-deep-nesting", 6, {"m/model.safetensors.index.json": b'{"weight_map": ' + b"[" * 1000000 + b"]" * 1000000 + b"}"},
     ["{d}/m/model.safetensors.index.json"], expect="err")
case("config-deep-nesting-1e6", 6, {"config.json": b"[" * 1000000 + b"]" * 1000000}, ["{d}/config.json"], expect="err",
     quick=True)
case("config-deep-objects-1e6", 6, {"config.json": b'{"a":' * 1000000 + b"1" + b"}" * 1000000}, ["{d}/config.json"],
     expect="err")
case("config-long-number", 6, {"config.json": cfg().replace(b'"vocab_size": 16', b'"vocab_size": 1' + b"0" * 1000000)},
     ["{d}/config.json"], expect="err")
case("config-long-fraction", 6, {"config.json": cfg().replace(b'"vocab_size": 16', b'"vocab_size": 16.' + b"0" * 1000000)},
     ["{d}/config.json", "--format", "json"], check=flops_at_least(1))
case("safetensors-deep-nesting", 6, {"m.safetensors": safetensors({}, raw_header=b"[" * 100000 + b"]" * 100000)},
     ["{d}/m.safetensors"], expect="err")
case("safetensors-header-len-huge", 6, {"m.safetensors": struct.pack("<Q", (1 << 64) - 1) + b"{}"}, ["{d}/m.safetensors"],
     expect="err")
case("safetensors-offsets-overflow", 6,
     {"m.safetensors": safetensors({}, raw_header=json.dumps(
         {"a": {"dtype": "F32", "shape": [1], "data_offsets": [18446744073709551612, 18446744073709551616]}}).encode())},
     ["{d}/m.safetensors"], expect="err")
case("safetensors-shape-overflow", 6,
     {"m.safetensors": safetensors({}, raw_header=json.dumps(
         {"a": {"dtype": "F32", "shape": [1 << 40, 1 << 40, 1 << 40], "data_offsets": [0, 0]}}).encode())},
     ["{d}/m.safetensors", "--header-only"], expect="err")
case("safetensors-metadata-huge-string", 6,
     {"m.safetensors": lambda: safetensors(sf, metadata={"format": "pt", "x": "y" * 50_000_000})}, ["{d}/m.safetensors"])


# ============================================================ 7. control characters on stdout

ESC = "\x1b]0;owned\x07\x1b[2J\u009b31m\r"
for fmt in ("text", "json", "csv", "markdown", "html"):
    q = fmt == "csv"
    # An unknown model_type falls back to architectures[0] with a note (quoted, escaped).
    case("esc-model-type-%s" % fmt, 7, {"config.json": cfg(model_type="llama" + ESC)}, ["{d}/config.json", "-f", fmt])
    case("esc-architectures-%s" % fmt, 7, {"config.json": cfg(architectures=["Llama" + ESC + "ForCausalLM"])},
         ["{d}/config.json", "-f", fmt], expect="err")
    case("esc-gguf-name-%s" % fmt, 7, {"m.gguf": gguf(llama_gguf_kvs(name="tiny" + ESC + "=cmd|' /C calc'!A0"),
                                                      llama_gguf_tensors())},
         ["{d}/m.gguf", "--header-only", "-f", fmt], quick=q)
    case("esc-tensor-name-%s" % fmt, 7,
         {"m.safetensors": safetensors(dict(sf, **{"model.x" + ESC + "</script><script>alert(1)</script>|a|": ("F16", [4])}))},
         ["{d}/m.safetensors", "--weights-only", "-f", fmt], quick=q)
    case("esc-onnx-graph-name-%s" % fmt, 7,
         {"m.onnx": model(graph([node("Add", ["x", "x"], ["y"], "n" + ESC + "|x|=HYPERLINK(\"http://e\")")],
                                [value_info("x", [4])], ["y"], name="g" + ESC + "</script>"), producer="p" + ESC)},
         ["{d}/m.onnx", "-f", fmt], quick=q)
    case("esc-onnx-io-names-%s" % fmt, 7,
         {"m.onnx": model(graph([node("Add", ["x" + ESC, "x" + ESC], ["y" + ESC], "n")],
                                [value_info("x" + ESC, ["b" + ESC, 4])], ["y" + ESC]))},
         ["{d}/m.onnx", "-f", fmt, "--dim", "b%s=2" % ESC])
    case("esc-hardware-name-%s" % fmt, 7,
         {"config.json": CFG, "hw.json": json.dumps({"name": "h100" + ESC + "=1+1", "memory_gib": 80,
                                                     "memory_bandwidth_gb_s": 3000,
                                                     "peak_tflops": {"float32": 60, "bfloat16": 60},
                                                     "source": "s" + ESC}).encode()},
         ["{d}/config.json", "--hardware-file", "{d}/hw.json", "-f", fmt])
    case("esc-file-name-%s" % fmt, 7, {"c\x1b[2J\u009b\n=cmd|.json": CFG},
         ["{d}/c\x1b[2J\u009b\n=cmd|.json", "-f", fmt], quick=q)
    case("esc-dir-name-%s" % fmt, 7, {"d\x1b]0;x\x07|</script>/config.json": CFG,
                                      "d\x1b]0;x\x07|</script>/model.safetensors": safetensors(sf)},
         ["{d}/d\x1b]0;x\x07|</script>", "-f", fmt])
    case("esc-csv-formula-%s" % fmt, 7, {"=HYPERLINK(1).json": CFG}, ["{d}/=HYPERLINK(1).json", "-f", fmt])
    case("esc-onnx-op-domain-%s" % fmt, 7,
         {"m.onnx": model(graph([node("Custom" + ESC, ["x"], ["y"], "n", (), "dom" + ESC)], [value_info("x", [4])], ["y"]),
                          [("", 17), ("dom" + ESC, 1)])}, ["{d}/m.onnx", "-f", fmt])
    case("esc-sweep-name-%s" % fmt, 7, {"c\x1b[2J.json": CFG}, ["sweep", "{d}/c\x1b[2J.json", "--seq-len", "1:4:+1", "-f", fmt])
    case("esc-compare-vs-%s" % fmt, 7, {"config.json": CFG},
         ["compare", "{d}/config.json", "--vs", "--seq-len 4 \x1b[2J", "-f", fmt])
    case("esc-gguf-arch-unknown-%s" % fmt, 7, {"m.gguf": gguf(llama_gguf_kvs(arch="x" + ESC), [])},
         ["{d}/m.gguf", "--header-only", "-f", fmt])
    case("esc-gguf-kv-key-%s" % fmt, 7, {"m.gguf": gguf(llama_gguf_kvs() + [gstrkv("general." + ESC, "v" + ESC)],
                                                        llama_gguf_tensors())},
         ["{d}/m.gguf", "--header-only", "-f", fmt])
    case("esc-explain-path-%s" % fmt, 7, {"config.json": CFG}, ["{d}/config.json", "--explain", "model" + ESC, "-f", fmt])
    case("esc-dim-param-%s" % fmt, 7,
         {"m.onnx": model(graph([node("Add", ["x", "x"], ["y"], "n")], [value_info("x", ["b" + ESC, 4])], ["y"]))},
         ["{d}/m.onnx", "-f", fmt])
    case("esc-safetensors-metadata-%s" % fmt, 7,
         {"m.safetensors": safetensors(sf, metadata={"format": "pt" + ESC, "k" + ESC: "v" + ESC})},
         ["{d}/m.safetensors", "-f", fmt])
    case("esc-onnx-doc-string-%s" % fmt, 7,
         {"m.onnx": model(graph([node("Add", ["x", "x"], ["y"], "n")], [value_info("x", [4])], ["y"]) +
                          f_bytes(10, "doc" + ESC))}, ["{d}/m.onnx", "-f", fmt])
    case("esc-config-extra-%s" % fmt, 7, {"config.json": cfg(torch_dtype="bfloat16" + ESC)}, ["{d}/config.json", "-f", fmt],
         expect="err")
    case("esc-hidden-act-%s" % fmt, 7, {"config.json": cfg(hidden_act="silu" + ESC)}, ["{d}/config.json", "-f", fmt],
         expect="err")


# ============================================================ 8. hardware and dtype values


def hw(**kw):
    h = {"name": "d", "memory_gib": 80, "memory_bandwidth_gb_s": 3000, "peak_tflops": {"float32": 60, "bfloat16": 60},
         "source": "s"}
    h.update(kw)
    return json.dumps(h).encode().replace(b'"__NAN__"', b"NaN").replace(b'"__INF__"', b"Infinity")


hw_cases = {
    "mem-neg-zero": hw(memory_gib=-0.0), "bw-neg-zero": hw(memory_bandwidth_gb_s=-0.0),
    "peak-neg-zero": hw(peak_tflops={"float32": -0.0, "bfloat16": 1}),
    "mem-1e308": hw(memory_gib=1e308), "bw-1e308": hw(memory_bandwidth_gb_s=1e308),
    "peak-1e308": hw(peak_tflops={"float32": 1e308}), "mem-nan": hw(memory_gib="__NAN__"),
    "bw-inf": hw(memory_bandwidth_gb_s="__INF__"), "peak-string": hw(peak_tflops={"float32": "60"}),
    "peak-empty": hw(peak_tflops={}), "peak-dtype-unknown": hw(peak_tflops={"float32": 1, "float1024": 5}),
    "peak-dtype-escape": hw(peak_tflops={"float32": 1, "bf\x1b[2J16": 5}), "name-empty": hw(name=""),
    "name-huge": hw(name="x" * 100000), "mem-denormal": hw(memory_gib=4.9e-324),
    "bw-int-huge": hw(memory_bandwidth_gb_s=10 ** 30), "mem-bool": hw(memory_gib=True),
    "efficiency-0": hw(efficiency=0), "extra-key": hw(extra_key=1), "peak-neg": hw(peak_tflops={"float32": -1}),
    "just-below-min": hw(memory_bandwidth_gb_s=0.9999e-9),
    "at-max": hw(memory_gib=1e6, memory_bandwidth_gb_s=1e6, peak_tflops={"float32": 1e7, "bfloat16": 1e7}),
}
for i, (tagc, data) in enumerate(hw_cases.items()):
    for mode in (["--mode", "train", "--step-time", "1"], ["--mode", "generate", "--max-new-tokens", "100"]):
        case("hw-%s-%s" % (tagc, mode[1]), 8, {"config.json": CFG, "hw.json": data},
             ["{d}/config.json", "--hardware-file", "{d}/hw.json", "--memory-detail"] + mode, quick=i % 6 == 0 and mode[1] == "train",
             check=lambda o, d: "nan/inf in report" if re.search(r"\b(-?nan|-?inf)\b", o) else None)
for tagc, dt in {"torch-dtype-int": 5, "torch-dtype-null": None, "dtype-escape": "f\x1b[2J", "dtype-float8": "float8_e4m3fn",
                 "dtype-int4": "int4", "dtype-complex": "complex128", "dtype-empty": "", "dtype-bool": "bool"}.items():
    case("dtype-" + tagc, 8, {"config.json": cfg(torch_dtype=dt)}, ["{d}/config.json", "--format", "json"], check=sane_totals)
for q in [{"quant_method": "bitsandbytes", "load_in_4bit": True, "bnb_4bit_quant_storage": "uint1024"},
          {"quant_method": "gptq", "bits": 0}, {"quant_method": "gptq", "bits": -1}, {"quant_method": "gptq", "bits": 1 << 40},
          {"quant_method": "gptq", "bits": 4, "group_size": 0}, {"quant_method": "awq", "bits": 4, "group_size": -1},
          {"quant_method": "fp8", "weight_block_size": [0, 0]}, {"quant_method": "\x1b[2J"}]:
    case("quant-" + hashlib.md5(json.dumps(q).encode()).hexdigest()[:6], 8, {"config.json": cfg(quantization_config=q)},
         ["{d}/config.json", "--format", "json"], check=sane_totals)


# ============================================================ 9. minor


def fifo(name):
    def setup(d):
        os.mkfifo(os.path.join(d, name))
    return setup


def sparse(name, size):
    def setup(d):
        p = os.path.join(d, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.truncate(size)
    return setup


minor = [
    ("bom-utf8", {"config.json": b"\xef\xbb\xbf" + CFG}, ["{d}/config.json"], "err"),
    ("utf16-le", {"config.json": b"\xff\xfe" + CFG.decode().encode("utf-16-le")}, ["{d}/config.json"], "err"),
    ("utf16-be-nobom", {"config.json": CFG.decode().encode("utf-16-be")}, ["{d}/config.json"], "err"),
    ("utf32", {"config.json": CFG.decode().encode("utf-32")}, ["{d}/config.json"], "err"),
    ("nul-first", {"config.json": b"\0" + CFG}, ["{d}/config.json"], "err"),
    ("nul-in-key", {"config.json": CFG.replace(b'"vocab_size"', b'"vocab\\u0000_size"')}, ["{d}/config.json"], "any"),
    ("dup-key-nested", {"config.json": cfg(rope_scaling=None).replace(b'"rope_scaling": null',
                                                                     b'"rope_scaling": {"factor": 2, "factor": 8, "rope_type": "linear"}')},
     ["{d}/config.json"], "err"),
    ("dup-key-escaped", {"config.json": CFG[:-1] + b', "vocab\\u005fsize": 17}'}, ["{d}/config.json"], "err"),
    ("num-1e400", {"config.json": cfg().replace(b'"vocab_size": 16', b'"vocab_size": 1e400')}, ["{d}/config.json"], "err"),
    ("num-neg-zero", {"config.json": cfg().replace(b'"vocab_size": 16', b'"vocab_size": -0')}, ["{d}/config.json"], "err"),
    ("num-1.0-int", {"config.json": cfg().replace(b'"vocab_size": 16', b'"vocab_size": 16.0')}, ["{d}/config.json"], "any"),
    ("num-16e0", {"config.json": cfg().replace(b'"vocab_size": 16', b'"vocab_size": 1.6e1')}, ["{d}/config.json"], "any"),
    ("num-leading-zero", {"config.json": cfg().replace(b'"vocab_size": 16', b'"vocab_size": 016')}, ["{d}/config.json"], "err"),
    ("num-plus", {"config.json": cfg().replace(b'"vocab_size": 16', b'"vocab_size": +16')}, ["{d}/config.json"], "err"),
    ("num-hex", {"config.json": cfg().replace(b'"vocab_size": 16', b'"vocab_size": 0x10')}, ["{d}/config.json"], "err"),
    ("num-2pow64", {"config.json": cfg().replace(b'"vocab_size": 16', b'"vocab_size": 18446744073709551616')},
     ["{d}/config.json"], "err"),
    ("lone-surrogate", {"config.json": cfg().replace(b'"llama"', b'"llama\\ud800"')}, ["{d}/config.json"], "err"),
    ("overlong-utf8", {"config.json": cfg().replace(b'"llama"', b'"ll\xc0\xafama"')}, ["{d}/config.json"], "err"),
    ("empty", {"config.json": b""}, ["{d}/config.json"], "err"),
    ("only-whitespace", {"config.json": b" \n\t\r" * 1000}, ["{d}/config.json"], "err"),
    ("empty-onnx", {"m.onnx": b""}, ["{d}/m.onnx"], "err"),
    ("empty-gguf", {"m.gguf": b""}, ["{d}/m.gguf"], "err"),
    ("empty-safetensors", {"m.safetensors": b""}, ["{d}/m.safetensors"], "err"),
    ("empty-dir", {"e/.keep": b""}, ["{d}/e"], "err"),
    ("dev-zero", {}, ["/dev/zero"], "err"),
    ("dev-null", {}, ["/dev/null"], "err"),
    ("dev-urandom", {}, ["/dev/urandom"], "err"),
    ("dev-stdin-empty", {}, ["/dev/stdin"], "err"),
    ("stdin-dash-empty", {}, ["-"], "err"),
    ("proc-self-mem", {}, ["/proc/self/mem"], "err"),
    ("proc-self-environ", {}, ["/proc/self/environ"], "err"),
    ("proc-self-cmdline", {}, ["/proc/self/cmdline"], "err"),
    ("proc-kcore", {}, ["/proc/kcore"], "err"),
    ("sys-file", {}, ["/sys/kernel/mm/transparent_hugepage/enabled"], "err"),
    ("hardware-file-dev-zero", {"config.json": CFG}, ["{d}/config.json", "--hardware-file", "/dev/zero"], "err"),
    ("hardware-file-fifo", {"config.json": CFG}, ["{d}/config.json", "--hardware-file", "{d}/hwfifo"], "err"),
    ("hardware-file-empty", {"config.json": CFG, "hw.json": b""}, ["{d}/config.json", "--hardware-file", "{d}/hw.json"], "err"),
    ("hardware-file-bom", {"config.json": CFG, "hw.json": b"\xef\xbb\xbf" + hw()},
     ["{d}/config.json", "--hardware-file", "{d}/hw.json"], "err"),
    ("hardware-file-nul", {"config.json": CFG, "hw.json": hw() + b"\0garbage"},
     ["{d}/config.json", "--hardware-file", "{d}/hw.json"], "err"),
    ("hardware-file-dup-key", {"config.json": CFG, "hw.json": hw()[:-1] + b', "memory_gib": 1}'},
     ["{d}/config.json", "--hardware-file", "{d}/hw.json"], "err"),
    ("hardware-file-huge-sparse", {"config.json": CFG}, ["{d}/config.json", "--hardware-file", "{d}/hwbig.json"], "err"),
    ("sparse-4gib-config", {}, ["{d}/config.json"], "err"),
    ("sparse-4gib-onnx", {}, ["{d}/m.onnx"], "err"),
    ("sparse-4gib-gguf", {}, ["{d}/m.gguf"], "err"),
    ("sparse-4gib-safetensors", {}, ["{d}/m.safetensors"], "err"),
    ("sparse-4gib-index", {}, ["{d}/model.safetensors.index.json"], "err"),
    ("sparse-8gib-in-dir", {"s/config.json": CFG}, ["{d}/s"], "any"),
    ("fifo-config", {}, ["{d}/cfifo"], "err"),
    ("fifo-onnx-in-dir", {"f/config.json": CFG}, ["{d}/f"], "any"),
    ("path-newline", {"a\nb/config.json": CFG}, ["{d}/a\nb/config.json"], "ok"),
    ("path-newline-missing", {}, ["{d}/no\nsuch\x1b[2J"], "err"),
    ("path-very-long", {}, ["{d}/" + "a" * 5000], "err"),
    ("path-empty", {}, [""], "err"),
    ("config-dir-loop", {}, ["{d}/loop"], "err"),
    ("config-link-to-dev-zero", {}, ["{d}/z/config.json"], "err"),
    ("unreadable", {"u/config.json": CFG}, ["{d}/u/config.json"], "any"),
    ("crlf", {"config.json": CFG.replace(b", ", b",\r\n")}, ["{d}/config.json"], "ok"),
    ("trailing-comma", {"config.json": CFG[:-1] + b",}"}, ["{d}/config.json"], "err"),
    ("json-top-string", {"config.json": b'"llama"'}, ["{d}/config.json"], "err"),
    ("json-top-number-huge", {"config.json": b"1" * 10000}, ["{d}/config.json"], "err"),
    ("onnx-truncated-varint", {"m.onnx": b"\x3a" + b"\xff" * 20}, ["{d}/m.onnx"], "err"),
    ("onnx-nul-names", {"m.onnx": model(graph([node("Add", ["x\0y", "x\0y"], ["y\0"], "n\0")], [value_info("x\0y", [4])],
                                              ["y\0"]))}, ["{d}/m.onnx", "-f", "json"], "any"),
    ("gguf-version-99", {"m.gguf": b"GGUF" + struct.pack("<IQQ", 99, 0, 0)}, ["{d}/m.gguf"], "err"),
    ("gguf-version-1", {"m.gguf": b"GGUF" + struct.pack("<IQQ", 1, 0, 0)}, ["{d}/m.gguf"], "err"),
    ("gguf-big-endian", {"m.gguf": b"GGUF" + struct.pack(">IQQ", 3, 0, 0)}, ["{d}/m.gguf"], "err"),
    ("safetensors-bom-header", {"m.safetensors": safetensors({}, raw_header=b"\xef\xbb\xbf{}")}, ["{d}/m.safetensors"], "err"),
    ("safetensors-utf16-header", {"m.safetensors": safetensors({}, raw_header='{"a": 1}'.encode("utf-16"))},
     ["{d}/m.safetensors"], "err"),
    ("safetensors-dup-tensor", {"m.safetensors": safetensors({}, raw_header=b'{"a": {"dtype": "F32", "shape": [1], '
                                                                b'"data_offsets": [0, 4]}, "a": {"dtype": "F32", "shape": [1], '
                                                                b'"data_offsets": [0, 4]}}')}, ["{d}/m.safetensors"], "err"),
    ("safetensors-shape-float", {"m.safetensors": safetensors({}, raw_header=b'{"a": {"dtype": "F32", "shape": [1.0], '
                                                                 b'"data_offsets": [0, 4]}}')}, ["{d}/m.safetensors", "--header-only"], "any"),
    ("safetensors-shape-neg-zero", {"m.safetensors": safetensors({}, raw_header=b'{"a": {"dtype": "F32", "shape": [-0], '
                                                                    b'"data_offsets": [0, 0]}}')},
     ["{d}/m.safetensors", "--header-only"], "any"),
    ("index-bom", {"m/model.safetensors.index.json": b"\xef\xbb\xbf" + json.dumps({"weight_map": {"a": "a.safetensors"}}).encode()},
     ["{d}/m/model.safetensors.index.json"], "err"),
    ("index-dup-key", {"m/model.safetensors.index.json": b'{"weight_map": {"a": "x.safetensors", "a": "y.safetensors"}}'},
     ["{d}/m/model.safetensors.index.json"], "err"),
    ("index-weight-map-twice", {"m/model.safetensors.index.json": b'{"weight_map": {}, "weight_map": {"a": "y.safetensors"}}'},
     ["{d}/m/model.safetensors.index.json"], "err"),
]
minor_setup = {
    "hardware-file-fifo": fifo("hwfifo"),
    "hardware-file-huge-sparse": sparse("hwbig.json", 4 << 30),
    "sparse-4gib-config": sparse("config.json", 4 << 30),
    "sparse-4gib-onnx": sparse("m.onnx", 4 << 30),
    "sparse-4gib-gguf": sparse("m.gguf", 4 << 30),
    "sparse-4gib-safetensors": sparse("m.safetensors", 4 << 30),
    "sparse-4gib-index": sparse("model.safetensors.index.json", 4 << 30),
    "sparse-8gib-in-dir": sparse("s/model.safetensors", 8 << 30),
    "fifo-config": fifo("cfifo"),
    "fifo-onnx-in-dir": fifo("f/model.onnx"),
    "config-dir-loop": lambda d: os.symlink(d + "/loop", d + "/loop"),
    "config-link-to-dev-zero": lambda d: (os.makedirs(d + "/z"), os.symlink("/dev/zero", d + "/z/config.json")),
    "unreadable": lambda d: os.chmod(d + "/u/config.json", 0),
}
for cid, files, args, expect in minor:
    case("minor-" + cid, 9, files, args, expect=expect, setup=minor_setup.get(cid),
         stdin=b"" if cid in ("dev-stdin-empty", "stdin-dash-empty") else None,
         quick=cid in ("bom-utf8", "num-1e400", "dev-zero", "sparse-4gib-config", "sparse-4gib-onnx", "fifo-config"))


# ============================================================ wave 2 (after the first fixes)

# ONNX files of many fields: a graph of 10^6 nodes, 10^6 initializers, 10^6 repeated scalars.
case("onnx-1e6-nodes", 6, {"m.onnx": lambda: model(graph(
    [node("Identity", ["x" if k == 0 else "t%d" % (k - 1)], ["t%d" % k if k < 999999 else "y"]) for k in range(1000000)],
    [value_info("x", [4])], ["y"]))}, ONNX, check=sane_totals)
case("onnx-1e6-initializers", 6, {"m.onnx": lambda: model(graph(
    [node("Add", ["x", "x"], ["y"], "n")], [value_info("x", [4])], ["y"],
    [tensor_decl("w%d" % k, FLOAT, [4]) for k in range(1000000)]))}, ONNX, check=sane_totals)
case("onnx-repeated-ir-version-50mb", 6, {"m.onnx": lambda: b"\x08\x00" * (25 << 20)}, ONNX, expect="err")
case("onnx-rank-64-dims-2pow53", 1, {"m.onnx": model(graph([node("Relu", ["x"], ["y"], "n")],
                                                           [value_info("x", [1 << 53] * 64)], ["y"]))}, ONNX, check=sane_totals)
case("onnx-rank-65", 1, {"m.onnx": model(graph([node("Relu", ["x"], ["y"], "n")], [value_info("x", [1] * 65)], ["y"]))},
     ONNX, check=sane_totals)
case("onnx-dim-negative", 1, {"m.onnx": model(graph([node("Relu", ["x"], ["y"], "n")], [value_info("x", [-5, 4])], ["y"]))},
     ONNX, check=sane_totals)
case("onnx-dim-2pow63", 1, {"m.onnx": model(graph([node("Relu", ["x"], ["y"], "n")], [value_info("x", [(1 << 63), 4])], ["y"]))},
     ONNX, check=sane_totals)
case("onnx-matmul-2pow53-cubed", 1, {"m.onnx": model(graph([node("MatMul", ["a", "b"], ["y"], "n")],
                                                           [value_info("a", [1 << 53, 1 << 53]), value_info("b", [1 << 53, 1 << 53])],
                                                           ["y"]))}, ONNX, check=sane_totals)
case("onnx-batched-matmul-overflow", 1, {"m.onnx": model(graph([node("MatMul", ["a", "b"], ["y"], "n")],
                                                               [value_info("a", [1 << 53] * 6 + [1 << 53, 1 << 53]),
                                                                value_info("b", [1 << 53] * 6 + [1 << 53, 1 << 53])], ["y"]))},
     ONNX, check=sane_totals)
case("onnx-dim-flag-huge", 5, {"m.onnx": model(graph([node("Relu", ["x"], ["y"], "n")], [value_info("x", ["b", 4])], ["y"]))},
     ["{d}/m.onnx", "--dim", "b=9223372036854775807", "-f", "json"], check=sane_totals)
case("onnx-dim-flag-many", 5, {"m.onnx": model(graph([node("Relu", ["x"], ["y"], "n")], [value_info("x", ["b", 4])], ["y"]))},
     ["{d}/m.onnx", "-f", "json"] + sum([["--dim", "d%d=1" % k] for k in range(5000)], []), check=sane_totals)
case("onnx-input-shape-rank-100", 5, {"m.onnx": model(graph([node("Relu", ["x"], ["y"], "n")], [value_info("x", ["b", 4])], ["y"]))},
     ["{d}/m.onnx", "--input-shape", "x=" + "x".join(["2"] * 100), "-f", "json"], check=sane_totals)
case("onnx-input-shape-escape", 7, {"m.onnx": model(graph([node("Relu", ["x"], ["y"], "n")], [value_info("x", ["b", 4])], ["y"]))},
     ["{d}/m.onnx", "--input-shape", "x\x1b[2J=1x4"])
case("onnx-opset-huge", 1, {"m.onnx": model(graph([node("Relu", ["x"], ["y"], "n")], [value_info("x", [4])], ["y"]),
                                            [("", (1 << 63) - 1)])}, ONNX, check=sane_totals)
case("onnx-opset-negative", 1, {"m.onnx": model(graph([node("Relu", ["x"], ["y"], "n")], [value_info("x", [4])], ["y"]),
                                                [("", -1)])}, ONNX, check=sane_totals)
case("onnx-external-data-escape", 6, {"m.onnx": model(graph([node("MatMul", ["x", "w"], ["y"], "n")], [value_info("x", [1, 4])],
                                                          ["y"], [tensor_decl("w", FLOAT, [4, 4]) + f_bytes(13, f_bytes(1, "location") +
                                                                   f_bytes(2, "../../../../etc/passwd")) + f_varint(14, 1)]))},
     ONNX, check=sane_totals)
case("onnx-string-tensor-huge", 6, {"m.onnx": model(graph([node("Identity", ["s"], ["y"], "n")], [], ["y"],
                                                          [f_packed(1, [1 << 40]) + f_varint(2, STRING) + f_bytes(8, "s")]))},
     ONNX, check=sane_totals)
case("onnx-attr-ints-1e6", 6, {"m.onnx": lambda: model(graph([node("Transpose", ["x"], ["y"], "n", [attr_ints("perm", list(range(1000000)))])],
                                                             [value_info("x", [2, 3])], ["y"]))}, ONNX, check=sane_totals)
case("onnx-constant-huge-value-ints", 1, {"m.onnx": model(graph([node("Constant", [], ["s"], "c", [attr_ints("value_ints", [1 << 62] * 3)]),
                                                                 node("ConstantOfShape", ["s"], ["y"], "cos")], [], ["y"]))},
     ONNX, check=sane_totals)
case("onnx-cast-float-to-int-shape", 1, {"m.onnx": model(graph([node("Cast", ["f"], ["s"], "c", [attr_int("to", INT64)]),
                                                                node("ConstantOfShape", ["s"], ["y"], "cos")], [], ["y"],
                                                               [float_init("f", [2], [1e30, float("nan")])]))},
     ONNX, check=sane_totals)
case("onnx-cast-float-inf-trips", 2, {"m.onnx": model(graph([node("Cast", ["f"], ["trips"], "c", [attr_int("to", INT64)]),
                                                             node("Loop", ["trips", "", "x"], ["y"], "loop",
                                                                  [attr_graph("body", loop_body())])],
                                                            [value_info("x", [4])], ["y"], [float_init("f", [], [float("inf")])]))},
     ONNX, check=lambda o, d: None if "Loop" in json.dumps(json.loads(o).get("unsupported")) or total(o) != 0 else
     "an infinite trip count priced as 0")
case("onnx-size-of-huge", 2, {"m.onnx": model(graph([node("Size", ["big"], ["trips"], "sz"),
                                                     node("Loop", ["trips", "", "x"], ["y"], "loop", [attr_graph("body", loop_body())])],
                                                    [value_info("x", [4]), value_info("big", [1 << 40, 1 << 40])], ["y"]))},
     ONNX, check=sane_totals)

# GGUF: a token array of 2^22 empty strings (32 MB); 2^22 u8; a name of 16 MB.
case("gguf-tokens-4m", 6, {"m.gguf": lambda: gguf(llama_gguf_kvs() + [gstr("tokenizer.ggml.tokens") + struct.pack("<IIQ", GGUF_ARR, GGUF_STR, 1 << 22) +
                                                                      struct.pack("<Q", 0) * (1 << 22)], llama_gguf_tensors())},
     ["{d}/m.gguf", "--header-only"])
case("gguf-name-16mb", 6, {"m.gguf": lambda: gguf(llama_gguf_kvs(name="n" * (16 << 20)), llama_gguf_tensors())},
     ["{d}/m.gguf", "--header-only", "-f", "json"])
case("gguf-tensor-names-4096-x-1e4", 6, {"m.gguf": lambda: gguf(llama_gguf_kvs(), [("t%05d" % k + "x" * 4000, [1], 0) for k in range(10000)])},
     ["{d}/m.gguf", "--header-only"])
case("gguf-context-length-huge", 5, {"m.gguf": gguf(llama_gguf_kvs(ctx=(1 << 32) - 1), llama_gguf_tensors())},
     ["{d}/m.gguf", "--header-only", "--seq-len", "4294967295", "-f", "json"], check=sane_totals)
case("gguf-expert-count-huge", 5, {"m.gguf": gguf(llama_gguf_kvs() + [gu32("llama.expert_count", (1 << 32) - 1),
                                                                     gu32("llama.expert_used_count", (1 << 32) - 1)],
                                                  llama_gguf_tensors())}, ["{d}/m.gguf", "--header-only"], check=None)
case("gguf-rope-dim-huge", 5, {"m.gguf": gguf(llama_gguf_kvs() + [gu32("llama.rope.dimension_count", (1 << 32) - 1)],
                                              llama_gguf_tensors())}, ["{d}/m.gguf", "--header-only"])
case("gguf-f32-nan-eps", 8, {"m.gguf": gguf(llama_gguf_kvs()[:-2] + [gf32("llama.attention.layer_norm_rms_epsilon", float("nan")),
                                                                     gu32("llama.vocab_size", 16)], llama_gguf_tensors())},
     ["{d}/m.gguf", "--header-only"])

# safetensors: metadata of 10^5 keys; 10^5 tensors with 4,096-byte names (400 MB: too big) -> 10^4.
case("safetensors-metadata-1e5-keys", 6, {"m.safetensors": lambda: safetensors(sf, metadata={"k%d" % k: "v" for k in range(100000)})},
     ["{d}/m.safetensors"])
case("safetensors-names-4096-x-1e4", 6, {"m.safetensors": lambda: safetensors({("t%05d" % k) + "x" * 4090: ("F16", [1]) for k in range(10000)})},
     ["{d}/m.safetensors", "--weights-only", "-f", "json"])
case("safetensors-dtype-escape", 7, {"m.safetensors": safetensors({}, raw_header=json.dumps(
    {"a": {"dtype": "F3\x1b[2J2", "shape": [1], "data_offsets": [0, 4]}}).encode())}, ["{d}/m.safetensors"], expect="err")
case("safetensors-rank-9", 6, {"m.safetensors": safetensors({}, raw_header=json.dumps(
    {"a": {"dtype": "F32", "shape": [1] * 9, "data_offsets": [0, 4]}}).encode())}, ["{d}/m.safetensors", "--header-only"], expect="err")
case("index-metadata-total-size-neg", 6, {"m/model.safetensors.index.json": json.dumps({"metadata": {"total_size": -1},
                                                                                         "weight_map": {k: "a.safetensors" for k in sf}}).encode(),
                                          "m/a.safetensors": safetensors(sf), "m/config.json": CFG},
     ["{d}/m/model.safetensors.index.json"])
case("index-shard-is-index", 6, {"m/model.safetensors.index.json": json.dumps({"weight_map": {k: "model.safetensors.index.json" for k in sf}}).encode(),
                                 "m/config.json": CFG}, ["{d}/m/model.safetensors.index.json"], expect="err")
case("index-shard-is-config", 6, {"m/model.safetensors.index.json": json.dumps({"weight_map": {k: "config.json" for k in sf}}).encode(),
                                  "m/config.json": CFG}, ["{d}/m/model.safetensors.index.json"], expect="err")
case("index-shard-symlink-out", 6, {"m/model.safetensors.index.json": json.dumps({"weight_map": {k: "a.safetensors" for k in sf}}).encode(),
                                    "m/config.json": CFG}, ["{d}/m/model.safetensors.index.json"],
     setup=lambda d: os.symlink("/dev/zero", d + "/m/a.safetensors"), expect="err")

# Configs: 262,144-element arrays of objects, 10^6 values, sub-config loops through keys.
case("config-array-256k-objects", 6, {"config.json": lambda: cfg(x=[{"a": [1, 2]}] * 262144)}, ["{d}/config.json", "-f", "json"],
     check=sane_totals)
case("config-1e6-values", 6, {"config.json": lambda: cfg(x=[[0] * 1000] * 1040)}, ["{d}/config.json"], expect="any")
case("config-text-config-self", 5, {"config.json": with_keys(zoo("llava-1.5-7b"), {"text_config": {"text_config": {"text_config": {}}}})},
     ["{d}/config.json", "-f", "json"], check=sane_totals)
case("config-vision-config-null", 5, {"config.json": with_keys(zoo("llava-1.5-7b"), {"vision_config": None})},
     ["{d}/config.json", "-f", "json"], check=sane_totals)
case("config-architectures-1e5", 5, {"config.json": lambda: cfg(architectures=["LlamaForCausalLM"] * 100000)},
     ["{d}/config.json", "-f", "json"], check=sane_totals)
case("config-layer-types-wrong", 5, {"config.json": with_keys(zoo("gemma-3-1b-it"), {"layer_types": ["x\x1b[2J"] * 26})},
     ["{d}/config.json", "-f", "json"], check=sane_totals)
case("config-layer-types-short", 5, {"config.json": with_keys(zoo("gpt-oss-120b"), {"layer_types": ["full_attention"]})},
     ["{d}/config.json", "-f", "json"], check=sane_totals)
case("config-mlp-only-layers-huge", 5, {"config.json": lambda: with_keys(zoo("qwen3-30b-a3b"), {"mlp_only_layers": list(range(200000))})},
     ["{d}/config.json", "-f", "json"], check=sane_totals)
case("config-modules-to-not-convert-4096", 5, {"config.json": lambda: cfg(quantization_config={"quant_method": "bitsandbytes", "load_in_8bit": True,
                                                                                           "llm_int8_skip_modules": ["x" * 1000] * 4096})},
     ["{d}/config.json", "-f", "json"], check=sane_totals)
case("config-moe-max-modules", 5, {"config.json": with_keys(zoo("qwen3-30b-a3b"), {"num_experts": 4096, "num_hidden_layers": 64})},
     ["{d}/config.json", "-f", "json"])
case("config-moe-generate-expand", 5, {"config.json": with_keys(zoo("qwen3-30b-a3b"), {"num_experts": 4096, "num_hidden_layers": 16})},
     ["{d}/config.json", "--mode", "generate", "-n", "16777216", "--expand", "-f", "json", "--no-detail"])
case("config-moe-expand-text", 5, {"config.json": with_keys(zoo("qwen3-30b-a3b"), {"num_experts": 4096, "num_hidden_layers": 16})},
     ["{d}/config.json", "--expand"])
case("config-deepseek-train-hw", 5, {}, ["deepseek-v3", "--mode", "train", "--hardware", "h100-sxm", "--expand", "--memory-detail",
                                         "--recompute", "selective", "--optimizer", "adafactor", "--zero", "3", "--dp", "1099511627776"])
case("explain-huge-path", 5, {}, ["llama-3-8b", "--explain", "model." * 10000])
case("explain-everything-deepseek", 5, {}, ["deepseek-v3", "--explain", "model", "--mode", "generate", "-n", "16777216"])
case("symbolic-deepseek", 5, {}, ["deepseek-v3", "--symbolic", "-f", "json"])
case("sweep-counts-only-2pow40", 5, {}, ["sweep", "llama-3-8b", "--seq-len", "1:1099511627776:+1", "--counts-only"])
case("sweep-image-qwen2vl", 5, {}, ["sweep", "qwen2-vl-2b-instruct", "--image-size", "28:1048576:+28"])
case("compare-100-models", 5, {}, ["compare"] + ["deepseek-v3"] * 100 + ["-f", "csv"])
case("hub-name-long", 7, {}, ["o" * 5000 + "/" + "n" * 5000], env=HUBENV, expect="err")
case("hub-name-dotdot", 7, {}, ["../..", "-f", "json"], env=HUBENV, expect="err")
case("hub-name-url-escape", 7, {}, ["https://huggingface.co/org\x1b[2J/x\r"], env=HUBENV, expect="err")
case("hub-cache-config-fifo", 9, hub_files, ["org/tiny"], env=HUBENV,
     setup=lambda d: (os.makedirs(d + "/hub/models--org--tiny/snapshots/" + hub_commit),
                      os.mkfifo(d + "/hub/models--org--tiny/snapshots/" + hub_commit + "/config.json")), expect="err")
case("hub-cache-ref-dir", 9, {}, ["org/tiny"], env=HUBENV,
     setup=lambda d: os.makedirs(d + "/hub/models--org--tiny/refs/main"), expect="err")
case("hub-cache-ref-huge-sparse", 9, {}, ["org/tiny"], env=HUBENV, setup=sparse("hub/models--org--tiny/refs/main", 4 << 30),
     expect="err")
case("hub-cache-snapshot-loop", 9, hub_files, ["org/tiny"], env=HUBENV,
     setup=lambda d: (os.makedirs(d + "/hub/models--org--tiny/snapshots/" + hub_commit),
                      os.symlink("config.json", d + "/hub/models--org--tiny/snapshots/" + hub_commit + "/config.json")),
     expect="err")
case("hub-token-file-huge", 9, hub_files, ["org/tiny"], env=dict(HUBENV, HF_TOKEN_PATH="{d}/tok"),
     setup=lambda d: (hub_setup({"config.json": CFG})(d), sparse("tok", 4 << 30)(d)), expect="ok")
case("hub-token-file-fifo", 9, hub_files, ["org/tiny"], env=dict(HUBENV, HF_TOKEN_PATH="{d}/tok"),
     setup=lambda d: (hub_setup({"config.json": CFG})(d), fifo("tok")(d)), expect="ok")
case("out-hub-token", 4, hub_files, ["org/tiny", "-o", "{d}/tok"], env=dict(HUBENV, HF_TOKEN_PATH="{d}/tok"),
     setup=lambda d: (hub_setup({"config.json": CFG})(d), open(d + "/tok", "w").write("hf_x")), expect="err")
case("out-relative-dotdot-input", 4, {"c/config.json": CFG}, ["c/../c/./config.json", "-o", "./c//config.json"], expect="err")
case("out-hardware-symlink-chain", 4, {"c/config.json": CFG, "hw.json": hw()},
     ["{d}/c/config.json", "--hardware-file", "{d}/l1", "-o", "{d}/hw.json"],
     setup=make_links([("sym", "{d}/l2", "{d}/l1"), ("sym", "hw.json", "{d}/l2")]), expect="err")
case("out-sweep-input", 4, {"config.json": CFG}, ["sweep", "{d}/config.json", "--seq-len", "1:4:+1", "-o", "{d}/config.json"], expect="err")
case("out-compare-second-input", 4, {"a.json": CFG, "b.json": CFG}, ["compare", "{d}/a.json", "{d}/b.json", "-o", "{d}/b.json"],
     expect="err")
case("out-compare-vs-hardware", 4, {"a.json": CFG, "hw.json": hw()},
     ["compare", "{d}/a.json", "--vs", "--hardware-file {d}/hw.json", "-o", "{d}/hw.json"], expect="err")
case("out-dir-config-scan", 4, {"m/config.json": CFG, "m/model.safetensors": safetensors(sf)}, ["{d}/m", "-o", "{d}/m/config.json"],
     expect="err")
case("out-gguf-beside-config", 4, {"m/x.gguf": gguf(llama_gguf_kvs(), llama_gguf_tensors())}, ["{d}/m/x.gguf", "-o", "{d}/m/x.gguf"],
     expect="err")
case("out-readonly-dir", 4, {"ro/config.json": CFG}, ["{d}/ro/config.json", "-o", "{d}/ro/out.txt"],
     setup=lambda d: os.chmod(d + "/ro", 0o555), expect="any")
case("out-stdin-dash", 4, {"c/config.json": CFG}, ["-", "-o", "-"], stdin="FILE:{d}/c/config.json", expect="any")

# ============================================================ wave 3: the slow-but-bounded cases of wave 2, now bounded in work
case("sweep-deepseek-train-4096", 5, {}, ["sweep", "deepseek-v3", "--mode", "train", "--seq-len", "1:4096:+1"], expect="err")
case("sweep-deepseek-train-33", 5, {}, ["sweep", "deepseek-v3", "--mode", "train", "--seq-len", "1:33:+1", "-f", "csv"], expect="ok")
case("sweep-llama-train-4096", 5, {}, ["sweep", "llama-3-8b", "--mode", "train", "--seq-len", "1:4096:+1"], expect="err")
case("compare-deepseek-train-2000-vs", 5, {}, ["compare", "deepseek-v3", "--mode", "train", "-f", "csv"]
     + [a for i in range(1, 2001) for a in ("--vs", "--seq-len %d" % i)], expect="err")
case("symbolic-deepseek-train", 5, {}, ["deepseek-v3", "--symbolic", "--mode", "train"])
case("onnx-initializers-2pow17", 6, {"m.onnx": lambda: model(graph(
    [node("Add", ["x", "x"], ["y"], "n")], [value_info("x", [4])], ["y"],
    [tensor_decl("w%d" % k, FLOAT, [4]) for k in range(1 << 17)]))}, ONNX, check=sane_totals)
case("onnx-repeated-fields-200mb", 6, {"m.onnx": lambda: b"\x08\x00" * (100 << 20)}, ONNX, expect="err")

# ============================================================ runner


def file_digest(p):
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        return ("link", os.readlink(p))
    if not stat.S_ISREG(st.st_mode):
        return ("other", st.st_mode)
    if st.st_size > (64 << 20):
        return ("big", st.st_size, st.st_mtime_ns, st.st_ino)
    try:
        with open(p, "rb") as f:
            return ("file", hashlib.sha256(f.read()).hexdigest(), st.st_ino, st.st_mode)
    except PermissionError:
        return ("unreadable", st.st_size, st.st_mtime_ns)


def snapshot(d):
    out = {}
    for root, dirs, files in os.walk(d):
        for n in files + [x for x in dirs if os.path.islink(os.path.join(root, x))]:
            p = os.path.join(root, n)
            out[p] = file_digest(p)
    return out


CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")


def run_case(c, cli, timeout):
    d = tempfile.mkdtemp(prefix="calflops-hostile-")
    try:
        for name, data in c["files"].items():
            data = data() if callable(data) else data  # large inputs are built when run
            p = os.path.join(d, name)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as f:
                f.write(data)
        if c["setup"]:
            c["setup"](d)
        before = snapshot(d)
        args = [a.replace("{d}", d) for a in c["args"]]
        env = dict(os.environ)
        env.pop("HF_TOKEN", None)
        for k, v in c["env"].items():
            env[k] = v.replace("{d}", d)
        stdin = subprocess.DEVNULL
        if isinstance(c["stdin"], bytes):
            stdin = subprocess.PIPE
        elif isinstance(c["stdin"], str) and c["stdin"].startswith("FILE:"):
            stdin = open(c["stdin"][5:].replace("{d}", d), "rb")
        start = time.monotonic()
        proc = subprocess.Popen([cli] + args, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                cwd=d, start_new_session=True)
        try:
            so, se = proc.communicate(c["stdin"] if isinstance(c["stdin"], bytes) else None, timeout=timeout * 5)
            killed = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            so, se = proc.communicate()
            killed = True
        elapsed = time.monotonic() - start
        # The CLI is this (forked) runner's first child, so RUSAGE_CHILDREN's peak is its own.
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        rss = ru.ru_maxrss * 1024
        cpu = ru.ru_utime + ru.ru_stime
        if not isinstance(stdin, int):
            stdin.close()
        after = snapshot(d)
        rc = proc.returncode
        problems = []
        if killed:
            problems.append(("hang", "killed after %.1f s" % elapsed))
        elif cpu > timeout:  # CPU seconds: wall time on a shared, loaded machine says little
            problems.append(("hang", "took %.2f CPU s (%.2f s wall)" % (cpu, elapsed)))
        if rc is not None and rc < 0 and not killed:
            problems.append(("crash", "signal %d" % -rc))
        if rc == 5:
            problems.append(("crash", "internal error"))
        if b"Sanitizer" in se or b"runtime error:" in se:
            problems.append(("crash", "sanitizer"))
        if rss > (1 << 30):
            problems.append(("memory", "%d MiB" % (rss >> 20)))
        m = CONTROL.search(so)
        if m:
            problems.append(("controls", "raw %r on stdout at %d" % (m.group(0), m.start())))
        for p, v in before.items():
            if after.get(p) != v and not (v and v[0] == "unreadable"):
                problems.append(("overwrite", "%s changed" % os.path.relpath(p, d)))
        for p in c["protect"]:
            p = p.replace("{d}", d)
            if before.get(p) != after.get(p):
                problems.append(("overwrite", "%s replaced" % p))
        if not killed and rc not in (None,) and rc > 0:
            lines = se.decode("utf-8", "replace").rstrip("\n").split("\n")
            if len(lines) != 1 or not lines[0].startswith("calflops: "):
                problems.append(("unclear", "stderr %r" % se[:300]))
            if so:
                problems.append(("unclear", "stdout written on error"))
            if c["expect"] == "ok":
                problems.append(("absurd", "error, expected a report: %s" % lines[0][:200]))
        if rc == 0:
            if c["expect"] == "err":
                problems.append(("absurd", "exit 0, expected an error"))
            elif c["check"]:
                why = c["check"](so.decode("utf-8", "replace"), d)
                if why:
                    problems.append(("absurd", why))
        return rc, elapsed, problems, se.decode("utf-8", "replace").strip()[:300]
    finally:
        subprocess.run(["chmod", "-R", "u+rwX", d], stderr=subprocess.DEVNULL)
        subprocess.run(["rm", "-rf", d])



def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", default=str(ROOT / "build" / "calflops"))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--timeout", type=float, default=2.0)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    cases = [c for c in CASES if (not a.quick or c["quick"]) and a.only in c["id"]]
    if a.list:
        for c in cases:
            print(c["cls"], c["id"])
        print(len(cases), "cases")
        return 0
    per_class = {}
    bad = 0
    # Each case runs in a fresh child; RUSAGE_CHILDREN's peak is per process tree, so run each
    # case through a small forked runner to get its own peak RSS.
    for c in cases:
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            rc, el, probs, err = run_case(c, a.cli, a.timeout)
            os.write(w, json.dumps([rc, el, probs, err]).encode())
            os._exit(0)
        os.close(w)
        data = b""
        while True:
            chunk = os.read(r, 65536)
            if not chunk:
                break
            data += chunk
        os.close(r)
        os.waitpid(pid, 0)
        rc, el, probs, err = json.loads(data)
        cls = per_class.setdefault(c["cls"], [0, 0])
        cls[0] += 1
        if probs:
            cls[1] += 1
            bad += 1
            print("FAIL %-60s rc=%s %.2fs %s | %s" % (c["id"][:60].encode("unicode_escape").decode(), rc, el,
                                                     "; ".join("%s: %s" % tuple(p) for p in probs), err[:200].encode("unicode_escape").decode()))
        elif a.verbose:
            print("ok   %-60s rc=%s %.2fs | %s" % (c["id"][:60].encode("unicode_escape").decode(), rc, el,
                                                  err[:160].encode("unicode_escape").decode()))
    print("class  cases  findings")
    for k in sorted(per_class):
        print("%5d  %5d  %8d" % (k, per_class[k][0], per_class[k][1]))
    print("total  %5d  %8d" % (len(cases), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

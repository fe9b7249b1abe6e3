"""The torch-dependent half of the API: argument handling as calflops does it, tracing, analysis."""

import inspect
import sys

import torch
import torch.nn as nn

from . import _core, _recorder
from . import Profile, flops_to_string, macs_to_string, params_to_string
from ._recorder import TraceError, UnsupportedOpsError


def generate_transformer_input(model_tokenizer, input_shape, device):
    if input_shape is None:
        input_shape = (1, 128)
    batch, seq = input_shape
    cols = {"input_ids": [], "attention_mask": [], "token_type_ids": [], "position_ids": []}
    pad = getattr(model_tokenizer, "pad_token_id", None) or 0
    for _ in range(batch):
        enc = model_tokenizer.encode_plus("", add_special_tokens=True)
        ids = list(enc["input_ids"])[:seq]
        n = len(ids)
        cols["input_ids"].append(ids + [pad] * (seq - n))
        cols["attention_mask"].append([1] * n + [0] * (seq - n))
        tt = list(enc.get("token_type_ids", [0] * n))[:seq]
        cols["token_type_ids"].append(tt + [0] * (seq - len(tt)))
        cols["position_ids"].append(list(range(seq)))
    return {k: torch.tensor(v, dtype=torch.long, device=device) for k, v in cols.items()}


def _first_param(model):
    for p in model.parameters():
        return p
    return None


class _ShapeInput:
    """calflops' input for input_shape: one uninitialised tensor of the parameters' dtype."""

    def __init__(self, shape, dtype):
        self.shape, self.dtype = shape, dtype

    def make(self, device):
        return torch.ones(()).new_empty(self.shape, dtype=self.dtype, device=device)


def _check_signature(model, args, kwargs, forward_mode):
    """Arguments that do not fit forward raise the TypeError the call itself would raise."""
    if forward_mode != "forward":
        return
    try:
        sig = inspect.signature(model.forward)
    except (TypeError, ValueError):
        return
    sig.bind(*args, **kwargs)


def _materialise(args, kwargs, device):
    args = [a.make(device) if isinstance(a, _ShapeInput) else a for a in args]
    return args, kwargs


def trace(model, args, kwargs, forward_mode, ignore_modules, mode):
    """Records the forward (meta tensors first, then real ones); returns (recorder, mode)."""
    if mode not in ("auto", "meta", "fake", "real"):
        raise ValueError("mode must be 'auto', 'meta', 'fake' or 'real', got %r" % (mode,))
    rec = _recorder.Recorder(model, ignore_modules)
    target = model.generate if forward_mode == "generate" else model
    p = _first_param(model)
    device = p.device if p is not None else torch.device("cpu")
    attempts = []
    for m in (("meta", "fake", "real") if mode == "auto" else (mode,)):
        if m != "meta" and device.type == "meta":
            continue  # an empty model has no real weights to fall back on
        try:
            if m == "meta":
                with _recorder.MetaWeights(model):
                    a, k = _materialise(args, kwargs, "meta")
                    a, k = _recorder.to_meta(a), _recorder.to_meta(k)
                    rec.run(lambda: target(*a, **k))
            elif m == "fake":
                with _recorder.FakeWeights(model) as fw:
                    a, k = _materialise(args, kwargs, device)
                    a, k = fw.convert(a), fw.convert(k)
                    with fw.mode:
                        rec.run(lambda: target(*a, **k))
            else:
                a, k = _materialise(args, kwargs, device)
                rec.run(lambda: target(*a, **k))
            return rec, m
        except Exception as e:  # noqa: BLE001 - reported below, with where it happened
            where = rec.failed_at
            attempts.append((m, e, where))
    parts = []
    for m, e, where in attempts:
        place = ""
        if where is not None:
            place = " in module %s (%s), op %s" % (rec.module_path(where[0]),
                                                   rec.tree[where[0]][2], where[1])
        parts.append("%s tensors%s: %s: %s" % (m, place, type(e).__name__, e))
    raise TraceError("the forward failed in every mode; " + "; ".join(parts)) from attempts[-1][1]


def _analyze(model, rec, convention, precision, unit, bp_factor, detailed, strict, forward_mode,
             batch, seq):
    if convention not in ("analytic", "calflops"):
        raise ValueError("convention must be 'analytic' or 'calflops', got %r" % (convention,))
    uncosted = rec.uncosted_list()
    if strict and uncosted:
        raise UnsupportedOpsError("ops with no cost rule: " + ", ".join(
            "%s x%d (%s)" % u for u in uncosted))
    p = _first_param(model)
    options = {"convention": convention, "precision": precision, "unit": unit,
               "bp_factor": float(bp_factor), "detailed": detailed,
               "model": type(model).__name__, "generate": forward_mode == "generate",
               "batch": batch, "seq_len": seq, "call_starts": rec.calls(),
               "dtype": str(p.dtype).replace("torch.", "") if p is not None else "float32"}
    return _core.analyze(rec.tree, rec.ops, uncosted, options)


def _workload(args, kwargs):
    """(batch, seq_len) for the report's workload: from the first input's leading dims."""
    x = None
    for a in list(args) + list(kwargs.values()):
        if isinstance(a, _ShapeInput):
            return a.shape[0] if a.shape else 1, a.shape[1] if len(a.shape) > 1 else 1
        if isinstance(a, torch.Tensor):
            x = a
            break
    if x is None or x.dim() == 0:
        return 1, 1
    return int(x.shape[0]), int(x.shape[1]) if x.dim() > 1 else 1


def _paths(rec):
    return [rec.module_path(i) if i else "" for i in range(len(rec.tree))]


def profile(model, input_shape, args, kwargs, forward_mode, convention, mode, strict,
            ignore_modules, precision, unit, bp_factor, detailed):
    if not isinstance(model, nn.Module):
        raise TypeError("model must be a torch.nn.Module, got %s" % type(model).__name__)
    if forward_mode not in ("forward", "generate"):
        raise NotImplementedError("forward_mode should be either forward or generate")
    if input_shape is not None:
        if args or kwargs:
            raise ValueError("give input_shape or args/kwargs, not both")
        p = _first_param(model)
        args = [_ShapeInput(tuple(input_shape), p.dtype if p is not None else torch.float32)]
    elif not args and not kwargs:
        raise ValueError("give input_shape, args or kwargs")
    model.eval()
    _check_signature(model, [0] * len(args), kwargs, forward_mode)
    rec, ran = trace(model, args, kwargs, forward_mode, ignore_modules, mode)
    batch, seq = _workload(args, kwargs)
    r = _analyze(model, rec, convention, precision, unit, bp_factor, detailed, strict,
                 forward_mode, batch, seq)
    return Profile(r, rec.tree, _paths(rec), ran, convention)


def calculate_flops(model, input_shape, transformer_tokenizer, args, kwargs, forward_mode,
                    include_backPropagation, compute_bp_factor, print_results, print_detailed,
                    output_as_string, output_precision, output_unit, ignore_modules, is_sparse,
                    convention, strict, mode):
    # calflops' checks, in its order and with its messages (calflops-spec.md section 1.1).
    assert isinstance(model, nn.Module), "model must be a PyTorch module"
    model.eval()
    is_transformer = "transformers" in str(type(model))
    p = _first_param(model)
    device = p.device if p is not None else torch.device("cpu")
    args, kwargs = list(args), dict(kwargs)
    if input_shape is not None:
        assert len(args) == 0 and len(kwargs) == 0, \
            "args and kwargs must be empty value if input_shape is not None, then will be " \
            "generate random input by inpust_shape"
        assert type(input_shape) is tuple, "input_shape must be a tuple"
        assert len(input_shape) >= 1, "input_shape must have at least one element"
        if transformer_tokenizer is None:
            assert is_transformer is False, \
                "the model is must not transformer model if input_shape is not None and " \
                "transformer_tokenizer is None"
            args = [_ShapeInput(input_shape, p.dtype if p is not None else torch.float32)]
        else:
            assert len(input_shape) == 2, \
                "the format of input_shape must be (batch_size, seq_len) if model is " \
                "transformers model and auto_generate_transformers_input if True"
            kwargs = generate_transformer_input(transformer_tokenizer, input_shape, device)
    else:
        assert transformer_tokenizer or (len(args) > 0 or len(kwargs) > 0), \
            "input_shape or args or kwargs one of there parameters must specified if " \
            "auto_generate_input is False"
        if transformer_tokenizer:
            kwargs = generate_transformer_input(transformer_tokenizer, None, device)
    if forward_mode not in ("forward", "generate"):
        raise NotImplementedError("forward_mode should be either forward or generate")
    _check_signature(model, args, kwargs, forward_mode)

    rec, ran = trace(model, args, kwargs, forward_mode, ignore_modules, mode)
    batch, seq = _workload(args, kwargs)
    r = _analyze(model, rec, convention, output_precision, output_unit, compute_bp_factor,
                 print_detailed, strict, forward_mode, batch, seq)
    flops, macs, params = int(r["flops"]), int(r["macs"]), int(r["params"])
    if is_sparse:
        flops, macs, params = _sparse(model, rec, r)
    if print_results:
        sys.stdout.write(r["text"])
    if include_backPropagation:
        flops = flops * (1 + compute_bp_factor)
        macs = macs * (1 + compute_bp_factor)
    if output_as_string:
        return (flops_to_string(flops, output_unit, output_precision),
                macs_to_string(macs, output_unit, output_precision),
                params_to_string(params, output_unit, output_precision))
    return flops, macs, params


def _sparse(model, rec, r):
    """calflops' is_sparse: params = non-zero trainable entries; each module's own MACs and FLOPs
    scaled by the non-zero fraction of its subtree's trainable parameters (a subtree without
    parameters keeps its counts: calflops divides by zero there)."""
    n = len(rec.tree)
    total = [0] * n
    nonzero = [0] * n
    for i, m in enumerate(rec.mods):
        seen = set()
        for q in m.parameters():
            if q.requires_grad and id(q) not in seen:
                seen.add(id(q))
                total[i] += q.numel()
                nonzero[i] += int(torch.count_nonzero(q)) if q.device.type != "meta" else q.numel()
    children = [[] for _ in range(n)]
    for i in range(1, n):
        children[rec.tree[i][0]].append(i)
    stats = [(int(p), int(mc), int(f)) for p, mc, f in r["modules"]]
    flops = macs = 0.0
    for i in range(n):
        own_m = stats[i][1] - sum(stats[c][1] for c in children[i])
        own_f = stats[i][2] - sum(stats[c][2] for c in children[i])
        frac = nonzero[i] / total[i] if total[i] else 1.0
        macs += own_m * frac
        flops += own_f * frac
    return flops, macs, nonzero[0]

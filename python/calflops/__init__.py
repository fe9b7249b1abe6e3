"""calflops: parameters, MACs and FLOPs of PyTorch modules, counted by the calflops C++ engine.

A drop-in for the Python tool calflops (github.com/MrYxJ/calculate-flops.pytorch): the same
``calculate_flops`` / ``calculate_flops_hf`` signatures, printed report and return values, plus
``convention="analytic"`` (default: every op counted) or ``"calflops"`` (calflops' numbers), and
``profile()`` for the whole analysis as an object. See docs/python.md.

Importing this package needs no torch; tracing a module does.
"""

import json as _json
import sys as _sys

from . import _core
from ._core import Error, flops_to_string, macs_to_string, number_to_string, params_to_string

__version__ = _core.version()

__all__ = [
    "calculate_flops", "calculate_flops_hf", "profile", "Profile", "Error", "TraceError",
    "UnsupportedOpsError", "number_to_string", "flops_to_string", "macs_to_string",
    "params_to_string", "bytes_to_string", "generate_transformer_input",
]


def bytes_to_string(b, units=None, precision=2):
    return number_to_string(b, units=units, precision=precision) + "B"


def __getattr__(name):  # torch-dependent names are imported on first use
    if name in ("TraceError", "UnsupportedOpsError"):
        from . import _recorder
        return getattr(_recorder, name)
    raise AttributeError("module 'calflops' has no attribute %r" % name)


class ModuleProfile:
    """One module of the tree: dotted path, class, and its subtree's params, MACs and FLOPs."""

    __slots__ = ("path", "class_name", "params", "macs", "flops")

    def __init__(self, path, class_name, params, macs, flops):
        self.path, self.class_name = path, class_name
        self.params, self.macs, self.flops = params, macs, flops

    def __repr__(self):
        return "ModuleProfile(%r, %s, params=%d, macs=%d, flops=%d)" % (
            self.path, self.class_name, self.params, self.macs, self.flops)


class Profile:
    """What profile() returns: totals, the module tree with per-module figures, the ops that could
    not be costed, the mode the forward ran in, and the reports of the CLI's writers."""

    def __init__(self, result, tree, paths, mode, convention):
        self._r = result
        self.mode = mode  # "meta" or "real": the tensors the forward ran on
        self.convention = convention
        self.params = int(result["params"])
        self.macs = int(result["macs"])
        self.flops = int(result["flops"])
        self.memory_bytes = int(result["memory_bytes"])
        self.unsupported = [tuple(u) for u in result["unsupported"]]
        # (label, macs, flops) per forward call of the root module: one for a forward,
        # one per step for generate ("call 0" is the prefill)
        self.calls = [(label, int(m), int(f)) for label, m, f in result["calls"]]
        self.modules = [ModuleProfile(paths[i], tree[i][2], int(p), int(m), int(f))
                        for i, (p, m, f) in enumerate(result["modules"])]

    def module(self, path):
        for m in self.modules:
            if m.path == path:
                return m
        raise KeyError(path)

    @property
    def formats(self):
        """The report formats the CLI has (its --format values)."""
        return sorted(self._r["formats"])

    def to(self, fmt):
        """The report in one of `formats`, written by the CLI's writer for it."""
        if fmt not in self._r["formats"]:
            raise ValueError("unknown format %r (expected one of %s)" % (fmt, ", ".join(self.formats)))
        return self._r["formats"][fmt]

    def to_text(self, estimates=True):
        """The calflops text report (with the memory line and sections when `estimates`)."""
        return self.to("text") if estimates else self._r["text"]

    def to_json(self):
        """The JSON report (docs/json-schema.md), exact integers."""
        return self.to("json")

    def to_dict(self):
        return _json.loads(self.to_json())

    def __repr__(self):
        return "Profile(params=%d, macs=%d, flops=%d, mode=%r, convention=%r)" % (
            self.params, self.macs, self.flops, self.mode, self.convention)


def profile(model, input_shape=None, args=(), kwargs=None, forward_mode="forward",
            convention="analytic", mode="auto", strict=False, ignore_modules=None,
            output_precision=2, output_unit=None, compute_bp_factor=2.0, print_detailed=True):
    """Traces `model` (an nn.Module) on `input_shape` or `args`/`kwargs` and returns a Profile.

    mode: "auto" (meta tensors, then the real weights if the forward fails on meta), "meta" or
    "real". strict: raise UnsupportedOpsError when some op has no cost rule.
    """
    from . import _api
    return _api.profile(model, input_shape, list(args), dict(kwargs or {}), forward_mode,
                        convention, mode, strict, ignore_modules, output_precision, output_unit,
                        compute_bp_factor, print_detailed)


def calculate_flops(model, input_shape=None, transformer_tokenizer=None, args=[], kwargs={},
                    forward_mode="forward", include_backPropagation=False, compute_bp_factor=2.0,
                    print_results=True, print_detailed=True, output_as_string=True,
                    output_precision=2, output_unit=None, ignore_modules=None, is_sparse=False,
                    convention="analytic", strict=False, mode="auto"):
    """calflops' calculate_flops: returns (flops, macs, params) and prints calflops' report.

    Extra keywords: convention ("analytic" | "calflops"), strict, mode ("auto" | "meta" | "real").
    """
    from . import _api
    return _api.calculate_flops(
        model, input_shape, transformer_tokenizer, args, kwargs, forward_mode,
        include_backPropagation, compute_bp_factor, print_results, print_detailed,
        output_as_string, output_precision, output_unit, ignore_modules, is_sparse, convention,
        strict, mode)


def calculate_flops_hf(model_name, empty_model=None, input_shape=None, trust_remote_code=True,
                       access_token="", forward_mode="forward", include_backPropagation=False,
                       compute_bp_factor=2.0, print_results=True, print_detailed=True,
                       output_as_string=True, output_precision=2, output_unit=None,
                       ignore_modules=None, return_results=False, convention="analytic",
                       model_class=None):
    """calflops' calculate_flops_hf, answered by the native config path (no transformers, no
    download): `model_name` is a bundled model, a config.json, a model directory or a Hub name
    in the local cache. input_shape = (batch, seq_len), default (1, 128).
    With an `empty_model` (an nn.Module) the module is traced instead, as calculate_flops does."""
    if empty_model is not None:
        shape = input_shape or (1, 128)
        import torch
        ids = torch.zeros(shape, dtype=torch.long)
        flops, macs, params = calculate_flops(
            empty_model, kwargs={"input_ids": ids}, forward_mode=forward_mode,
            include_backPropagation=include_backPropagation,
            compute_bp_factor=compute_bp_factor, print_results=print_results,
            print_detailed=print_detailed, output_as_string=output_as_string,
            output_precision=output_precision, output_unit=output_unit,
            ignore_modules=ignore_modules, convention=convention)
        return (flops, macs, params, None) if return_results else (flops, macs, params)
    if input_shape is not None:
        assert type(input_shape) is tuple and len(input_shape) == 2, \
            "input_shape must be a tuple (batch_size, seq_len)"
    batch, seq = input_shape or (1, 128)
    if forward_mode not in ("forward", "generate"):
        raise NotImplementedError("forward_mode should be either forward or generate")
    r = _core.analyze_native({
        "model": model_name, "batch": batch, "seq_len": seq, "convention": convention,
        "precision": output_precision, "unit": output_unit, "bp_factor": compute_bp_factor,
        "detailed": print_detailed, "model_class": model_class,
        "mode": forward_mode, "prompt_tokens": seq if forward_mode == "generate" else None})
    text = r["report"]
    if print_results:
        _sys.stdout.write(text)
    flops, macs, params = int(r["flops"]), int(r["macs"]), int(r["params"])
    if include_backPropagation:
        flops, macs = flops * (1 + compute_bp_factor), macs * (1 + compute_bp_factor)
    if output_as_string:
        flops = flops_to_string(flops, output_unit, output_precision)
        macs = macs_to_string(macs, output_unit, output_precision)
        params = params_to_string(params, output_unit, output_precision)
    return (flops, macs, params, text) if return_results else (flops, macs, params)


def generate_transformer_input(model_tokenizer, input_shape, device):
    """calflops' inputs for a transformers model: per row the tokenised empty string (special
    tokens only) padded to seq_len; a dict of LongTensors (batch, seq_len)."""
    from . import _api
    return _api.generate_transformer_input(model_tokenizer, input_shape, device)

"""Records a live torch module: its module tree and every torch call its forward makes.

How it sees the model (works in torch 1.13 and 2.x; only APIs present in both are used):
  * the tree from named_modules(): registration order, class names, extra_repr, own parameters
    (a parameter object shared by several modules is one tensor: tied weights count once);
  * a torch.overrides.TorchFunctionMode sees every torch-level call (torch.nn.functional, torch.*,
    Tensor methods, Python operators on tensors) with its arguments and result; a global module
    forward pre-hook / hook pair (torch.nn.modules.module.register_module_forward_pre_hook) keeps
    the stack of running modules, so each call is charged to the innermost one;
  * by default the parameters and buffers are swapped in place for meta tensors (no weight
    memory, no compute) and restored afterwards; when the forward fails on meta tensors it runs
    again on fake tensors (CPU tensors the forward creates itself mix in), then on the real
    weights (an op with no meta kernel, data-dependent control flow).
"""

import dis
import os
import sys
import types

import torch
import torch.nn as nn

from . import _lowering

_TORCH2 = int(torch.__version__.split(".")[0]) >= 2


class TraceError(RuntimeError):
    """The forward failed in every mode; names the module and the torch call that failed."""


class UnsupportedOpsError(RuntimeError):
    """strict=True and some ops have no cost rule."""


# --- the module tree ------------------------------------------------------------------------------
def _custom_repr(m):
    return type(m).__repr__ is not nn.Module.__repr__


def module_tree(model):
    """[(parent, name, class_name, extra_repr, is_module_list, custom_repr, params)], the modules
    by id, and index of each module object."""
    records, mods, index = [], [], {}
    parents = {}
    for path, m in model.named_modules():
        if id(m) in index:
            continue
        idx = len(records)
        index[id(m)] = idx
        mods.append(m)
        parent = -1 if idx == 0 else index[id(parents[path])]
        for name, child in m._modules.items():
            if child is not None:
                parents[(path + "." if path else "") + name] = m
        name = path.rsplit(".", 1)[-1] if path else ""
        custom = _custom_repr(m)
        if custom:
            r = repr(m)
            prefix = type(m).__name__ + "("
            extra = r[len(prefix):-1] if r.startswith(prefix) and r.endswith(")") else r
        else:
            extra = m.extra_repr()
        params = []
        for pname, p in m._parameters.items():
            if p is None:
                continue
            params.append((pname, tuple(int(d) for d in p.shape), _lowering.dtype_name(p), id(p),
                           bool(p.requires_grad)))
        records.append((parent, name, type(m).__name__, extra,
                        _TORCH2 and isinstance(m, nn.ModuleList), custom, params))
    return records, mods, index


# --- meta swapping --------------------------------------------------------------------------------
class MetaWeights:
    """Swaps every parameter and buffer for a meta tensor of the same shape and dtype, in place;
    restores the originals on exit. Tied parameters stay tied."""

    def __init__(self, model):
        self.model = model
        self.saved = []

    def __enter__(self):
        memo = {}
        for m in self.model.modules():
            for store in (m._parameters, m._buffers):
                for k, t in list(store.items()):
                    if t is None or t.device.type == "meta":
                        continue
                    new = memo.get(id(t))
                    if new is None:
                        new = torch.empty_like(t, device="meta")
                        if isinstance(t, nn.Parameter):
                            new = nn.Parameter(new, requires_grad=t.requires_grad)
                        memo[id(t)] = new
                    self.saved.append((store, k, t))
                    store[k] = new
        self._refresh()
        return self

    def __exit__(self, *exc):
        for store, k, t in reversed(self.saved):
            store[k] = t
        self.saved = []
        self._refresh()
        return False

    def _refresh(self):
        for m in self.model.modules():
            # RNNs keep their own list of the weight tensors (no _init_flat_weights in 1.13).
            if isinstance(m, nn.RNNBase) and hasattr(m, "_flat_weights_names"):
                m._flat_weights = [getattr(m, n, None) for n in m._flat_weights_names]


class FakeWeights(MetaWeights):
    """The same swap with fake tensors (torch._subclasses.fake_tensor, 1.13 and 2.x): shapes and
    devices as the real ones, meta storage underneath. Used when the meta run fails because the
    forward mixes in tensors it creates on the CPU (torch.arange(n) without a device)."""

    def __init__(self, model):
        super().__init__(model)
        from torch._subclasses.fake_tensor import FakeTensorMode
        self.mode = FakeTensorMode()

    def __enter__(self):
        memo = {}
        for m in self.model.modules():
            for store in (m._parameters, m._buffers):
                for k, t in list(store.items()):
                    if t is None:
                        continue
                    new = memo.get(id(t))
                    if new is None:
                        new = memo[id(t)] = self.mode.from_tensor(t)
                    self.saved.append((store, k, t))
                    store[k] = new
        self._refresh()
        return self

    def convert(self, x):
        if isinstance(x, torch.Tensor):
            return self.mode.from_tensor(x)
        if isinstance(x, (list, tuple)):
            return type(x)(self.convert(y) for y in x)
        if isinstance(x, dict):
            return {k: self.convert(v) for k, v in x.items()}
        return x


def to_meta(x):
    if isinstance(x, torch.Tensor):
        return x if x.device.type == "meta" else torch.empty_like(x, device="meta")
    if isinstance(x, (list, tuple)):
        return type(x)(to_meta(y) for y in x)
    if isinstance(x, dict):
        return {k: to_meta(v) for k, v in x.items()}
    return x


# --- the recorder ----------------------------------------------------------------------------------
def _classify(func):
    """(key, rule, is_python) of a torch callable."""
    name = getattr(func, "__name__", None) or type(func).__name__
    if name in ("__get__", "__set__", "__delete__"):
        return ("Tensor." + name, _lowering.free, False)
    objclass = getattr(func, "__objclass__", None)
    mod = getattr(func, "__module__", None) or ""
    is_python = isinstance(func, types.FunctionType)
    if objclass is not None and objclass.__name__ in ("_TensorBase", "TensorBase", "Tensor"):
        key = "Tensor." + name
    elif mod == "torch._tensor":
        key = "Tensor." + name
    elif mod in ("torch.nn.functional", "torch._C._nn"):
        key = "F." + name
    elif mod.startswith("torch"):
        key = "torch." + name
    else:
        key = mod + "." + name
    return key, _lowering.RULES.get(key), is_python


_OPERATOR_CHECKED = {"Tensor.add", "Tensor.mul", "Tensor.matmul", "Tensor.sub", "Tensor.div"}
_SKIP_DIRS = (os.path.dirname(os.path.abspath(__file__)),
              os.path.dirname(os.path.abspath(torch.overrides.__file__)))


def _called_by_operator():
    """True when the torch call came from a Python operator (a + b, a += b, a @ b): torch hands
    the mode the same Tensor.add for `a + b` and `a.add(b)`, so the caller's bytecode tells."""
    f = sys._getframe(2)
    while f is not None and os.path.dirname(os.path.abspath(f.f_code.co_filename)) in _SKIP_DIRS:
        f = f.f_back
    if f is None or f.f_lasti < 0:
        return False
    op = dis.opname[f.f_code.co_code[f.f_lasti]]
    return op.startswith("BINARY_") or op.startswith("INPLACE_")


class _Mode(torch.overrides.TorchFunctionMode):
    def __init__(self, recorder):
        super().__init__()
        self.recorder = recorder

    def __torch_function__(self, func, types_, args=(), kwargs=None):
        return self.recorder.on_call(self, func, args, kwargs or {})


class Recorder:
    def __init__(self, model, ignore_types=()):
        self.model = model
        self.tree, self.mods, self.index = module_tree(model)
        self.ignore_types = tuple(ignore_types or ())
        self.cache = {}
        self.reset()

    def reset(self):
        self.stack = [0]
        self.ops = []
        self.call_starts = []  # first op of each forward call of the root (generate: per step)
        self.uncosted = {}
        self.failed_at = None

    # module stack (global hooks: one registration, whatever the model's size)
    def _pre(self, module, inputs):
        idx = self.index.get(id(module))
        if idx is None or (self.ignore_types and type(module) in self.ignore_types):
            idx = self.stack[-1]
        elif idx == 0 and len(self.stack) == 1:
            self.call_starts.append(len(self.ops))
        self.stack.append(idx)

    def _post(self, module, inputs, output):
        if len(self.stack) > 1:
            self.stack.pop()

    def on_call(self, mode, func, args, kwargs):
        """One torch call: run it (the mode is suspended meanwhile, so calls inside it are not
        seen again), then lower it to Op records charged to the innermost running module."""
        info = self.cache.get(func)
        if info is None:
            info = self.cache[func] = _classify(func)
        key, rule, is_python = info
        try:
            result = func(*args, **kwargs)
        except Exception:
            if self.failed_at is None:  # the innermost failing call: named in TraceError
                self.failed_at = (self.stack[-1], key)
            raise
        if rule is _lowering.free:
            return result
        module = self.stack[-1]
        if rule is None:
            # Never a silent zero. A Python-level composite is entered by torch with the mode
            # suspended, so the calls inside it cannot be seen one by one either.
            self._uncosted(key, "no cost rule (composite)" if is_python else "no cost rule")
            return result
        captured = False
        if key in _lowering.CALFLOPS_PATCHED:
            m = self.mods[module]
            captured = any(v is func for v in vars(m).values())
            if key in _OPERATOR_CHECKED and _called_by_operator():
                key = key.replace("Tensor.", "Tensor.__") + "__"  # unseen by calflops
        c = _lowering.Call(key, args, kwargs, result, _lowering.call_form(key, captured))
        try:
            rule(c)
        except _lowering.Unsupported as e:
            self._uncosted(key, str(e))
            return result
        except Exception as e:  # a rule that cannot read these arguments: listed, never zero
            self._uncosted(key, "arguments not understood (%s)" % type(e).__name__)
            return result
        for op in c.ops:
            self.ops.append((module,) + op)
        return result

    def _uncosted(self, key, reason):
        k = (key, reason)
        self.uncosted[k] = self.uncosted.get(k, 0) + 1

    def run(self, fn):
        """Runs fn() with the hooks and the mode installed; returns its result."""
        self.reset()
        hooks = [nn.modules.module.register_module_forward_pre_hook(self._pre),
                 nn.modules.module.register_module_forward_hook(self._post)]
        try:
            with _Mode(self):
                return fn()
        finally:
            for h in hooks:
                h.remove()

    def module_path(self, idx):
        parts = []
        while idx > 0:
            parent, name = self.tree[idx][0], self.tree[idx][1]
            parts.append(name)
            idx = parent
        return ".".join(reversed(parts)) or "(root)"

    def calls(self):
        """Increasing op indices where the root's forward calls begin; the first is 0 (ops before
        the first call, e.g. generate()'s own set-up, belong to it)."""
        starts = [0]
        for s in self.call_starts[1:]:
            if s > starts[-1] and s <= len(self.ops):
                starts.append(s)
        return starts

    def uncosted_list(self):
        return [(k, n, r) for (k, r), n in sorted(self.uncosted.items())]

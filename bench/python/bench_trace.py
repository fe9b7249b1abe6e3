"""Tracing speed: this package (meta tensors) against the real calflops on the same modules,
side by side in one run: torchvision resnet50 (1x3x224x224) and a ~1.1B-parameter Llama-style
decoder (TinyLlama-1.1B's shape: hidden 2048, 22 layers, 32 heads / 4 KV heads, FFN 5632,
vocab 32000) at batch 1 x 128 tokens.

    PYTHONPATH=build/python python3 bench/python/bench_trace.py [/path/to/calculate-flops.pytorch]

Without a calflops checkout only our times are printed. Needs ~4.5 GB of memory for the
decoder's float32 weights (calflops runs the real forward on them).
"""

import importlib
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python", "tests"))


def best_of(n, fn):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        r = fn()
        times.append(time.perf_counter() - t)
    return min(times), r


def load_real_calflops(path):
    """The real calflops imported under another name, next to ours."""
    import calflops_reference  # noqa: F401  (its stub_imports)
    saved = {k: v for k, v in sys.modules.items() if k == "calflops" or k.startswith("calflops.")}
    for k in saved:
        del sys.modules[k]
    sys.path.insert(0, path)
    try:
        import transformers  # noqa: F401
    except ImportError:
        calflops_reference.stub_imports()
    real = importlib.import_module("calflops")
    sys.path.remove(path)
    for k in [k for k in sys.modules if k == "calflops" or k.startswith("calflops.")]:
        sys.modules["real_" + k] = sys.modules.pop(k)
    sys.modules.update(saved)
    return real


def main():
    sys.path.insert(0, HERE)
    import calflops
    import torchvision
    from test_llama_block import LlamaForCausalLM

    real = load_real_calflops(sys.argv[1]) if len(sys.argv) > 1 else None
    torch.manual_seed(0)
    cfg = {"hidden_size": 2048, "intermediate_size": 5632, "num_attention_heads": 32,
           "num_key_value_heads": 4, "num_hidden_layers": 22, "vocab_size": 32000,
           "rms_norm_eps": 1e-5, "rope_theta": 10000.0}
    cases = [
        ("resnet50", torchvision.models.resnet50(), {"input_shape": (1, 3, 224, 224)}),
        ("llama-1.1b", LlamaForCausalLM(cfg), {"args": [torch.zeros(1, 128, dtype=torch.long)]}),
    ]
    print("torch %s, %d threads" % (torch.__version__, torch.get_num_threads()))
    print("%-12s %8s %14s %14s %10s %10s %8s" % ("model", "params", "ours MACs", "calflops MACs",
                                                "ours s", "calflops s", "speedup"))
    for name, model, kw in cases:
        model.eval()
        t_ours, (f, m, p) = best_of(3, lambda: calflops.calculate_flops(
            model, print_results=False, output_as_string=False, **kw))
        t_real, rm = float("nan"), None
        if real is not None:
            t_real, (rf, rm, rp) = best_of(1, lambda: real.calculate_flops(
                model, print_results=False, output_as_string=False,
                **{k: list(v) if k == "args" else v for k, v in kw.items()}))
        print("%-12s %8s %14d %14s %10.3f %10.3f %8.1f" % (
            name, calflops.params_to_string(p), m, rm if rm is not None else "-", t_ours, t_real,
            t_real / t_ours))


if __name__ == "__main__":
    main()

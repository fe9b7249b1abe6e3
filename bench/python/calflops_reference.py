"""Runs the real calflops (a checkout of github.com/MrYxJ/calculate-flops.pytorch, never
committed here) on the modules our tests use, and prints (flops, macs, params) per module as
JSON. docs/python.md records the figures; python/tests assert them for convention="calflops".

    python3 bench/python/calflops_reference.py /path/to/calculate-flops.pytorch

calflops imports transformers, huggingface_hub and accelerate at import time; when they are not
installed, this script puts empty stand-ins for them on sys.path (calculate_flops needs none).
"""

import json
import os
import sys
import tempfile


def stub_imports():
    root = tempfile.mkdtemp()
    files = {
        "transformers/__init__.py": "class AutoTokenizer: pass\nclass AutoConfig: pass\nclass AutoModel: pass\n",
        "huggingface_hub/__init__.py": "def model_info(*a, **k): raise NotImplementedError\n",
        "huggingface_hub/utils/__init__.py": "class GatedRepoError(Exception): pass\nclass RepositoryNotFoundError(Exception): pass\n",
        "accelerate/__init__.py": "def init_empty_weights(*a, **k): raise NotImplementedError\n",
        "accelerate/utils/__init__.py": "def is_timm_available(): return False\ndef is_transformers_available(): return False\n",
    }
    for path, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
        with open(os.path.join(root, path), "w") as f:
            f.write(text)
    sys.path.append(root)


def cases():
    import torch
    import torchvision
    import torch.nn as nn
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python", "tests"))
    from test_modules import TiedLM, encoder

    torch.manual_seed(0)
    img = {"input_shape": (1, 3, 224, 224)}
    yield "resnet50", torchvision.models.resnet50(), img
    yield "mobilenet_v2", torchvision.models.mobilenet_v2(), img
    yield "vgg16", torchvision.models.vgg16(), img
    yield "vit_b_16", torchvision.models.vit_b_16(), img
    yield "transformer_encoder", encoder(), {"args": [torch.randn(2, 10, 64)]}
    yield "lstm_16_32", nn.LSTM(16, 32), {"args": [torch.randn(2, 8, 16)]}
    yield "gru_bi_batch_first", nn.GRU(16, 32, bidirectional=True, batch_first=True), \
        {"args": [torch.randn(2, 8, 16)]}
    yield "tied_lm", TiedLM(), {"args": [torch.zeros(2, 7, dtype=torch.long)]}
    yield "conv_relu", nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU()), \
        {"input_shape": (1, 3, 8, 8)}


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
    out = {"torch": torch.__version__, "calflops": os.path.abspath(calflops.__file__)}
    for name, model, kw in cases():
        f, m, p = calflops.calculate_flops(model, print_results=False, output_as_string=False, **kw)
        out[name] = [f, m, p]
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

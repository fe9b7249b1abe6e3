"""The analytic counts of a traced module equal the ONNX path's on the same module exported
(torch.onnx.export, offline): one cost table, two sources."""

import os
import warnings

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

import calflops  # noqa: E402
from calflops import _core  # noqa: E402


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(8 * 8 * 8, 10)
        self.ln = nn.LayerNorm(10)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv(x)))
        x = self.fc(x.flatten(1))
        return torch.softmax(self.ln(x) * 2 + 1, -1)


def test_traced_equals_onnx(tmp_path):
    torch.manual_seed(0)
    m = Net().eval()
    x = torch.randn(1, 3, 16, 16)
    traced = calflops.profile(m, args=[x])
    path = os.path.join(tmp_path, "net.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(m, (x,), path, opset_version=17)
    onnx = _core.analyze_native({"model": path})
    assert (traced.params, traced.macs, traced.flops) == \
        (int(onnx["params"]), int(onnx["macs"]), int(onnx["flops"]))
    # conv: 8 x 16 x 16 outputs x 27 MACs; fc: 512 x 10
    assert traced.macs == 8 * 16 * 16 * 27 + 512 * 10
    # per module too: the ONNX reader rebuilds the tree from the exporter's scopes
    for name in ("conv", "pool", "fc", "ln"):
        line = [l for l in onnx["report"].splitlines() if l.startswith("  (%s): " % name)][0]
        mine = [l for l in traced.to_text(False).splitlines() if l.startswith("  (%s): " % name)][0]
        assert line.rstrip(")").split(", ")[:3] == mine.split(", ")[:3]  # stats, not extra_repr

"""torchvision models: published parameter counts, MACs from calflops' own runs under torch 1.13
(calflops-spec.md section 3.3, reproduced by us: docs/python.md), attention written out."""

import pytest

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")

import calflops  # noqa: E402


def _run(model, **kw):
    return calflops.calculate_flops(model, input_shape=(1, 3, 224, 224), print_results=False,
                                    output_as_string=False, **kw)


@pytest.fixture(scope="module")
def resnet50():
    return torchvision.models.resnet50()


def test_resnet50_analytic(resnet50):
    flops, macs, params = _run(resnet50)
    assert params == 25_557_032          # torchvision's published count
    assert macs == 4_089_184_256         # every conv and the fc; nothing else multiplies-accumulates
    # Analytic FLOPs: 2 x MACs + the fc bias (1,000), conv has no bias; BN 4 per element + 2 per
    # channel, ReLU, max/avg pool windows and the 16 residual adds. At least 2 x MACs, and
    # more than calflops' 8,211,108,352, which misses the residual adds.
    assert flops > 8_211_108_352


def test_resnet50_calflops_convention(resnet50):
    flops, macs, params = _run(resnet50, convention="calflops")
    # calflops (GitHub HEAD 29ca584) run on this module under torch 1.13 (docs/python.md).
    assert (flops, macs, params) == (8_211_108_352, 4_089_184_256, 25_557_032)


def test_resnet50_strings_and_params_restored(resnet50):
    flops, macs, params = calflops.calculate_flops(resnet50, input_shape=(1, 3, 224, 224),
                                                   print_results=False, convention="calflops")
    assert (flops, macs, params) == ("8.21 GFLOPS", "4.09 GMACs", "25.56 M")
    assert all(p.device.type == "cpu" for p in resnet50.parameters())  # meta swap undone


def test_mobilenet_v2():
    m = torchvision.models.mobilenet_v2()
    flops, macs, params = _run(m)
    assert params == 3_504_872
    assert macs == 300_774_272
    cf = _run(m, convention="calflops")
    assert cf == (614_967_488, 300_774_272, 3_504_872)


def test_vgg16():
    m = torchvision.models.vgg16()
    flops, macs, params = _run(m)
    assert params == 138_357_544
    assert macs == 15_470_264_320
    assert _run(m, convention="calflops") == (30_973_778_432, 15_470_264_320, 138_357_544)


def test_vit_b_16():
    m = torchvision.models.vit_b_16()
    flops, macs, params = _run(m)
    assert params == 86_567_656
    linear_and_conv = 16_848_500_736  # calflops' MACs: the patch conv and every Linear
    # q k^T and attention x v per layer: 12 heads x 197 x 197 x 64, twice; 12 layers.
    attention = 12 * 2 * (12 * 197 * 197 * 64)
    assert macs == linear_and_conv + attention
    assert _run(m, convention="calflops") == (33_728_914_704, 16_848_500_736, 86_567_656)


def test_resnet50_report_matches_calflops(resnet50, capsys):
    """data/resnet50_calflops_head.txt is what calflops (GitHub HEAD 29ca584) printed for this
    call under torch 1.13 (bench/python/calflops_reference.py's setup). Identical line for line
    except the FLOPs percentages: HEAD divides each module's MACs by the total FLOPs there (the
    bug fixed in calflops 0.3.1), we print FLOPs / total FLOPs."""
    import os
    import re
    calflops.calculate_flops(resnet50, input_shape=(1, 3, 224, 224), convention="calflops")
    ours = capsys.readouterr().out
    with open(os.path.join(os.path.dirname(__file__), "data", "resnet50_calflops_head.txt")) as f:
        theirs = f.read()
    strip = lambda s: re.sub(r"[0-9.]+% FLOPs", "% FLOPs", s)  # noqa: E731
    assert strip(ours) == strip(theirs)
    assert len(ours.splitlines()) == 224
    assert "  (conv1): Conv2d(9.41 K = 0.04% Params, 118.01 MMACs = 2.89% MACs, " \
           "236.03 MFLOPS = 2.87% FLOPs, 3, 64, kernel_size=(7, 7)" in ours

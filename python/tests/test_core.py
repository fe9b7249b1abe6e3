"""calflops._core without torch: number formatting as calflops prints it, malformed records."""

import pytest

import calflops
from calflops import _core


def test_number_formatting_matches_calflops():
    # calflops-spec.md section 2.1 (values from calflops' own printing)
    assert calflops.flops_to_string(8_211_108_352) == "8.21 GFLOPS"
    assert calflops.macs_to_string(0) == "0 MACs"
    assert calflops.params_to_string(25_557_032) == "25.56 M"
    assert calflops.params_to_string(6.74e9) == "6.74 B"
    assert calflops.number_to_string(999_999) == "1000 K"
    assert calflops.bytes_to_string(2048) == "2.05 KB"


def _tree():
    return [(-1, "", "Linear", "", False, False, [("weight", (2, 3), "float32", 1, True)])]


def _op(module=0, kind="Linear", ins=((4, 3), (2, 3)), out=(4, 2)):
    return (module, _core.op_kinds()[kind], _core.call_forms()["functional"], "float32",
            [tuple(s) for s in ins], out, 0, 0)


def test_records_analysed():
    r = _core.analyze(_tree(), [_op()], [], {})
    assert (int(r["params"]), int(r["macs"]), int(r["flops"])) == (6, 4 * 3 * 2, 2 * 24)


@pytest.mark.parametrize("ops,message", [
    ([_op(module=3)], "module 3 is not in the module tree"),
    ([_op(ins=((4, 3), (2, 3), (1,), (1,)))], "more than 3 inputs"),
    ([_op(ins=((1,) * 9, (2, 3)))], "more than 8 dimensions"),
    ([_op(ins=((-1, 3), (2, 3)))], "negative dimension"),
    ([(0, 999, 0, "float32", [], (), 0, 0)], "op kind out of range"),
])
def test_bad_records_raise(ops, message):
    with pytest.raises(calflops.Error, match=message):
        _core.analyze(_tree(), ops, [], {})


def test_bad_tree_and_options():
    with pytest.raises(calflops.Error, match="parent"):
        _core.analyze(_tree() + [(5, "x", "ReLU", "", False, False, [])], [], [], {})
    with pytest.raises(calflops.Error, match="convention"):
        _core.analyze(_tree(), [], [], {"convention": "fvcore"})


def test_calculate_flops_hf_native_config_path(capsys):
    # The bundled Llama-3-8B config: 8,030,261,248 parameters (Meta's published count).
    flops, macs, params = calflops.calculate_flops_hf("llama-3-8b", print_results=False,
                                                      output_as_string=False)
    assert params == 8_030_261_248
    # every weight but the embedding table (128,256 x 4,096) multiplies each of the 128 tokens
    assert macs >= (params - 128_256 * 4_096) * 128
    flops, macs, params, text = calflops.calculate_flops_hf(
        "llama-3-8b", input_shape=(1, 64), return_results=True)
    assert params == "8.03 B"
    assert "Calculate Flops Results" in text and text == capsys.readouterr().out
    with pytest.raises(calflops.Error, match="no-such-model"):
        calflops.calculate_flops_hf("no-such-model", print_results=False)


def test_import_needs_no_torch():
    import subprocess
    import sys
    code = ("import sys; sys.modules['torch'] = None\n"  # any 'import torch' now fails
            "import calflops\n"
            "print(calflops.flops_to_string(8.21e9))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "8.21 GFLOPS"

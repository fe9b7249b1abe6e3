"""Hostile modules and arguments found by the third hostile campaign (scripts/hostile-campaign-3.py,
docs/hardening.md): each must raise a clear Python exception quickly or give the right counts,
never hang or take the interpreter down."""

import sys
import time

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

import calflops  # noqa: E402


def test_a_module_tree_deeper_than_the_limit_is_refused_quickly():
    # 3,000 nested nn.Sequential did not finish (every report format nests per level: the JSON
    # report of 700 levels was 23 MB); 100 levels are refused at once, 60 are counted.
    def nest(n):
        m = nn.Linear(2, 3)
        for _ in range(n):
            m = nn.Sequential(m)
        return m

    p = calflops.profile(nest(60), input_shape=(1, 2))
    assert (p.params, p.macs) == (2 * 3 + 3, 2 * 3)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(20000)
    try:
        start = time.process_time()
        with pytest.raises(calflops.Error, match="nests deeper than 64 levels"):
            calflops.profile(nest(1000), input_shape=(1, 2))
        assert time.process_time() - start < 10
    finally:
        sys.setrecursionlimit(old)


@pytest.mark.parametrize("kw, flag", [
    ({"output_precision": 10**9}, "--precision"),  # formatted a billion decimals: 5 GB, killed
    ({"output_precision": -1}, "--precision"),
    ({"output_unit": "Q"}, "--unit"),
    ({"compute_bp_factor": float("nan")}, "--bp-factor"),  # printed "nan" in the report
    ({"compute_bp_factor": -1}, "--bp-factor"),
])
def test_display_options_are_checked_as_the_cli_checks_them(kw, flag):
    with pytest.raises(calflops.Error, match="^" + flag + ": "):
        calflops.profile(nn.Linear(2, 3), input_shape=(1, 2), **kw)


def test_display_options_in_range_still_apply():
    p = calflops.profile(nn.Linear(2, 3), input_shape=(1, 2), output_precision=15, output_unit="K",
                         compute_bp_factor=0)
    assert (p.params, p.macs) == (2 * 3 + 3, 2 * 3)


def test_number_helpers_with_an_absurd_precision_return_at_once():
    start = time.process_time()
    assert calflops.number_to_string(5, precision=2_000_000_000) == "5 "
    assert calflops.number_to_string(123.0, precision=-2_000_000_000) == "0 "
    assert time.process_time() - start < 1

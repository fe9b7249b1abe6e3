#!/usr/bin/python3
"""Hostile-config mutation sweep: every key of every zoo config set to hostile values, run by the CLI.

For each zoo/*.json and each key path (top level and nested objects such as text_config,
vision_config, audio_config, rope_scaling, quantization_config, up to 3 levels), the key is set
to each hostile value (0, -1, 1, 2^31, 2^62, 2^64, -2^63, 0.5, 1e308, 1e-308, NaN, "NaN", "inf", a string, null, [], a list of
the wrong length, an object, true; absent) and, for a list of numbers, its first element to the
numeric ones (for a list of strings, to "abc", "", 0 and null). The release CLI runs on the mutated file under a timeout and an address
space limit (RLIMIT_AS), first in the default mode with --format json; when that succeeds, also
in text format, with --hardware h100-sxm, in --mode generate -p 8 -n 4 and --mode train (with
and without the hardware). Each run is classified:

  bug      a signal, a timeout (rerun with 5x the limit to tell slow from hung), out of memory,
           exit 5 (internal), or stdout on an error
  suspect  exit 0 with a nonsense report: params <= 0 where the original has weights, MACs 0
           where the original has some, a negative or non-numeric count, NaN/inf in the text
  unclear  an error that is not one line "calflops: <file>: ..." naming the file and a key
  ok       everything else (errors naming another key than the mutated one are counted apart)

Standard library only. Run it niced, one process at a time (see fuzz/README.md):

  nice scripts/config-mutation-sweep.py                      # the whole zoo (~20k mutations)
  nice scripts/config-mutation-sweep.py --only llama-3-8b --values quick
  nice scripts/config-mutation-sweep.py --jsonl /tmp/sweep.jsonl   # every finding, one a line

Exit status: 1 when any bug, suspect or unclear run was found (0 otherwise).
"""

import argparse
import copy
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ABSENT = object()

# (label, value) pairs; a callable value builds the value from the original one.
NUMERIC = [
    ("0", 0),
    ("-1", -1),
    ("1", 1),
    ("2^31", 2**31),
    ("2^62", 2**62),
    ("1e308", 1e308),
    ("NaN", float("nan")),
]


def wrong_length(orig):
    if isinstance(orig, list) and orig:
        return orig[:-1] if len(orig) > 1 else orig + orig
    return [1, 2, 3]


VALUES = NUMERIC + [
    ('"NaN"', "NaN"),
    ('"inf"', "inf"),
    ('"abc"', "abc"),
    ("null", None),
    ("[]", []),
    ("wrong-length list", wrong_length),
    ("object", {"a": 1}),
    ("true", True),
    ("absent", ABSENT),
]
# Added after the first sweep: beyond int64, fractions, denormals, strings inside lists.
EXTRA = [("2^64", 2**64), ("-2^63", -2**63), ("0.5", 0.5), ("1e-308", 1e-308)]
VALUES += EXTRA
STRING_ELEMENTS = [('elem "abc"', "abc"), ("elem 0", 0), ("elem null", None), ('elem ""', "")]
QUICK = {"0", "-1", "1", "2^62", "NaN", '"abc"', "null", "wrong-length list", "true"}

MODES = [
    # (label, args, format): the first is the gate, the rest run only when it succeeds.
    ("default-json", [], "json"),
    ("default-text", [], "text"),
    ("default-hw", ["--hardware", "h100-sxm"], "json"),
    ("generate", ["--mode", "generate", "-p", "8", "-n", "4"], "json"),
    ("generate-hw", ["--mode", "generate", "-p", "8", "-n", "4", "--hardware", "h100-sxm"], "text"),
    ("train", ["--mode", "train"], "json"),
    ("train-hw", ["--mode", "train", "--hardware", "h100-sxm"], "json"),
]

# A mutation that leaves the default report unchanged (a key the forward pass does not read)
# runs only in these modes too: generation and training read the rest (positions, caches).
UNREAD_MODES = {"generate", "train-hw"}


def key_paths(d, prefix=(), depth=3):
    for k, v in d.items():
        yield prefix + (k,)
        if isinstance(v, dict) and len(prefix) + 1 < depth:
            yield from key_paths(v, prefix + (k,), depth)


def get_path(d, path):
    for k in path:
        d = d[k]
    return d


def set_path(d, path, value):
    for k in path[:-1]:
        d = d[k]
    if value is ABSENT:
        del d[path[-1]]
    else:
        d[path[-1]] = value


def mutations(cfg, value_filter):
    """Yields (key path string, value label, mutated config)."""
    for path in key_paths(cfg):
        orig = get_path(cfg, path)
        dotted = ".".join(path)
        for label, value in VALUES:
            if value_filter and label not in value_filter:
                continue
            v = value(orig) if callable(value) else value
            if v is not ABSENT and type(v) is type(orig) and v == orig:
                continue
            m = copy.deepcopy(cfg)
            set_path(m, path, v if v is ABSENT else copy.deepcopy(v))
            yield dotted, label, m
        # The first element of a list of numbers (mrope_section, layer indexes, pinpoints...).
        if isinstance(orig, list) and orig and all(isinstance(e, (int, float)) for e in orig):
            for label, value in NUMERIC:
                if value_filter and label not in value_filter:
                    continue
                m = copy.deepcopy(cfg)
                get_path(m, path)[0] = value
                yield dotted + "[0]", label, m
        # The first element of a list of strings (architectures, layer_types, ...).
        if isinstance(orig, list) and orig and all(isinstance(e, str) for e in orig):
            for label, value in STRING_ELEMENTS:
                if value_filter and label not in value_filter:
                    continue
                m = copy.deepcopy(cfg)
                get_path(m, path)[0] = value
                yield dotted + "[0]", label, m


def limit_memory(mib):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (mib << 20, mib << 20))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def run(binary, path, args, fmt, timeout, mib):
    cmd = [binary, path, *args] + (["--format", fmt] if fmt != "text" else [])
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout,
                           preexec_fn=limit_memory(mib))
    except subprocess.TimeoutExpired:
        return None, b"", b"", time.monotonic() - start
    return p.returncode, p.stdout, p.stderr, time.monotonic() - start


def numbers(x, prefix=""):
    """Yields (path, value) for every scalar under the report's summary sections."""
    if isinstance(x, dict):
        for k, v in x.items():
            if k in ("modules", "children", "ops", "steps"):
                continue
            yield from numbers(v, prefix + "." + k)
    elif isinstance(x, list):
        for i, v in enumerate(x[:64]):
            yield from numbers(v, f"{prefix}[{i}]")
    else:
        yield prefix, x


def nonsense(stdout, fmt, baseline):
    """Why an exit-0 report is nonsense, or None."""
    text = stdout.decode("utf-8", "replace")
    if fmt == "text":
        for word in (" nan", " inf", "-nan", "inf%", "nan%"):
            if word in text.lower():
                return f"text report shows '{word.strip()}'"
        return None
    try:
        rep = json.loads(text)
    except ValueError as e:
        return f"json report does not parse: {e}"
    total = rep.get("total", {})
    params = total.get("params")
    if baseline.get("params", 0) > 0 and (not isinstance(params, int) or params <= 0):
        return f"params {params} where the original has {baseline['params']}"
    macs = total.get("macs")
    if baseline.get("macs", 0) > 0 and isinstance(macs, int) and macs <= 0:
        return f"macs {macs} where the original has {baseline['macs']}"
    for section in ("total", "calls", "bytes", "memory", "latency", "workload"):
        for where, v in numbers(rep.get(section, {}), section):
            if isinstance(v, bool) or v is None:
                if v is None and baseline.get("numeric", {}).get(where):
                    return f"{where} is null (NaN or inf)"
                continue
            if isinstance(v, (int, float)) and (v < 0 or (isinstance(v, float) and
                                                          not math.isfinite(v))):
                return f"{where} = {v}"
    return None


def classify_error(code, stdout, stderr, file_name, key):
    """file_name: the path as given to the CLI."""
    err = stderr.decode("utf-8", "replace")
    if code == 5:
        return "bug", "internal error (exit 5): " + err.strip()[:300]
    if stdout:
        return "bug", "an error printed a report on stdout"
    lines = err.rstrip("\n").split("\n")
    if len(lines) != 1 or not err.endswith("\n"):
        return "unclear", f"{len(lines)} lines: " + err.strip()[:300]
    line = lines[0]
    if not line.startswith("calflops: ") or file_name not in line:
        return "unclear", "no file name: " + line[:300]
    if "key '" not in line and "'" + key.split("[")[0].split(".")[-1] not in line and \
            ", column " not in line and ": parameter '" not in line:
        return "unclear", "no key: " + line[:300]
    leaf = key.split("[")[0]
    if f"key '{leaf}'" in line or f"key '{leaf}." in line or f"'{leaf.split('.')[-1]}" in line:
        return "ok", "names the key"
    return "ok-other-key", line[:300]


def baseline_for(binary, path, args, fmt, timeout, mib):
    code, out, err, _ = run(binary, path, args, fmt, timeout * 5, mib)
    if code != 0:
        return None
    if fmt != "json":
        return {"text": out}
    rep = json.loads(out)
    b = {"json": out, "params": rep.get("total", {}).get("params", 0),
         "macs": rep.get("total", {}).get("macs", 0), "numeric": {}}
    for section in ("total", "calls", "bytes", "memory", "latency", "workload"):
        for where, v in numbers(rep.get(section, {}), section):
            b["numeric"][where] = isinstance(v, (int, float)) and not isinstance(v, bool)
    return b


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--calflops", default=str(ROOT / "build" / "calflops"))
    ap.add_argument("--zoo", default=str(ROOT / "zoo"))
    ap.add_argument("--only", nargs="*", help="zoo names (without .json)")
    ap.add_argument("--values", choices=["all", "quick", "extra"], default="all",
                    help="quick: 9 values (for ctest); extra: only the values added last")
    ap.add_argument("--gate-only", action="store_true",
                    help="run only the default mode (no generate/train/hardware/text runs)")
    ap.add_argument("--timeout", type=float, default=2.0, help="seconds per run")
    ap.add_argument("--mem-mib", type=int, default=1024, help="address space limit per run")
    ap.add_argument("--jsonl", help="write every finding (bug, suspect, unclear) here")
    ap.add_argument("--max-seconds", type=float, default=0, help="stop after this long")
    a = ap.parse_args()

    value_filter = {"quick": QUICK, "extra": {label for label, _ in EXTRA + STRING_ELEMENTS}}.get(a.values)
    files = sorted(Path(a.zoo).glob("*.json"))
    if a.only:
        files = [Path(a.zoo) / (name + ".json") for name in a.only]  # in the order given
    counts = {}
    by_class = {}
    runs = 0
    findings = []
    t0 = time.monotonic()
    sink = open(a.jsonl, "w") if a.jsonl else None
    tmp = Path(tempfile.mkdtemp(prefix="calflops-sweep-"))

    def record(cls, zoo, key, label, mode, detail):
        counts[cls] = counts.get(cls, 0) + 1
        if cls in ("bug", "suspect", "unclear"):
            f = {"class": cls, "zoo": zoo, "key": key, "value": label, "mode": mode,
                 "detail": detail}
            findings.append(f)
            by_class.setdefault((cls, key.split(".")[-1].split("[")[0], detail[:60]), f)
            if sink:
                sink.write(json.dumps(f) + "\n")
                sink.flush()

    modes = MODES[:1] if a.gate_only else MODES
    stopped = False
    for zoo in files:
        cfg = json.loads(zoo.read_text())
        # The mutated file keeps the zoo name, so an error must name it.
        target = tmp / zoo.name
        baselines = {}
        target.write_text(zoo.read_text())
        for label, args, fmt in modes:
            baselines[label] = baseline_for(a.calflops, str(target), args, fmt, a.timeout,
                                            a.mem_mib)
        if baselines["default-json"] is None:
            print(f"{zoo.name}: the original does not run; skipped", file=sys.stderr)
            continue
        for key, label, mutated in mutations(cfg, value_filter):
            if a.max_seconds and time.monotonic() - t0 > a.max_seconds:
                stopped = True
                break
            target.write_text(json.dumps(mutated))  # NaN is written as NaN, as Python's json does
            unread = False
            for mode, args, fmt in modes:
                if baselines.get(mode) is None and mode != "default-json":
                    continue  # the original does not run in this mode (an encoder generating)
                if unread and mode not in UNREAD_MODES:
                    continue
                code, out, err, secs = run(a.calflops, str(target), args, fmt, a.timeout,
                                           a.mem_mib)
                runs += 1
                if code is None:
                    code2, _, _, secs2 = run(a.calflops, str(target), args, fmt, a.timeout * 5,
                                             a.mem_mib)
                    runs += 1
                    what = "hang (no exit in %.0f s)" % (a.timeout * 5) if code2 is None else \
                        "slow: %.1f s" % secs2
                    record("bug", zoo.stem, key, label, mode, "timeout: " + what)
                    break
                if code < 0:
                    oom = b"bad_alloc" in err or b"memory" in err
                    record("bug", zoo.stem, key, label, mode,
                           ("out of memory" if oom else "signal %d" % -code) + ": " +
                           err.decode("utf-8", "replace").strip()[-200:])
                    break
                if code != 0:
                    cls, detail = classify_error(code, out, err, str(target), key)
                    if b"bad_alloc" in err or b"std::" in err:
                        cls, detail = "bug", "out of memory or exception: " + detail
                    record(cls, zoo.stem, key, label, mode, detail)
                    break
                why = nonsense(out, fmt, baselines[mode])
                if why:
                    record("suspect", zoo.stem, key, label, mode, why)
                    break
                # Unchanged by the mutation in the default mode: the key is not read there, so
                # the other modes are run only when they could read it.
                if mode == "default-json" and out == baselines[mode]["json"]:
                    counts["unread-in-forward"] = counts.get("unread-in-forward", 0) + 1
                    unread = True
                record("ok", zoo.stem, key, label, mode, "")
        if stopped:
            break
        print(f"{zoo.name}: done, {runs} runs so far, {time.monotonic() - t0:.0f} s",
              file=sys.stderr, flush=True)

    shutil.rmtree(tmp, ignore_errors=True)
    print(f"runs: {runs} ({time.monotonic() - t0:.0f} s){' (stopped at --max-seconds)' if stopped else ''}")
    for cls in sorted(counts):
        print(f"  {cls}: {counts[cls]}")
    print(f"distinct findings (class, key, detail): {len(by_class)}")
    for (cls, key, _), f in sorted(by_class.items()):
        print(f"  [{cls}] {f['zoo']} {f['key']}={f['value']} ({f['mode']}): {f['detail']}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())

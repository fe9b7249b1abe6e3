#!/usr/bin/python3
"""Mutation testing of the op cost table (src/ops/<family>.cc).

For each formula it applies small mutations, one at a time: an integer constant +1 and -1, an
operator swap (+ <-> -, * -> +, / -> *) and a dropped term (`+ x` or `- x` removed), then
rebuilds the op tests against the mutant and runs them. A mutant the tests still pass is a
survivor: a formula change no test would notice. Before a change to the op table lands, run it
and kill every survivor with a test (docs/cost-model.md, "Where each formula is proven").

    scripts/mutate-ops.py [--build build] [--scratch DIR] [--scope analytic|calflops|all]
                          [--files contraction,spatial] [--limit N] [--report FILE]

It reads the current build (build/: libcalflops.a and the test objects, so build
calflops_tests first) and never writes to the worktree: sources and objects are snapshotted into
the scratch directory, a mutant is compiled there (-O1, ccache when present, under nice) and
linked with the op tests only (src/ops/*_test.cc, tests/op_proofs/, the reference they use);
the mutant object replaces the family's member of libcalflops.a because it defines the same
symbols. One mutant at a time (the machine's cores are shared). A mutant that does not compile
is not counted. Slow: about 5-15 s a mutant.

--scope analytic   the forward formulas (.analytic) and the functions they call
--scope calflops   the calflops rules (.calflops) and the functions they call
--scope all        every formula of the file: also bytes moved and backward (default)
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time

FAMILIES = ["contraction", "elementwise", "reduction", "normalization", "attention",
            "data_movement", "spatial", "recurrent", "state_space"]
TEST_OBJECTS = [r"src/ops/.*_test\.cc\.o$", r"tests/op_proofs/.*\.o$",
                r"tests/reference/(tensor|nn_ops|op_ref_.*)\.cc\.o$"]
GTEST_FILTER = "OpProof*:OpRegistry*:OpCosts*:EmptyTensors*:autograd_test*:traffic_test*"
CXX_FLAGS = ["-O1", "-DNDEBUG", "-fPIC", "-w", "-std=c++20"]


def sh(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


# ---- finding mutation sites ----

def strip_strings_and_comments(line):
    """The line with string literals and // comments blanked (same length)."""
    out, i, n = list(line), 0, len(line)
    while i < n:
        if line.startswith("//", i):
            for j in range(i, n):
                out[j] = " "
            break
        if line[i] == '"':
            j = i + 1
            while j < n and line[j] != '"':
                j += 2 if line[j] == "\\" else 1
            for k in range(i, min(j + 1, n)):
                out[k] = " "
            i = j + 1
            continue
        i += 1
    return "".join(out)


def functions(lines):
    """{name: (first line, last line)} of the top-level function definitions."""
    spans, name, start, depth = {}, None, 0, 0
    head = re.compile(r"^(?:template <[^>]*>\s*)?[A-Za-z_][\w:<>, ]*?\b([A-Z]\w*)\(.*\)\s*(const\s*)?\{")
    for i, raw in enumerate(lines):
        line = strip_strings_and_comments(raw)
        if re.match(r"\s*(namespace\b|}\s*//\s*namespace)", raw):
            continue  # namespace braces do not nest functions
        if depth == 0:
            m = head.match(line)
            if m:
                name, start = m.group(1), i
        depth += line.count("{") - line.count("}")
        if depth == 0 and name is not None:
            spans[name] = (start, i)
            name = None
    return spans


def defs_block(lines):
    for i, l in enumerate(lines):
        if "constexpr OpDef kDefs[]" in l:
            return i
    return len(lines)


def scoped_lines(lines, scope):
    """Line numbers whose code belongs to the scope's formulas, and a label for each."""
    spans = functions(lines)
    table_start = defs_block(lines)
    table = "\n".join(strip_strings_and_comments(l) for l in lines[table_start:])
    fields = {"analytic": r"\.analytic = (\w+)",
              "calflops": r"\.calflops = \{[^{}]*?(?:,\s*)(\w+(?:<\w+>)?)\}",
              "traffic": r"\.traffic = \{[^{}]*?(?:,\s*)(\w+)\}",
              "grad": r"\.grad = \{[^{}]*?\}"}
    wanted = ["analytic", "calflops"] if scope == "all" else [scope]
    if scope == "all":
        wanted += ["traffic", "grad"]
    roots = set()
    for f in wanted:
        for m in re.finditer(fields[f], table, re.S):
            roots.update(re.findall(r"\b([A-Z]\w*)\b", m.group(0).split("=", 1)[1]))
    # Close over the file's functions they call.
    todo, seen = list(roots), set()
    while todo:
        fn = todo.pop()
        if fn in seen or fn not in spans:
            continue
        seen.add(fn)
        a, b = spans[fn]
        body = "\n".join(strip_strings_and_comments(l) for l in lines[a + 1:b + 1])
        todo += [c for c in re.findall(r"\b([A-Z]\w*)\(", body) if c in spans]
    out = {}
    for fn in seen:
        a, b = spans[fn]
        for i in range(a if a == b else a + 1, b + 1):  # a one-line function: its own line
            out[i] = fn
    # Template arguments in the table (PerElement<4>, PerOutputBackward<3>) for the fields asked.
    for i in range(table_start, len(lines)):
        code = strip_strings_and_comments(lines[i])
        m = re.match(r"\s*\.(\w+) = ", code)
        if m and (m.group(1) in wanted or (m.group(1) == "analytic" and "analytic" in wanted)):
            if re.search(r"<\d+>", code):
                out[i] = "table: " + code.strip()[:60]
    return out


def mutations(line):
    """(description, mutated line) for one line of code."""
    code = strip_strings_and_comments(line)
    if code.strip().startswith(("#", "namespace", "using", "}")) or not code.strip():
        return
    for m in re.finditer(r"(?<![\w.])(\d+)(?![\w.])", code):
        v = int(m.group(1))
        for nv in (v + 1, v - 1):
            if nv >= 0:
                yield (f"col {m.start() + 1}: {v} -> {nv}", line[:m.start()] + str(nv) + line[m.end():])
    swaps = {" + ": [" - "], " - ": [" + "], " * ": [" + "], " / ": [" * "]}
    for op, repl in swaps.items():
        for m in re.finditer(re.escape(op), code):
            for r in repl:
                yield (f"col {m.start() + 2}: '{op.strip()}' -> '{r.strip()}'", line[:m.start()] + r + line[m.end():])
    for m in re.finditer(r" ([+-]) ", code):
        end = term_end(code, m.end())
        if end > m.end():
            yield (f"drop '{line[m.start():end].strip()}'", line[:m.start()] + line[end:])


def term_end(code, i):
    depth, j = 0, i
    while j < len(code):
        c = code[j]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                return j
            depth -= 1
        elif depth == 0 and (c in ";,?:" or code.startswith((" + ", " - "), j)):
            return j
        j += 1
    return j


# ---- building and running a mutant ----

class Bench:
    def __init__(self, root, build, scratch):
        self.root, self.build, self.scratch = root, build, scratch
        self.cxx = ["ccache", "c++"] if shutil.which("ccache") else ["c++"]

    def setup(self):
        if os.path.exists(self.scratch):
            shutil.rmtree(self.scratch)
        os.makedirs(self.scratch)
        for d in ("src", "include", "tests"):
            shutil.copytree(os.path.join(self.root, d), os.path.join(self.scratch, d),
                            ignore=shutil.ignore_patterns("data", "*.onnx", "*.gguf"))
        objdir = os.path.join(self.build, "CMakeFiles", "calflops_tests.dir")
        self.objects = []
        for dirpath, _, files in os.walk(objdir):
            for f in files:
                rel = os.path.relpath(os.path.join(dirpath, f), objdir)
                if any(re.search(p, rel) for p in TEST_OBJECTS):
                    dst = os.path.join(self.scratch, "obj", rel)
                    os.makedirs(os.path.dirname(dst), exist_ok=True)
                    shutil.copy(os.path.join(dirpath, f), dst)
                    self.objects.append(dst)
        shutil.copy(os.path.join(self.build, "libcalflops.a"), self.scratch)
        if not self.link([]):
            sys.exit("the unmutated op tests do not link or pass; rebuild calflops_tests first")

    def compile(self, family, text):
        src = os.path.join(self.scratch, "src", "ops", family + ".cc")
        with open(src, "w") as f:
            f.write(text)
        obj = os.path.join(self.scratch, "mutant.o")
        r = sh(["nice", "-n", "19"] + self.cxx + CXX_FLAGS +
               ["-I" + os.path.join(self.scratch, d) for d in ("src", "include")] +
               ["-c", src, "-o", obj])
        return obj if r.returncode == 0 else None

    def link(self, extra):
        exe = os.path.join(self.scratch, "op_tests")
        r = sh(["nice", "-n", "19", "c++", "-o", exe] + extra + self.objects +
               [os.path.join(self.scratch, "libcalflops.a"),
                "/usr/lib/x86_64-linux-gnu/libgtest.a", "/usr/lib/x86_64-linux-gnu/libgtest_main.a",
                "-lcurl", "-lpthread"])
        if r.returncode != 0:
            return None
        return self.run(exe) == 0

    def run(self, exe):
        try:
            r = sh(["nice", "-n", "19", exe, "--gtest_filter=" + GTEST_FILTER, "--gtest_brief=1"],
                   timeout=120, cwd=self.root)
            return r.returncode
        except subprocess.TimeoutExpired:
            return 124


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--scratch", default="/tmp/calflops-mutate-" + os.environ.get("USER", "user"))
    ap.add_argument("--scope", default="all", choices=["analytic", "calflops", "all"])
    ap.add_argument("--files", default=",".join(FAMILIES))
    ap.add_argument("--limit", type=int, default=0, help="stop after N mutants")
    ap.add_argument("--report", default="", help="also write the report here")
    ap.add_argument("--list", action="store_true", help="list the mutants, build nothing")
    a = ap.parse_args()
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
    bench = Bench(root, os.path.abspath(os.path.join(root, a.build)), a.scratch)
    if not a.list:
        bench.setup()
    killed, survived, stillborn, lines_out = 0, [], 0, []

    def say(s):
        print(s, flush=True)
        lines_out.append(s)

    n = 0
    start = time.time()
    for family in a.files.split(","):
        path = os.path.join(bench.scratch if not a.list else root, "src", "ops", family + ".cc")
        original = open(path).read()
        lines = original.split("\n")
        for i, fn in sorted(scoped_lines(lines, a.scope).items()):
            tried = set()
            for desc, new in mutations(lines[i]):
                if a.limit and n >= a.limit:
                    break
                if new in tried:  # the same text by another route
                    continue
                tried.add(new)
                n += 1
                where = f"src/ops/{family}.cc:{i + 1} ({fn}): {desc}"
                if a.list:
                    say(where)
                    continue
                obj = bench.compile(family, "\n".join(lines[:i] + [new] + lines[i + 1:]))
                ok = bench.link([obj]) if obj else None
                if ok is None:
                    stillborn += 1
                    continue
                if ok:
                    survived.append(where)
                    say("SURVIVED " + where)
                else:
                    killed += 1
        if not a.list:
            with open(path, "w") as f:
                f.write(original)
    if not a.list:
        say(f"{killed} killed, {len(survived)} survived, {stillborn} did not compile "
            f"({n} mutants, {time.time() - start:.0f} s, scope {a.scope}, files {a.files})")
    if a.report:
        with open(a.report, "w") as f:
            f.write("\n".join(lines_out) + "\n")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())

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
the scratch directory, where each family file is compiled once with all its mutants in it (a
mutated function becomes a renamed copy its original calls when CALFLOPS_MUTANT names it: mutant
schemata), under nice, and linked with the op tests only (src/ops/*_test.cc, tests/op_proofs/,
the reference they use); that object replaces the family's member of libcalflops.a because it
defines the same symbols. The tests then run once per mutant. A mutant that does not compile is
dropped and counted apart; known equivalent mutants (EQUIVALENT below, each with its reason) are
reported apart. About two minutes for every formula on two shared cores; --one-by-one compiles
each mutant on its own instead (slow: 5-15 s a mutant). Exit status 1 when a mutant survives.

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

HEADER = "op_formulas"  # src/ops/op_formulas.h: the shapes the families share
FAMILIES = ["contraction", "elementwise", "reduction", "normalization", "attention",
            "data_movement", "spatial", "recurrent", "state_space"]
TEST_OBJECTS = [r"src/ops/.*_test\.cc\.o$", r"tests/op_proofs/.*\.o$",
                r"tests/reference/(tensor|nn_ops|op_ref_.*)\.cc\.o$"]
GTEST_FILTER = "OpProof*:OpRegistry*:OpCosts*:EmptyTensors*:autograd_test*:traffic_test*"
CXX_FLAGS = ["-O1", "-DNDEBUG", "-fPIC", "-w", "-std=c++20"]

# Mutants that change nothing any valid op record can show (family, the line before, the
# mutated line): reported as equivalent, not as survivors. Each says why.
EQUIVALENT = {
    ("contraction", "if (a.rank() == 0 || b.rank() == 0) return 0;",
     "if (a.rank() == 0 && b.rank() == 1) return Count::FromSigned(a[0]);"):
        "the 1-D x 1-D shortcut: the general path computes the same k",
    ("contraction", "if (a.rank() == 0 || b.rank() == 0) return 0;",
     "if (a.rank() == 1 && b.rank() == 0) return Count::FromSigned(a[0]);"):
        "the 1-D x 1-D shortcut: the general path computes the same k",
    ("contraction", "// A weight with no output channels (Cout = 0) is empty: nothing per output, no division by 0.",
     "Count per_out = op.in[1][0] <= 0 ? Count(1) : op.in[1].numel() / Count::FromSigned(op.in[1][0]);"):
        "no output channels means no outputs to multiply",
    ("contraction", "// Each input element scatters into (Cout / groups) x prod(kernel) outputs: weight (Cin, ...).",
     "Count per_in = op.in[1][0] <= 0 ? Count(1) : op.in[1].numel() / Count::FromSigned(op.in[1][0]);"):
        "no input channels means no inputs to scatter",
    ("contraction", "OpCost Einsum(const Op& op) {",
     "Count macs = Count::FromSigned(op.in[1][0]) * Count::FromSigned(op.in[0][1]) *"):
        "both operands of the batched matmul share the batch",
    ("contraction", "OpCost EinsumCalflops(const Op& op) {",
     "Count space = Count::FromSigned(op.in[1][0]) * Count::FromSigned(op.in[0][1]) *"):
        "both operands of the batched matmul share the batch",
    ("contraction", "Count flops = (op.in[0][2] > 1 ? 2 * space : space) + 1;", "char buf[65];"):
        "a buffer size",
    ("contraction", "Count flops = (op.in[0][2] > 1 ? 2 * space : space) + 1;", "char buf[63];"):
        "a buffer size",
    ("contraction", "}", "return {1, 0};"): "after a switch over every CallForm: unreachable",
    ("contraction", "}", "return {0, 1};"): "after a switch over every CallForm: unreachable",
    ("contraction", "for (int i = 2; i < w.rank(); ++i) kernel *= Count::FromSigned(w[i]);",
     "Count groups = Count::FromSigned(op.attr2 > 1 ? op.attr2 : 1);"):
        "one group either way",
    ("elementwise", "OpCost AddOrMulCalflops(const Op& op) {",
     "if (op.n_in < 1) return {0, op.in[0].numel()};"):
        "a missing operand is rank 0: the left-aligned count is the first operand's elements",
    ("recurrent", "Count g = Count::FromSigned(op.in[1][1]);", "Count in = Count::FromSigned(op.in[1][2]);"):
        "X (S, B, I) and W (D, G H, I) share I",
    ("state_space", "", "Count Cells(const Op& op) { return op.in[1].numel() * Count::FromSigned(op.attr); }"):
        "u and delta have the same shape",
    ("normalization", "/// An empty tensor or zero-size rows: nothing to compute (and \"5n - 2\" must not go below 0).",
     "bool Empty(const Op& op) { return op.attr <= 0 || op.in[1].numel() == Count(0); }"):
        "an empty input has no rows: every formula multiplies by rows = 0 anyway",
    ("contraction", "OpTraffic ConvTransposeBytes(const Op& op) {",
     "Count cout = op.out.rank() >= 3 ? Count::FromSigned(op.out[1]) : Count(0);"):
        "a ConvTranspose output (N, Cout, spatial...) has rank 3 or more",
    ("contraction", "OpTraffic ConvTransposeBytes(const Op& op) {",
     "Count cout = op.out.rank() >= 1 ? Count::FromSigned(op.out[1]) : Count(0);"):
        "a ConvTranspose output (N, Cout, spatial...) has rank 3 or more",
    ("contraction", "OpTraffic ConvTransposeBytes(const Op& op) {",
     "Count cout = op.out.rank() >= 2 ? Count::FromSigned(op.out[1]) : Count(1);"):
        "a ConvTranspose output (N, Cout, spatial...) has rank 3 or more",
    ("state_space", "// u and delta, then B and C (two tensors of in[2]'s shape); A and D are read by other ops.",
     "return {.act_read = op.in[1].numel() + op.in[1].numel() + 2 * op.in[2].numel(),"):
        "u and delta have the same shape",
    ("state_space", "// u and delta, then B and C (two tensors of in[2]'s shape); A and D are read by other ops.",
     "return {.act_read = op.in[0].numel() + op.in[0].numel() + 2 * op.in[2].numel(),"):
        "u and delta have the same shape",
    ("attention", "OpCost Rotary(const Op& op) {",
     "if (op.attr2 <= 1) return {0, 0};  // zero-width rows: an empty tensor"):
        "a row of one feature rotates none",
}


def sh(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


# ---- finding mutation sites ----

def strip_strings_and_comments(line):
    """The line with string literals and comments blanked (same length)."""
    out, i, n = list(line), 0, len(line)
    while i < n:
        if line.startswith("/*", i):
            j = line.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                out[k] = " "
            i = j
            continue
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
    if table_start == len(lines):  # op_formulas.h: shared shapes, every function
        roots = set(spans)
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
        elif code.startswith("::", j):
            j += 2
            continue
        elif depth == 0 and (c in ";,?:" or code.startswith((" + ", " - "), j) or
                             code[j:].rstrip() in ("+", "-") or code[j:].rstrip() in (" +", " -")):
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
        linker = ["-fuse-ld=lld"] if shutil.which("ld.lld") else []
        r = sh(["nice", "-n", "19", "c++", "-o", exe] + linker + extra + self.objects +
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


# ---- mutant schemata: every mutant of a file in one object, chosen at run time ----

def schemata(lines, sites):
    """The file with every mutant compiled in: a mutated function becomes a renamed copy that
    the original calls when CALFLOPS_MUTANT names it; a mutated template argument in the table
    becomes MutantPick<original, mutant, id>. Returns (text, {output line: mutant id})."""
    spans = functions(lines)
    by_fn, table = {}, {}
    for k, i, fn, desc, new in sites:
        if fn.startswith("table: "):
            table.setdefault(i, []).append((k, new))
        else:
            by_fn.setdefault(fn, []).append((k, i, new))
    out, owner = [], {}
    table_start = defs_block(lines)
    last_include = max(j for j, l in enumerate(lines) if l.startswith("#include"))
    i = 0
    while i < len(lines):
        line = lines[i]
        fn = next((f for f, (a, b) in spans.items() if a == i), None)
        if fn in by_fn:
            a, b = spans[fn]
            head = lines[a]
            tmpl = lines[a - 1] if a > 0 and lines[a - 1].startswith("template <") else None
            params = head[head.index("(") + 1:head.index(")")]
            named = []
            for j, p in enumerate(x for x in params.split(",") if x.strip()):
                if re.search(r"[&*]\s*$", p):  # an unnamed parameter: name it to pass it on
                    p = p.rstrip() + f" mp_{j}"
                named.append(p.strip())
            head = head[:head.index("(") + 1] + ", ".join(named) + head[head.index(")"):]
            args = ", ".join(p.split()[-1].lstrip("&*") for p in named)
            targs = ""
            if tmpl:
                inner = tmpl[tmpl.index("<") + 1:tmpl.rindex(">")]
                names = re.findall(r"\(\*(\w+)\)", inner) if "(*" in inner else \
                    [p.strip().split()[-1] for p in inner.split(",")]
                targs = "<" + ", ".join(names) + ">"
                out.pop()  # the template line is re-emitted with each copy
            cases = []
            for k, mi, new in by_fn[fn]:
                copy = [new if j == mi else lines[j] for j in range(a, b + 1)]
                if mi != a:
                    copy[0] = head
                copy[0] = re.sub(r"\b" + fn + r"\(", f"{fn}__m{k}(", copy[0], count=1)
                if tmpl:
                    out.append(tmpl)
                for c in copy:
                    owner[len(out) + 1] = k
                    out.append(c)
                cases.append(f"case {k}: return {fn}__m{k}{targs}({args});")
            if tmpl:
                out.append(tmpl)
            brace = head.index("{", head.index(")"))
            dispatch = " if (int m_ = MutantId(); m_ != 0) switch (m_) { " + " ".join(cases) + " default: break; }"
            out.append(head[:brace + 1] + dispatch + head[brace + 1:])
            out.extend(lines[a + 1:b + 1])
            i = b + 1
            continue
        if i == table_start:
            out.append(MUTANT_PICK)
        if i in table:
            orig, exprs = line, {}
            for k, new in table[i]:
                pre = 0
                while pre < min(len(orig), len(new)) and orig[pre] == new[pre]:
                    pre += 1
                tok = next(t for t in re.finditer(r"[A-Z]\w*<\w+>", orig) if t.start() <= pre < t.end())
                alt = new[tok.start():tok.end() + len(new) - len(orig)]
                pick = "MutantPickB" if ".grad" in orig else "MutantPick"
                span = (tok.start(), tok.end())
                exprs[span] = f"{pick}<{exprs.get(span, tok.group(0))}, {alt}, {k}>"
            for (a0, b0), e in sorted(exprs.items(), reverse=True):
                line = line[:a0] + e + line[b0:]
            owner[len(out) + 1] = table[i][0][0]
        out.append(line)
        if i == last_include:
            out.append(MUTANT_ID)
        i += 1
    return "\n".join(out), owner


MUTANT_ID = """#include <cstdlib>
namespace {
[[maybe_unused]] int MutantId() {
  static const int id = [] { const char* e = std::getenv("CALFLOPS_MUTANT"); return e ? std::atoi(e) : 0; }();
  return id;
}
}  // namespace"""

MUTANT_PICK = """template <OpCost (*A)(const Op&), OpCost (*B)(const Op&), int K>
OpCost MutantPick(const Op& op) { return MutantId() == K ? B(op) : A(op); }
template <OpCost (*A)(const Op&, const GradNeeds&), OpCost (*B)(const Op&, const GradNeeds&), int K>
OpCost MutantPickB(const Op& op, const GradNeeds& g) { return MutantId() == K ? B(op, g) : A(op, g); }"""


def run_schemata(bench, family, lines, sites, say):
    """Compiles the file's mutants once, then runs the tests once per mutant. Returns
    (killed, survived wheres, did not compile)."""
    live = list(sites)
    dropped = 0
    for _ in range(8):
        text, owner = schemata(lines, live)
        src = os.path.join(bench.scratch, "src", "ops", family + (".h" if family == HEADER else ".cc"))
        with open(src, "w") as f:
            f.write(text)
        units = FAMILIES if family == HEADER else [family]
        objs, r = [], None
        for unit in units:
            obj = os.path.join(bench.scratch, f"mutant_{unit}.o")
            r = sh(["nice", "-n", "19"] + bench.cxx + CXX_FLAGS +
                   ["-I" + os.path.join(bench.scratch, d) for d in ("src", "include")] +
                   ["-c", os.path.join(bench.scratch, "src", "ops", unit + ".cc"), "-o", obj])
            if r.returncode != 0:
                break
            objs.append(obj)
        if r.returncode == 0:
            break
        bad = {owner[int(m.group(1))] for m in re.finditer(re.escape(src) + r":(\d+):\d+: error", r.stdout)
               if int(m.group(1)) in owner}
        if not bad:
            say(f"schemata of {family} does not compile:\n" + r.stdout[-3000:])
            return 0, [], len(live), 0
        dropped += len(bad)
        live = [s for s in live if s[0] not in bad]
    exe = os.path.join(bench.scratch, "op_tests")
    linker = ["-fuse-ld=lld"] if shutil.which("ld.lld") else []
    r = sh(["nice", "-n", "19", "c++", "-o", exe] + linker + objs + bench.objects +
           [os.path.join(bench.scratch, "libcalflops.a"), "/usr/lib/x86_64-linux-gnu/libgtest.a",
            "/usr/lib/x86_64-linux-gnu/libgtest_main.a", "-lcurl", "-lpthread"])
    if r.returncode != 0 or bench.run(exe) != 0:
        say(f"schemata of {family}: the unmutated tests fail\n" + r.stdout[-2000:])
        return 0, [], len(live), 0
    killed, survived, equivalent = 0, [], 0
    for k, i, fn, desc, new in live:
        os.environ["CALFLOPS_MUTANT"] = str(k)
        rc = bench.run(exe)
        del os.environ["CALFLOPS_MUTANT"]
        where = f"src/ops/{family}{'.h' if family == HEADER else '.cc'}:{i + 1} ({fn}): {desc}"
        print(f"[{k}] {'killed  ' if rc else 'SURVIVED'} {where}", file=sys.stderr, flush=True)
        why = EQUIVALENT.get((family, lines[i - 1].strip() if i else "", new.strip()))
        if rc:
            killed += 1
        elif why:
            equivalent += 1
            say(f"equivalent {where}: {why}")
        else:
            survived.append(where)
            say("SURVIVED " + where)
    return killed, survived, dropped, equivalent


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--scratch", default="/tmp/calflops-mutate-" + os.environ.get("USER", "user"))
    ap.add_argument("--scope", default="all", choices=["analytic", "calflops", "all"])
    ap.add_argument("--files", default=",".join(FAMILIES + [HEADER]))
    ap.add_argument("--limit", type=int, default=0, help="stop after N mutants")
    ap.add_argument("--report", default="", help="also write the report here")
    ap.add_argument("--list", action="store_true", help="list the mutants, build nothing")
    ap.add_argument("--one-by-one", action="store_true",
                    help="compile and link each mutant on its own (slow; the default compiles a "
                         "file's mutants into one object and picks one per test run)")
    a = ap.parse_args()
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
    bench = Bench(root, os.path.abspath(os.path.join(root, a.build)), a.scratch)
    if not a.list:
        bench.setup()
    killed, survived, stillborn, equivalent, lines_out = 0, [], 0, 0, []

    def say(s):
        print(s, flush=True)
        lines_out.append(s)

    n = 0
    start = time.time()
    for family in a.files.split(","):
        path = os.path.join(bench.scratch if not a.list else root, "src", "ops",
                            family + (".h" if family == HEADER else ".cc"))
        original = open(path).read()
        lines = original.split("\n")
        sites = []
        for i, fn in sorted(scoped_lines(lines, a.scope).items()):
            tried = set()
            for desc, new in mutations(lines[i]):
                if a.limit and n >= a.limit:
                    break
                if new in tried:  # the same text by another route
                    continue
                tried.add(new)
                n += 1
                sites.append((n, i, fn, desc, new))
        if a.list:
            for k, i, fn, desc, new in sites:
                say(f"[{k}] src/ops/{family}{'.h' if family == HEADER else '.cc'}:{i + 1} ({fn}): {desc}")
            continue
        if a.one_by_one:
            for k, i, fn, desc, new in sites:
                where = f"src/ops/{family}{'.h' if family == HEADER else '.cc'}:{i + 1} ({fn}): {desc}"
                if family == HEADER:
                    continue  # the header needs every family rebuilt: schemata only
                obj = bench.compile(family, "\n".join(lines[:i] + [new] + lines[i + 1:]))
                ok = bench.link([obj]) if obj else None
                if ok is None:
                    stillborn += 1
                elif ok:
                    survived.append(where)
                    say("SURVIVED " + where)
                else:
                    killed += 1
        else:
            k_, s_, d_, e_ = run_schemata(bench, family, lines, sites, say)
            killed += k_
            survived += s_
            stillborn += d_
            equivalent += e_
        with open(path, "w") as f:
            f.write(original)
    if not a.list:
        say(f"{killed} killed, {len(survived)} survived, {equivalent} equivalent, "
            f"{stillborn} did not compile "
            f"({n} mutants, {time.time() - start:.0f} s, scope {a.scope}, files {a.files})")
    if a.report:
        with open(a.report, "w") as f:
            f.write("\n".join(lines_out) + "\n")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())

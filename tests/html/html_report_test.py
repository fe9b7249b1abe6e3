#!/usr/bin/python3
"""The HTML report in a real browser: Debian's chromium, headless, driven over the DevTools
protocol with a WebSocket client written here on Python's standard library (no packages).

Checks: the page loads with no console error or exception; the header totals in the DOM equal
the JSON report of the same run; clicking a tree arrow expands the module; clicking an icicle
cell zooms into it; the metric switch redraws; a generation draws one point per call, its
latency too with --hardware (the calls' times adding up to the report's latency).

Usage: html_report_test.py CALFLOPS_BINARY. Exits 77 (ctest: skipped) when chromium is absent.
Bounded: every wait has a deadline, chromium is killed at the end, 90 s in all at most.
"""
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

DEADLINE = time.monotonic() + 90


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


class WebSocket:
    """Just enough RFC 6455 for the DevTools protocol: text frames, client masking."""

    def __init__(self, url):
        assert url.startswith("ws://")
        hostport, path = url[5:].split("/", 1)
        host, port = hostport.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET /%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n" % (path, hostport, key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                fail("websocket handshake closed")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            fail("websocket handshake refused: %r" % head[:200])
        self.buf = head.split(b"\r\n\r\n", 1)[1]

    def send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        n = len(data)
        if n < 126:
            hdr = struct.pack("!BB", 0x81, 0x80 | n)
        elif n < 65536:
            hdr = struct.pack("!BBH", 0x81, 0x80 | 126, n)
        else:
            hdr = struct.pack("!BBQ", 0x81, 0x80 | 127, n)
        self.sock.sendall(hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, n):
        while len(self.buf) < n:
            self.sock.settimeout(max(0.1, DEADLINE - time.monotonic()))
            chunk = self.sock.recv(65536)
            if not chunk:
                fail("websocket closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            payload = self._read(n)  # the server never masks
            opcode = b0 & 0x0F
            if opcode == 0x8:
                fail("websocket closed by chromium")
            if opcode in (0x9, 0xA):
                continue  # ping / pong
            message += payload
            if b0 & 0x80:
                return message.decode()


class Page:
    def __init__(self, ws):
        self.ws, self.next_id, self.events = ws, 0, []

    def call(self, method, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while time.monotonic() < DEADLINE:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    fail("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            self.events.append(msg)
        fail("timed out in " + method)

    def wait_event(self, method):
        while time.monotonic() < DEADLINE:
            for e in self.events:
                if e.get("method") == method:
                    self.events.remove(e)
                    return e
            self.events.append(json.loads(self.ws.recv()))
        fail("timed out waiting for " + method)

    def eval(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        if "exceptionDetails" in r:
            fail("evaluating %s: %s" % (expr, r["exceptionDetails"]))
        return r["result"].get("value")

    def errors(self):
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append("exception: %s" % p["exceptionDetails"])
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append("console.%s: %s" % (p["type"], p.get("args")))
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                out.append("log: %s" % p["entry"].get("text"))
        return out

    def load(self, path):
        self.call("Page.navigate", url="file://" + path)
        self.wait_event("Page.loadEventFired")


def calflops(binary, args):
    r = subprocess.run([binary] + args, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        fail("calflops %s: %s" % (" ".join(args), r.stdout + r.stderr))
    return r.stdout


def check(cond, msg):
    if not cond:
        fail(msg)
    print("ok: " + msg)


def main():
    binary = sys.argv[1]
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        print("SKIP: chromium is not installed (scripts/install-deps.sh installs it); "
              "the HTML report was not tested in a browser")
        return 77
    tmp = tempfile.mkdtemp(prefix="calflops-html-")
    forward = os.path.join(tmp, "forward.html")
    generate = os.path.join(tmp, "generate.html")
    args = ["llama-3-8b", "--seq-len", "128", "--hardware", "h100-sxm"]
    with open(forward, "w") as f:
        f.write(calflops(binary, args + ["--format", "html"]))
    expanded = os.path.join(tmp, "expanded.html")
    with open(expanded, "w") as f:
        f.write(calflops(binary, args + ["--format", "html", "--expand"]))
    report = json.loads(calflops(binary, args + ["--format", "json"]))
    gen_args = ["llama-3-8b", "--mode", "generate", "--prompt-tokens", "100", "--max-new-tokens", "50",
                "--hardware", "h100-sxm"]
    with open(generate, "w") as f:
        f.write(calflops(binary, gen_args + ["--format", "html"]))
    gen_report = json.loads(calflops(binary, gen_args + ["--format", "json"]))

    profile = os.path.join(tmp, "profile")
    proc = subprocess.Popen([browser, "--headless=new", "--no-sandbox", "--disable-gpu",
                             "--no-first-run", "--no-default-browser-check",
                             "--remote-debugging-port=0", "--user-data-dir=" + profile,
                             "--window-size=1280,900", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        while not os.path.exists(port_file) or os.path.getsize(port_file) == 0:
            if time.monotonic() > DEADLINE or proc.poll() is not None:
                fail("chromium did not start (exit %s)" % proc.poll())
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        targets = []
        while not targets and time.monotonic() < DEADLINE:
            with urllib.request.urlopen("http://127.0.0.1:%s/json/list" % port, timeout=10) as r:
                targets = [t for t in json.load(r) if t.get("type") == "page"]
        page = Page(WebSocket(targets[0]["webSocketDebuggerUrl"]))
        for domain in ("Page", "Runtime", "Log"):
            page.call(domain + ".enable")

        page.load(forward)
        check(page.errors() == [], "forward page: no console error (%s)" % page.errors())
        for key, expected in (("params", report["total"]["params"]),
                              ("macs", report["total"]["macs"]),
                              ("flops", report["total"]["flops"]),
                              ("memory_peak", report["memory"]["peak"]),
                              ("memory_weights", report["memory"]["weights"])):
            got = page.eval("document.getElementById('total-%s').dataset.exact" % key)
            check(got == str(expected), "DOM total %s %s == JSON %s" % (key, got, expected))
        check(page.eval("document.getElementById('workload-mode').textContent") == "forward",
              "header states the mode")
        rows = lambda: page.eval("document.querySelectorAll('#tree tbody tr').length")
        before = rows()
        check(before == 1 + 2, "tree starts with the root and its two children (%d rows)" % before)
        page.eval("document.querySelector('#tree tr[data-path=\"model\"] .tog').click()")
        after = rows()
        model_children = len(report["modules"]["children"][0]["children"])  # 4 in transformers 4.45
        check(after == before + model_children,
              "clicking model's arrow shows its %d children (%d rows)" % (model_children, after))
        check(page.eval("document.getElementById('icicle').dataset.zoom") == "",
              "icicle starts at the root")
        page.eval("document.querySelector('#icicle g[data-path=\"model.layers\"]')"
                  ".dispatchEvent(new MouseEvent('click', {bubbles: true}))")
        check(page.eval("document.getElementById('icicle').dataset.zoom") == "model.layers",
              "clicking an icicle cell zooms into it")
        check(page.eval("document.querySelector('#icicle g').dataset.path") == "model.layers",
              "the zoomed module is the top cell")
        check(page.eval("!!document.querySelector('#tree tr[data-path=\"model.layers.0\"]')"),
              "zooming expands the module in the tree")
        # The top cell's width is the whole chart. Layers 0-30 are folded into one entry (layer
        # 31's activation peak differs), drawn for the 31 of them: 31/32 of it in FLOPs.
        layer0 = ("[...document.querySelectorAll('#icicle g')].filter(g => "
                  "g.dataset.path == 'model.layers.0')[0].querySelector('rect')"
                  ".getAttribute('width') / document.querySelector('#icicle rect')"
                  ".getAttribute('width')")
        w = page.eval(layer0)
        check(abs(w - 31 / 32) < 1e-9, "folded layers 0-30 are 31/32 of model.layers (%.6f)" % w)
        name = page.eval("document.querySelector('#tree tr[data-path=\"model.layers.0\"] "
                         "td.name').textContent")
        check(name.endswith("0-30: 31 x"), "the folded row says what it stands for (%s)" % name)
        page.eval("(s => { s.value = 'params'; s.dispatchEvent(new Event('change')); })"
                  "(document.getElementById('metric'))")
        title = page.eval("document.querySelector('#icicle g title').textContent")
        check(title.endswith("6.98 B"), "metric switch: params in the chart (%s)" % title)
        page.eval("document.querySelector('#tree th[data-key=\"flops\"]').click()")
        check(page.errors() == [], "no console error after the interactions (%s)" % page.errors())

        page.load(expanded)
        check(page.errors() == [], "expanded page: no console error (%s)" % page.errors())
        page.eval("document.querySelector('#icicle g[data-path=\"model.layers\"]')"
                  ".dispatchEvent(new MouseEvent('click', {bubbles: true}))")
        w = page.eval(layer0)
        check(abs(w - 1 / 32) < 1e-9, "--expand: layer 0 is 1/32 of model.layers (%.6f)" % w)

        page.load(generate)
        check(page.errors() == [], "generate page: no console error (%s)" % page.errors())
        got = page.eval("document.getElementById('total-flops').dataset.exact")
        check(got == str(gen_report["total"]["flops"]), "generate: DOM FLOPs equal JSON")
        calls = gen_report["calls"]["count"]
        pts = page.eval("+document.querySelector('#steps polyline').dataset.points")
        check(pts == calls - 1, "one point per decode step (%s of %d calls)" % (pts, calls))
        check(page.eval("document.getElementById('workload-tokens').textContent")
              == "100 prompt + 50 new per sequence", "generate header states the tokens")
        # With --hardware the per-call chart plots latency too: one point per decode step, and
        # the calls' roofline times add up to the JSON report's latency.
        page.eval("(s => { s.value = 'latency'; s.dispatchEvent(new Event('change')); })"
                  "(document.getElementById('step-metric'))")
        check(page.eval("document.getElementById('step-metric').value") == "latency",
              "the per-call chart offers latency")
        pts = page.eval("+document.querySelector('#steps polyline').dataset.points")
        check(pts == calls - 1, "latency: one point per decode step (%s)" % pts)
        total = page.eval("JSON.parse(document.getElementById('calflops-data').textContent)"
                          ".steps.latency.reduce((a, b) => a + b, 0)")
        want = gen_report["latency"]["total_s"]
        check(abs(total - want) <= 1e-9 * want,
              "per-call latencies add up to the total (%r vs %r)" % (total, want))
        note = page.eval("document.getElementById('step-note').textContent")
        check(note.endswith(" ms") or " ms;" in note, "latency note in ms (%s)" % note)
        check(page.errors() == [], "no console error at the end (%s)" % page.errors())
    finally:
        proc.kill()
        proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    print("html report browser test: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

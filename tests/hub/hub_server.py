#!/usr/bin/python3
"""A local stand-in for the Hugging Face Hub, for tests/hub_cli_test.cc: a real HTTP server on
127.0.0.1 serving the Hub's URL layout from a folder, so the client is tested over real sockets.

  hub_server.py ROOT LOG      prints "PORT <n>" once listening; exits after 120 s in any case

ROOT/ORG/NAME/ holds a repo's files; its commit is sha1("ORG/NAME") and its only branch "main".
  GET /ORG/NAME/resolve/REV/FILE   REV = main or the commit
      200 with ETag (git blob sha1), X-Repo-Commit, for plain files;
      302 to /cdn/<sha256> with X-Linked-Etag and X-Repo-Commit for *.safetensors (as LFS files);
      401 for repos whose ORG starts with "gated" unless "Authorization: Bearer good-token";
      404 for an unknown repo, revision or file.
  GET /cdn/<sha256>                the file, honouring "Range: bytes=A-B" (206, Content-Range).
Repos whose NAME holds these words misbehave on purpose:
  ignore-range   Range is ignored (200, whole body)      no-commit   no X-Repo-Commit header
  bad-etag       ETag "../../x"                          redirect    an extra 307 hop to the same path
Every request is appended to LOG as "METHOD PATH RANGE".
"""
import hashlib
import os
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT, LOG = sys.argv[1], sys.argv[2]
LOCK = threading.Lock()


def commit_of(repo):
    return hashlib.sha1(repo.encode()).hexdigest()


def git_blob_sha1(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        rng = self.headers.get("Range", "")
        with LOCK, open(LOG, "a") as log:
            log.write("%s %s %s\n" % (self.command, self.path, rng or "-"))
        path = urllib.parse.unquote(self.path.split("?")[0])
        if path.startswith("/cdn/"):
            return self.serve_blob(path[len("/cdn/"):], self.path.partition("?")[2], rng)
        parts = path.lstrip("/").split("/")
        if len(parts) < 5 or parts[2] != "resolve":
            return self.send(404, b"not found", [("X-Error-Code", "RepoNotFound")])
        org, name, rev, file = parts[0], parts[1], parts[3], "/".join(parts[4:])
        repo = org + "/" + name
        folder = os.path.join(ROOT, org, name)
        if not os.path.isdir(folder):
            return self.send(404, b"Repository not found", [("X-Error-Code", "RepoNotFound")])
        if org.startswith("gated") and self.headers.get("Authorization") != "Bearer good-token":
            return self.send(401, b"Access to this repo is restricted", [("X-Error-Code", "GatedRepo")])
        commit = commit_of(repo)
        if rev not in ("main", commit):
            return self.send(404, b"Invalid rev id", [("X-Error-Code", "RevisionNotFound")])
        if "redirect" in name and "hop=1" not in self.path:
            return self.send(307, b"", [("Location", self.path + "?hop=1")])
        full = os.path.join(folder, file)
        if not os.path.isfile(full):
            return self.send(404, b"Entry not found", [("X-Error-Code", "EntryNotFound")])
        data = open(full, "rb").read()
        headers = [] if "no-commit" in name else [("X-Repo-Commit", commit)]
        if file.endswith(".safetensors"):
            sha = hashlib.sha256(data).hexdigest()
            blobs = os.path.join(ROOT, ".cdn")
            os.makedirs(blobs, exist_ok=True)
            with open(os.path.join(blobs, sha), "wb") as f:
                f.write(data)
            ignore = "1" if "ignore-range" in name else "0"
            headers += [("X-Linked-Etag", '"%s"' % sha), ("ETag", '"%s"' % git_blob_sha1(b"pointer")),
                        ("Location", "/cdn/%s?ignore=%s" % (sha, ignore))]
            return self.send(302, b"", headers)
        etag = "../../x" if "bad-etag" in name else git_blob_sha1(data)
        headers.append(("ETag", '"%s"' % etag))
        return self.send(200, data, headers)

    def serve_blob(self, sha, query, rng):
        full = os.path.join(ROOT, ".cdn", os.path.basename(sha))
        if not os.path.isfile(full):
            return self.send(404, b"no blob")
        data = open(full, "rb").read()
        if rng.startswith("bytes=") and "ignore=1" not in query:
            first, _, last = rng[len("bytes="):].partition("-")
            first, last = int(first), min(int(last), len(data) - 1)
            if first >= len(data):
                return self.send(416, b"", [("Content-Range", "bytes */%d" % len(data))])
            return self.send(206, data[first:last + 1],
                             [("Content-Range", "bytes %d-%d/%d" % (first, last, len(data))),
                              ("ETag", '"%s"' % sha)])
        return self.send(200, data, [("ETag", '"%s"' % sha)])


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that hangs up on purpose (a cut-off body) is no error here


def main():
    server = Server(("127.0.0.1", 0), Handler)
    threading.Timer(120, server.shutdown).start()  # never outlives a test run
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

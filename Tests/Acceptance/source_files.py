"""A loopback HTTP server that plays another system publishing files, for the sources' tests.

Each path serves a file with an ETag and a Last-Modified date, answers 304 to a matching
If-None-Match / If-Modified-Since, and can be changed, made to fail with a status, or made to
redirect. It records the requests it got (path and headers), so tests see what Garona sent."""

import hashlib
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SourceFiles:
    def __init__(self):
        self.files = {}
        self.failures = {}
        self.redirects = {}
        self.delays = {}
        self.requests = []
        self.lock = threading.Lock()
        files = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                with files.lock:
                    files.requests.append((self.path, dict(self.headers)))
                    failure = files.failures.get(self.path)
                    target = files.redirects.get(self.path)
                    entry = files.files.get(self.path)
                    delay = files.delays.get(self.path, 0)
                if delay:
                    time.sleep(delay)
                if failure is not None:
                    self.send_response(failure)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if target is not None:
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if entry is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body, etag, modified, content_type = entry
                if self.headers.get("If-None-Match") == etag or (
                        self.headers.get("If-None-Match") is None
                        and self.headers.get("If-Modified-Since") == modified):
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", modified)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path, credentials=""):
        return f"http://{credentials}127.0.0.1:{self.port}{path}"

    def put(self, path, body, content_type="text/csv; charset=utf-8"):
        """Serves `body` at `path` from now on, with a new ETag and Last-Modified."""
        body = body if isinstance(body, bytes) else body.encode("utf-8")
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        with self.lock:
            version = len(self.requests)
            self.files[path] = (body, etag, formatdate(1_790_000_000 + version, usegmt=True), content_type)
            self.failures.pop(path, None)

    def fail(self, path, status):
        with self.lock:
            self.failures[path] = status

    def slow(self, path, seconds):
        """Answers `path` only after `seconds`."""
        with self.lock:
            self.delays[path] = seconds

    def redirect(self, path, target):
        with self.lock:
            self.redirects[path] = target

    def seen(self, path):
        """The headers of each request for `path`, in order."""
        with self.lock:
            return [headers for p, headers in self.requests if p == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()

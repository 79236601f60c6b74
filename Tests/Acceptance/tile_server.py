"""A tiny map-tile server on 127.0.0.2 that records request paths and answers a 1x1 PNG."""

import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _png_1x1():
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00\x00\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PNG = _png_1x1()


class TileServer:
    def __init__(self, host="127.0.0.2"):
        self._lock = threading.Lock()
        self._paths = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with owner._lock:
                    owner._paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(PNG)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(PNG)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.host = host
        self.port = self.httpd.server_address[1]
        self.template = f"http://{host}:{self.port}/{{z}}/{{x}}/{{y}}.png"
        self.prefix = f"http://{host}:{self.port}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def hits(self):
        with self._lock:
            return list(self._paths)

    def reset(self):
        with self._lock:
            self._paths.clear()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

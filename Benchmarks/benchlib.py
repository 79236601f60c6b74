"""Shared pieces of Garona's benchmark scripts: the garona binary, servers on loopback, wrk, reports.

Standard library only. The scripts in this folder import it (`import benchlib`): they are run as
`python3 Benchmarks/<name>.py`, so this folder is on `sys.path`.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs" / "benchmarks.md"
MB = 1024 * 1024


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- The garona binary -------------------------------------------------------------------------------------------


def add_garona_arguments(parser) -> None:
    """`--garona-bin PATH` (also spelled `--garona`) uses that binary as is; without it the script builds one."""
    parser.add_argument(
        "--garona-bin", "--garona", dest="garona_bin", type=Path, default=None,
        help="a garona binary to use as is (default: build this repository with `swift build -c release`)",
    )
    parser.add_argument("--skip-build", action="store_true", help="use the existing release build of this repository")


def add_run_arguments(parser, timeout: float, timeout_of: str, keep: bool = True,
                      docs: str = "docs/benchmarks.md") -> None:
    """`--tmp-dir`, `--timeout` (seconds allowed to each `timeout_of`), `--keep` and `--write-docs` (into `docs`)."""
    parser.add_argument("--tmp-dir", type=Path, default=None, help="where the temporary files go (default: system)")
    parser.add_argument("--timeout", type=float, default=timeout,
                        help=f"seconds allowed to each {timeout_of} (default {timeout:.0f})")
    if keep:
        parser.add_argument("--keep", action="store_true", help="keep the temporary directory (its path is logged)")
    parser.add_argument("--write-docs", action="store_true", help=f"write the report into {docs}")


def garona_binary(args, timeout: float) -> str:
    """The binary to run: `--garona-bin`, else this repository's release build (built unless `--skip-build`)."""
    if args.garona_bin is not None:
        path = args.garona_bin.expanduser().resolve()
        if not (path.is_file() and os.access(path, os.X_OK)):
            sys.exit(f"garona: {args.garona_bin} is not an executable file")
        return str(path)
    if not args.skip_build:
        build_garona(timeout)
    return str(REPO / ".build" / "release" / "garona")


def private_copy(garona: str, workdir: Path) -> str:
    """A copy of the binary in the work directory, so that a rebuild during a long run changes nothing."""
    copy = workdir / "garona"
    for attempt in range(10):
        try:
            shutil.copy2(garona, copy)
            if subprocess.run([str(copy), "--help"], capture_output=True, timeout=60).returncode == 0:
                return str(copy)
        except OSError:
            pass
        time.sleep(5)  # being rebuilt: wait for the linker to finish
    sys.exit(f"garona: could not copy a working binary from {garona}")


def build_garona(timeout: float) -> None:
    log("swift build -c release --product garona")
    for attempt in range(30):
        result = subprocess.run(
            ["swift", "build", "-c", "release", "--product", "garona"],
            cwd=REPO, capture_output=True, text=True, timeout=timeout,
        )
        if result.returncode == 0:
            return
        output = result.stdout + result.stderr
        if "lock" in output.lower() and "another" in output.lower() and attempt < 29:
            log("another SwiftPM process holds the build lock; retrying in 10 s")
            time.sleep(10)
            continue
        sys.exit("garona: release build failed:\n" + output[-4000:])


def command_help(garona: str, command: str) -> str:
    for attempt in range(6):
        try:
            result = subprocess.run([garona, command, "--help"], capture_output=True, text=True, timeout=60)
            return result.stdout if result.returncode == 0 else ""
        except OSError:  # "text file busy": the binary is being rebuilt
            time.sleep(5)
    return ""


def has_command(garona: str, command: str, options: list[str]) -> bool:
    """Whether `garona COMMAND --help` works and lists these options."""
    help_text = command_help(garona, command)
    return bool(help_text) and all(option in help_text for option in options)


@dataclass
class ImportedField:
    """One line of the `Fields:` block of `garona import`'s summary."""

    name: str
    type: str
    flags: set[str] = field(default_factory=set)


def garona_import_fields(summary: str) -> list[ImportedField]:
    """The fields of `garona import`'s summary, e.g. `  categorie  text (facet, sortable)`."""
    fields: list[ImportedField] = []
    in_fields = False
    for line in summary.splitlines():
        if line.startswith("Fields:"):
            in_fields = True
        elif in_fields and line.startswith("  "):
            match = re.match(r"\s+(\S+)\s+(\S+)(?:\s+\(([^)]*)\))?", line)
            if match:
                flags = {flag.strip() for flag in (match.group(3) or "").split(",") if flag.strip()}
                fields.append(ImportedField(match.group(1), match.group(2), flags))
        elif in_fields:
            break
    return fields


def garona_fields(summary: str) -> dict[str, str]:
    """Field name → type from the `Fields:` block of `garona import`'s summary."""
    return {imported.name: imported.type for imported in garona_import_fields(summary)}


def garona_records(summary: str) -> int | None:
    match = re.search(r":\s*([\d\s,.\u00a0\u202f]+?)\s+records", summary)
    return int(re.sub(r"\D", "", match.group(1))) if match else None


def garona_import(garona: str, path: Path, data_dir: Path, dataset: str, timeout: float,
                  title: str | None = None) -> str:
    """Runs `garona import` and returns its summary; exits the script when the import fails."""
    argv = [garona, "import", str(path), "--data-dir", str(data_dir), "--dataset", dataset]
    if title:
        argv += ["--title", title]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        sys.exit(f"garona import {path.name} failed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    return result.stdout


def generate_sample(generator: str, rows: int, seed: int, path: Path, timeout: float) -> None:
    if not has_command(generator, "sample", ["--rows", "--seed", "--output"]):
        sys.exit(f"garona: {generator} has no working `sample` command")
    log(f"garona sample --rows {rows} --seed {seed}")
    subprocess.run([generator, "sample", "--rows", str(rows), "--seed", str(seed), "--output", str(path)],
                   check=True, timeout=timeout)


def serve_arguments(garona: str) -> tuple[list[str], dict[str, str], list[str]]:
    """Extra `garona serve` arguments and environment that turn the API rate limit off, and what they were."""
    help_text = command_help(garona, "serve")
    arguments: list[str] = []
    notes: list[str] = []
    if "--no-rate-limit" in help_text:
        arguments.append("--no-rate-limit")
    else:
        option = re.search(r"(--[a-z-]*rate-limit)\b", help_text)
        if option:
            arguments += [option.group(1), "0"]
    if arguments:
        notes.append(f"rate limit off (`{shlex.join(arguments)}`)")
    else:
        notes.append("this build has no rate-limit option")
    return arguments, {"GARONA_API_RATE_LIMIT": "0"}, notes


# --- Python packages ---------------------------------------------------------------------------------------------


def ensure_module(module: str, package: str) -> None:
    """Imports `module`, installing `package` from PyPI with pip when it is missing."""
    try:
        __import__(module)
    except ImportError:
        log(f"installing {package} with pip")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", package], check=True)


def ensure_sqlite_utils() -> list[str]:
    """The command that runs sqlite-utils with this interpreter, installing it from PyPI if needed."""
    ensure_module("sqlite_utils", "sqlite-utils")
    return [sys.executable, "-m", "sqlite_utils"]


def sqlite_utils_version(command: list[str]) -> str:
    result = subprocess.run(command + ["--version"], capture_output=True, text=True, check=True)
    return result.stdout.strip().split()[-1]


def sqlite_utils_type_flags(command: list[str]) -> list[str]:
    """`--detect-types` where it exists (sqlite-utils 3.x); 4.x detects types by default and has no such flag."""
    help_text = subprocess.run(command + ["insert", "--help"], capture_output=True, text=True, check=True).stdout
    return ["--detect-types"] if re.search(r"^\s+(-d, )?--detect-types\b", help_text, re.M) else []


# --- Servers on loopback -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A server started on loopback for the benchmark, its memory read from /proc/<pid>/status."""

    def __init__(self, name: str, argv: list[str], port: int, ready_path: str, log_path: Path,
                 env: dict[str, str] | None = None, cwd: Path | None = None):
        self.name, self.argv, self.port, self.ready_path, self.log_path = name, argv, port, ready_path, log_path
        self.env = {**os.environ, **(env or {})}
        self.cwd = cwd
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> None:
        log(f"starting {self.name}: {shlex.join(display_argv(self.argv))}")
        with open(self.log_path, "wb") as out:
            self.process = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            env=self.env, cwd=self.cwd, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if http_get(self.base + self.ready_path, timeout=2).status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        sys.exit(f"{self.name} did not answer on {self.base}{self.ready_path} within {timeout:.0f} s:\n{self.log_tail()}")

    def memory_kb(self, key: str) -> int:
        """A memory figure of /proc/<pid>/status in KB: `VmRSS` (now) or `VmHWM` (peak)."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except (OSError, AttributeError):
            return 0
        match = re.search(rf"^{key}:\s+(\d+) kB", status, re.M)
        return int(match.group(1)) if match else 0

    def cpu_ticks(self) -> int:
        """User plus system CPU time of the server so far, in clock ticks (/proc/<pid>/stat)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, AttributeError, IndexError):
            return 0
        return int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15 of stat(5)

    def wait_idle(self, limit: float = 120) -> float:
        """Waits until the server stops working on requests that a finished wrk run left behind (wrk does not wait
        for the answers in flight at its end), so that they do not count against the next run. Returns the wait."""
        start = time.monotonic()
        tick = os.sysconf("SC_CLK_TCK")
        before = self.cpu_ticks()
        while time.monotonic() - start < limit and self.alive():
            time.sleep(0.5)
            now = self.cpu_ticks()
            if now - before <= 0.05 * 0.5 * tick + 1:  # under about 5% of a core: idle
                break
            before = now
        return time.monotonic() - start

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@dataclass
class HTTPResult:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def summary(self) -> str:
        """A short description of a failed answer, for the report."""
        text = self.body[:5000].decode("utf-8", errors="replace")
        try:
            body = json.loads(self.body[:5000])
            if isinstance(body, dict):
                code = body.get("error_code") or body.get("error") or body.get("title") or ""
                message = body.get("message") or ""
                text = f"{code}: {message}".strip(": ")
        except ValueError:
            title = re.search(r"<title>(.*?)</title>", text, re.S | re.I)
            text = re.sub(r"\s+", " ", title.group(1)).strip() if title else ""
        return f"HTTP {self.status}" + (f" ({text})" if text else "")


def http_get(url: str, headers: dict[str, str] | None = None, timeout: float = 120) -> HTTPResult:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return HTTPResult(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


@dataclass
class Download:
    status: int
    bytes: int
    seconds: float
    lines: int

    @property
    def mb_per_second(self) -> float:
        return self.bytes / MB / self.seconds if self.seconds > 0 else 0.0


def stream_download(url: str, timeout: float = 1800) -> Download:
    """Downloads `url` as a client that saves a file would, counting bytes and lines: with curl, which parses HTTP
    in C so that the client is not what limits the rate, else with Python's http.client in 1 MB reads."""
    if shutil.which("curl"):
        return curl_download(url, timeout)
    parts = urllib.parse.urlsplit(url)
    start = time.perf_counter()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    total = lines = 0
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = connection.getresponse()
        while chunk := response.read(MB):
            total += len(chunk)
            lines += chunk.count(b"\n")
        status = response.status
    finally:
        connection.close()
    return Download(status, total, time.perf_counter() - start, lines)


def curl_download(url: str, timeout: float) -> Download:
    start = time.perf_counter()
    curl = subprocess.Popen(["curl", "--silent", "--show-error", "--max-time", str(int(timeout)), "--output", "-",
                             "--write-out", "%{stderr}HTTP %{http_code}", url],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    total = lines = 0
    while chunk := curl.stdout.read(MB):
        total += len(chunk)
        lines += chunk.count(b"\n")
    stderr = curl.stderr.read().decode(errors="replace")
    curl.wait()
    seconds = time.perf_counter() - start
    status = re.search(r"HTTP (\d+)", stderr)
    if curl.returncode != 0 or not status:
        raise OSError(f"curl exit {curl.returncode}: {stderr.strip()[-200:]}")
    return Download(int(status.group(1)), total, seconds, lines)


def path_with_query(path: str, query: list[tuple[str, str]]) -> str:
    """A request path with its query string percent-encoded (spaces as %20, as browsers and clients send them)."""
    return path + ("?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote) if query else "")


# --- wrk ---------------------------------------------------------------------------------------------------------

# Rotates through the request paths listed in a file (one a line), so a class of queries is not one cached
# answer, and prints the figures in one parseable line. Latencies are in microseconds.
WRK_SCRIPT = """
local paths = {}
local index = 0
function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  index = math.random(#paths) - 1
end
function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH_RESULT %d %d %d %d %d %d %d %d %.1f %.1f %.1f %.1f\\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max))
end
"""


@dataclass
class WrkResult:
    """What one wrk run measured."""

    requests: int = 0
    seconds: float = 0.0
    bytes: int = 0
    socket_errors: int = 0
    non_2xx: int = 0
    timeouts: int = 0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    mean_ms: float = 0.0
    max_ms: float = 0.0
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and self.requests > 0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    def problems(self) -> str:
        """Failed requests, if any, for the report."""
        notes = []
        if self.non_2xx:
            notes.append(f"{self.non_2xx:,} non-2xx/3xx")
        if self.socket_errors:
            notes.append(f"{self.socket_errors:,} socket errors")
        if self.timeouts:
            notes.append(f"{self.timeouts:,} timeouts")
        return ", ".join(notes)


def wrk_version() -> str:
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    match = re.search(r"wrk (\S+)", result.stdout + result.stderr)
    return match.group(1) if match else "unknown"


def ensure_wrk() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: install the Debian package `wrk` (apt-get install wrk)")


def run_wrk(base: str, paths: list[str], duration: float, workdir: Path, headers: dict[str, str] | None = None,
            threads: int = 2, connections: int = 8, timeout_seconds: int = 30) -> WrkResult:
    """`wrk -tT -cC -dDs --latency` against `base`, rotating through `paths`."""
    script = workdir / "rotate.lua"
    script.write_text(WRK_SCRIPT)
    paths_file = Path(tempfile.mkstemp(prefix="paths-", suffix=".txt", dir=workdir)[1])
    paths_file.write_text("\n".join(paths) + "\n")
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency",
            f"--timeout={timeout_seconds}s", "-s", str(script)]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    argv += [base + paths[0], "--", str(paths_file)]
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60)
    except subprocess.TimeoutExpired:
        return WrkResult(error="wrk did not finish")
    finally:
        paths_file.unlink(missing_ok=True)
    match = re.search(r"^BENCH_RESULT (.+)$", result.stdout, re.M)
    if result.returncode != 0 or not match:
        return WrkResult(error=f"wrk failed: {(result.stderr or result.stdout).strip()[-300:]}")
    values = match.group(1).split()
    requests, micros, size, connect, read, write, status, timeouts = (int(value) for value in values[:8])
    p50, p99, mean, worst = (float(value) / 1000 for value in values[8:12])
    result = WrkResult(requests, micros / 1e6, size, connect + read + write, status, timeouts, p50, p99, mean, worst)
    if requests == 0:
        result.error = f"no answer completed within the {duration:.0f} s run"
    return result


def rate_text(rps: float) -> str:
    """Requests per second for a table: whole numbers, with one decimal below 100."""
    return f"{rps:,.1f}" if rps < 100 else f"{rps:,.0f}"


# --- Reports -----------------------------------------------------------------------------------------------------


def machine_facts(with_swift: bool = True) -> list[str]:
    facts = [f"{os.cpu_count()} CPUs (`nproc`: {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()})"]
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
        if model:
            facts.append(model.group(1).strip())
    except OSError:
        pass
    free = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.splitlines()
    memory = next((line.split() for line in free if line.startswith("Mem:")), None)
    if memory:
        facts.append(f"{memory[1]} GiB of RAM (`free -g`)")
    facts.append(f"{platform.system()} {platform.release()}, Python {platform.python_version()}")
    if with_swift and shutil.which("swift"):
        swift = subprocess.run(["swift", "--version"], capture_output=True, text=True)
        version = re.search(r"Swift version (\S+)", swift.stdout + swift.stderr)
        if version:
            facts.append(f"Swift {version.group(1)}")
    return facts


def git_revision() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    if head.returncode != 0:
        return "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True, text=True)
    return head.stdout.strip() + (" with uncommitted changes" if dirty.stdout.strip() else "")


def garona_version(args) -> str:
    """This repository's revision, or a note that another binary was measured."""
    revision = git_revision()
    return f"{revision} (scripts; binary given with `--garona-bin`)" if args.garona_bin is not None else revision


PATH_OPTIONS = ("--tmp-dir", "--data-dir", "--datasette-dir", "--garona", "--garona-bin", "--generator")


def shown_arguments(argv: list[str]) -> list[str]:
    """The arguments for the report, without those that name paths of this machine."""
    shown, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in PATH_OPTIONS:
            skip = True
        elif not arg.startswith(tuple(option + "=" for option in PATH_OPTIONS)):
            shown.append(arg)
    return shown


def display_argv(argv: list[str], workdir: Path | None = None) -> list[str]:
    """The command as shown to people: no temporary directory, no absolute path of this machine."""
    shown = []
    for arg in argv:
        if workdir is not None:
            arg = arg.replace(str(workdir) + os.sep, "")
        arg = arg.replace(str(REPO) + os.sep, "")
        if arg == sys.executable:
            arg = "python3"
        elif os.path.isabs(arg) and os.path.isfile(arg) and os.access(arg, os.X_OK):
            arg = os.path.basename(arg)
        shown.append(arg)
    return shown


def busy_note(load: float) -> str | None:
    """A warning for the report when other processes kept the CPUs busy during the run."""
    cpus = os.cpu_count() or 1
    if load <= cpus:
        return None
    return (f"**The machine was busy**: a 1-minute load average of {load:.1f} on {cpus} CPUs means other processes "
            "competed with the benchmark: these figures are lower than a quiet machine gives; run it again on one.")


def met(condition: bool | None) -> str:
    return "not measured" if condition is None else ("**met**" if condition else "**not met**")


def write_docs(start: str, end: str, section: str, heading: str, path: Path = DOCS) -> None:
    """Replaces the text between the markers `start` and `end` of `path` (docs/benchmarks.md), adding `heading` (if
    any) and the markers at the end of the page when they are missing. Nothing outside the markers changes."""
    text = path.read_text() if path.exists() else ("# Benchmarks\n" if path == DOCS else "")
    if start not in text or end not in text:
        text = "\n\n".join(part for part in (text.rstrip("\n"), heading.strip(), f"{start}\n{end}\n") if part)
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{before}{start}\n{section}{end}{after}")
    log(f"wrote {path.relative_to(REPO)}")

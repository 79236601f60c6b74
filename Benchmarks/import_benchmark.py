#!/usr/bin/env python3
"""Import benchmark of issue 3: `garona import` against `sqlite-utils insert --csv`, side by side in one run.

1. Builds `garona` in release mode (`swift build -c release --product garona`).
2. Generates the seeded sample file (`garona sample --seed 42`, 12 columns of French open data).
3. Imports the same file with `garona import` and with `sqlite-utils insert --csv --delimiter ";"` (type
   detection on), measuring the wall time and the peak RSS of each child process (`os.wait4`).
4. Imports a file five times larger with Garona only, to show that memory does not grow with the file.

Prints a Markdown report; `--write-docs` also puts it in docs/benchmarks.md between the markers
`<!-- import-benchmark:start -->` and `<!-- import-benchmark:end -->`.
Ratios matter, not absolute times: both tools run on the same machine, on the same file, in the same run.

Standard library only, plus sqlite-utils from PyPI (installed with pip when missing).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs" / "benchmarks.md"
START = "<!-- import-benchmark:start -->"
END = "<!-- import-benchmark:end -->"
MB = 1024 * 1024

DOCS_INTRO = """# Benchmarks

Garona's benchmarks run its tools side by side with well-known peers, on the same machine, on the same data,
in the same run. **The ratios are the point, not the absolute times**: those depend on the machine, the ratios much
less. Each section says which command produced it; run it again to refresh the figures. See `Benchmarks/README.md`.

## Import

`garona import` against `sqlite-utils insert --csv` (Datasette's loader, with its type detection) on the seeded
12-column file of French open data that `garona sample` writes (`Benchmarks/`), then a file five times larger with
Garona alone, to show that its memory does not grow with the file. Targets of issue 3: at least 5 times faster
than sqlite-utils, and a peak RSS of at most 256 MB at both sizes.

"""


@dataclass
class Run:
    """One measured child process."""

    label: str
    rows: int
    seconds: float
    cpu_seconds: float
    max_rss_kb: int
    returncode: int
    stdout: str = ""
    stderr: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def rss_mb(self) -> float:
        return self.max_rss_kb / 1024  # ru_maxrss is in KB on Linux


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# Runs one command and reports its exit code, peak RSS and wall time. A small launcher forks it, because the
# peak RSS of a process includes that of the process it was forked from (Linux keeps the old high-water mark across
# exec): forked from this script directly, every command would count this script's own memory.
LAUNCHER = """
import os, sys, time
result, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(result, "w") as out:
    cpu = usage.ru_utime + usage.ru_stime
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss} {seconds} {cpu}")
"""


def measure(label: str, rows: int, argv: list[str], workdir: Path, timeout: float) -> Run:
    """Runs argv and returns its wall time and peak RSS (`os.wait4`). Kills it after `timeout` seconds."""
    out_path, err_path, result_path = workdir / "child.stdout", workdir / "child.stderr", workdir / "child.result"
    result_path.unlink(missing_ok=True)
    log(f"{label}: {shlex.join(display_argv(argv, workdir))}")
    notes = [f"load {os.getloadavg()[0]:.1f}"]
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        launcher = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", LAUNCHER, str(result_path), *argv],
            stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=workdir, start_new_session=True,
        )
        try:
            launcher.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()
            notes.append(f"killed after {timeout:.0f} s")
    try:
        code, max_rss_kb, seconds, cpu_seconds = result_path.read_text().split()
        returncode, rss, elapsed, cpu = int(code), int(max_rss_kb), float(seconds), float(cpu_seconds)
    except (OSError, ValueError):
        returncode, rss, elapsed, cpu = -9, 0, timeout, 0.0
    run = Run(
        label, rows, elapsed, cpu, rss, returncode,
        out_path.read_text(errors="replace"), err_path.read_text(errors="replace"), notes,
    )
    state = "ok" if run.ok else f"FAILED (exit {returncode})"
    log(f"{label}: {state}, {elapsed:.2f} s (CPU {cpu:.2f} s), peak RSS {run.rss_mb:.1f} MB")
    if not run.ok:
        log("stderr: " + run.stderr.strip()[-2000:])
    return run


def display_argv(argv: list[str], workdir: Path) -> list[str]:
    """The command as shown to people: no temporary directory, no absolute path of this machine."""
    shown = []
    for arg in argv:
        arg = arg.replace(str(workdir) + os.sep, "")
        arg = arg.replace(str(REPO) + os.sep, "")
        if arg == sys.executable:
            arg = "python3"
        elif os.path.isabs(arg) and os.path.isfile(arg) and os.access(arg, os.X_OK):
            arg = os.path.basename(arg)
        shown.append(arg)
    return shown


def ensure_sqlite_utils() -> list[str]:
    """The command that runs sqlite-utils with this interpreter, installing it from PyPI if needed."""
    try:
        import sqlite_utils  # noqa: F401
    except ImportError:
        log("installing sqlite-utils with pip")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "sqlite-utils"], check=True)
    return [sys.executable, "-m", "sqlite_utils"]


def sqlite_utils_version(command: list[str]) -> str:
    result = subprocess.run(command + ["--version"], capture_output=True, text=True, check=True)
    return result.stdout.strip().split()[-1]


def sqlite_utils_type_flags(command: list[str]) -> list[str]:
    """`--detect-types` where it exists (sqlite-utils 3.x); 4.x detects types by default and has no such flag."""
    help_text = subprocess.run(command + ["insert", "--help"], capture_output=True, text=True, check=True).stdout
    return ["--detect-types"] if re.search(r"^\s+(-d, )?--detect-types\b", help_text, re.M) else []


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


def has_command(garona: str, command: str, options: list[str]) -> bool:
    """Whether `garona COMMAND --help` works and lists these options."""
    result = subprocess.run([garona, command, "--help"], capture_output=True, text=True, timeout=60)
    return result.returncode == 0 and all(option in result.stdout for option in options)


def garona_fields(summary: str) -> dict[str, str]:
    """Field name → type from the `Fields:` block of `garona import`'s summary."""
    fields: dict[str, str] = {}
    in_fields = False
    for line in summary.splitlines():
        if line.startswith("Fields:"):
            in_fields = True
        elif in_fields and line.startswith("  "):
            parts = line.split()
            if len(parts) >= 2:
                fields[parts[0]] = parts[1]
        elif in_fields:
            break
    return fields


def garona_records(summary: str) -> int | None:
    match = re.search(r":\s*([\d\s,.\u00a0\u202f]+?)\s+records", summary)
    return int(re.sub(r"\D", "", match.group(1))) if match else None


def sqlite_table_facts(db: Path, table: str) -> tuple[int, dict[str, str]]:
    with sqlite3.connect(db) as connection:
        count = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        columns = {row[1]: row[2] or "(none)" for row in connection.execute(f'PRAGMA table_info("{table}")')}
    return count, columns


def machine_facts() -> list[str]:
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


def seconds_text(run: Run) -> str:
    return f"{run.seconds:.2f}" if run.ok else f"failed (exit {run.returncode})"


def report(args, runs: dict[str, Run], sqlite_columns: dict[str, str], garona_types: dict[str, str],
           versions: dict[str, str], skipped: list[str]) -> str:
    lines = [
        f"Run on {time.strftime('%Y-%m-%d')}, Garona {versions['garona']}, sqlite-utils {versions['sqlite-utils']}.",
        "",
        "Machine: " + "; ".join(machine_facts()) + ".",
        "",
        "Command, from the repository root:",
        "",
        "```sh",
        shlex.join(["python3", "Benchmarks/import_benchmark.py"] + args.shown_argv),
        "```",
        "",
        "| Step | Rows | File | Wall time (s) | CPU time (s) | Rows per second | Peak RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key, run in runs.items():
        size = args.sizes.get(run.rows)
        rate = f"{run.rows / run.seconds:,.0f}" if run.ok and run.seconds > 0 else "–"
        file = f"{size / MB:,.0f} MB" if size else "–"
        lines.append(
            f"| {run.label} | {run.rows:,} | {file} | {seconds_text(run)} | {run.cpu_seconds:.2f} | {rate} "
            f"| {run.rss_mb:,.1f} |"
        )
    lines.append("")
    garona_small, peer, garona_big = runs.get("garona"), runs.get("sqlite-utils"), runs.get("garona-big")
    if garona_small and peer and garona_small.ok and peer.ok:
        ratio = peer.seconds / garona_small.seconds
        cpu_ratio = peer.cpu_seconds / garona_small.cpu_seconds if garona_small.cpu_seconds else 0
        lines.append(
            f"- **Time ratio** at {garona_small.rows:,} rows: sqlite-utils takes **{ratio:.1f}×** as long as Garona "
            f"in wall time ({cpu_ratio:.1f}× in CPU time; target: at least 5×, {'met' if ratio >= 5 else 'not met'})."
        )
        lines.append(
            f"- **Peak RSS** at {garona_small.rows:,} rows: Garona {garona_small.rss_mb:.0f} MB, "
            f"sqlite-utils {peer.rss_mb:.0f} MB."
        )
    if garona_small and garona_big and garona_small.ok and garona_big.ok:
        growth = garona_big.rss_mb / garona_small.rss_mb
        worst = max(garona_small.rss_mb, garona_big.rss_mb)
        lines.append(
            f"- **Memory against file size**: {garona_big.rows // garona_small.rows}× the rows, "
            f"{growth:.2f}× the peak RSS ({garona_small.rss_mb:.0f} MB → {garona_big.rss_mb:.0f} MB; "
            f"target: at most 256 MB at both sizes, {'met' if worst <= 256 else 'not met'})."
        )
    loads = ", ".join(run.notes[0].split()[1] for run in runs.values() if run.notes)
    lines.append(
        f"- 1-minute load average before each step: {loads} (on {os.cpu_count()} CPUs). A load above the CPU count "
        "means another process competed: compare the CPU times then."
    )
    for reason in skipped:
        lines.append(f"- {reason}")
    if garona_types or sqlite_columns:
        lines += ["", "Column types each tool chose:", "", "| Column | Garona | sqlite-utils |", "|---|---|---|"]
        for name in sqlite_columns or garona_types:
            lines.append(f"| `{name}` | {garona_types.get(name, '–')} | {sqlite_columns.get(name, '–')} |")
    return "\n".join(lines) + "\n"


def write_docs(section: str) -> None:
    text = DOCS.read_text() if DOCS.exists() else DOCS_INTRO + f"{START}\n{END}\n"
    if START not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n{START}\n{END}\n"
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(f"{before}{START}\n{section}{END}{after}")
    log(f"wrote {DOCS.relative_to(REPO)}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the side-by-side file (default 1000000)")
    parser.add_argument("--big-rows", type=int, default=5_000_000,
                        help="rows of the Garona-only file, 0 to skip (default 5000000)")
    parser.add_argument("--seed", type=int, default=42, help="generator seed (default 42)")
    parser.add_argument("--skip-build", action="store_true", help="use the existing release binary")
    parser.add_argument("--garona", type=Path, default=REPO / ".build" / "release" / "garona",
                        help="the garona binary (default: the release build of this repository)")
    parser.add_argument("--generator", type=Path, default=None,
                        help="the binary whose `sample` command writes the files (default: the --garona binary)")
    parser.add_argument("--tmp-dir", type=Path, default=None, help="where the temporary files go (default: system)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed to each step (default 1800)")
    parser.add_argument("--write-docs", action="store_true", help="write the report into docs/benchmarks.md")
    args = parser.parse_args()
    if args.rows <= 0 or args.big_rows < 0:
        parser.error("--rows must be positive and --big-rows 0 or more")
    args.shown_argv = shown_arguments(sys.argv[1:])
    return args


def shown_arguments(argv: list[str]) -> list[str]:
    """The arguments for the report, without those that name paths of this machine."""
    shown, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("--tmp-dir", "--garona", "--generator"):
            skip = True
        elif not arg.startswith(("--tmp-dir=", "--garona=", "--generator=")):
            shown.append(arg)
    return shown


def main() -> None:
    args = parse_args()
    sqlite_utils = ensure_sqlite_utils()
    if not args.skip_build:
        build_garona(args.timeout)
    garona = str(args.garona.resolve())
    generator = str((args.generator or args.garona).resolve())
    if not has_command(generator, "sample", ["--rows", "--seed", "--output"]):
        sys.exit(f"garona: {args.generator or args.garona} has no working `sample` command")
    has_import = has_command(garona, "import", ["--data-dir", "--dataset"])
    skipped = [] if has_import else ["`garona import` is not available in this build: only sqlite-utils was measured."]
    versions = {"garona": git_revision(), "sqlite-utils": sqlite_utils_version(sqlite_utils)}
    type_flags = sqlite_utils_type_flags(sqlite_utils)
    if not type_flags:
        skipped.append(
            f"sqlite-utils {versions['sqlite-utils']} detects CSV column types by default: its old `--detect-types` "
            "flag is now the default, and `--no-detect-types` turns it off."
        )

    workdir = Path(tempfile.mkdtemp(prefix="garona-bench-", dir=args.tmp_dir))
    runs: dict[str, Run] = {}
    sqlite_columns: dict[str, str] = {}
    garona_types: dict[str, str] = {}
    args.sizes = {}
    try:
        def generate(rows: int) -> Path:
            path = workdir / f"sample-{rows}.csv"
            run = measure("`garona sample` (generate)", rows, [generator, "sample", "--rows", str(rows), "--seed",
                                                          str(args.seed), "--output", str(path)], workdir, args.timeout)
            if not run.ok:
                sys.exit("garona sample failed: " + run.stderr.strip())
            runs[f"sample-{rows}"] = run
            args.sizes[rows] = path.stat().st_size
            return path

        def garona_import(key: str, path: Path, rows: int) -> None:
            data_dir = workdir / f"data-{key}"
            run = measure("`garona import`", rows, [garona, "import", str(path), "--data-dir", str(data_dir),
                                                    "--dataset", "bench"], workdir, args.timeout)
            runs[key] = run
            if run.ok:
                print(run.stdout.strip(), file=sys.stderr)
                records = garona_records(run.stdout)
                if records is not None and records != rows:
                    run.notes.append(f"reported {records} records")
                    log(f"WARNING: garona reported {records} records, expected {rows}")
                if not garona_types:
                    garona_types.update(garona_fields(run.stdout))
            shutil.rmtree(data_dir, ignore_errors=True)

        small = generate(args.rows)
        db = workdir / "sqlite-utils.db"
        peer = measure(
            "`sqlite-utils insert --csv`" + (" `--detect-types`" if type_flags else ""), args.rows,
            sqlite_utils + ["insert", str(db), "bench", str(small), "--csv", "--delimiter", ";", *type_flags, "--silent"],
            workdir, args.timeout,
        )
        runs["sqlite-utils"] = peer
        if peer.ok:
            count, sqlite_columns = sqlite_table_facts(db, "bench")
            if count != args.rows:
                log(f"WARNING: sqlite-utils stored {count} rows, expected {args.rows}")
        db.unlink(missing_ok=True)
        if has_import:
            garona_import("garona", small, args.rows)
        small.unlink()
        if has_import and args.big_rows:
            big = generate(args.big_rows)
            garona_import("garona-big", big, args.big_rows)
            big.unlink()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    text = report(args, runs, sqlite_columns, garona_types, versions, skipped)
    print(text)
    if args.write_docs:
        write_docs(text)


if __name__ == "__main__":
    main()

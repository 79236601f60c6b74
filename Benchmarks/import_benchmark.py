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

import benchlib
from benchlib import (
    MB, display_argv, ensure_sqlite_utils, has_command, garona_fields, garona_records, log,
    machine_facts, sqlite_utils_type_flags, sqlite_utils_version,
)

START = "<!-- import-benchmark:start -->"
END = "<!-- import-benchmark:end -->"
HEADING = """## Import

`garona import` against `sqlite-utils insert --csv` (Datasette's loader, with its type detection) on the seeded
12-column file of French open data that `garona sample` writes (`Benchmarks/`), then a file five times larger with
Garona alone, to show that its memory does not grow with the file. Targets of issue 3: at least 5 times faster
than sqlite-utils, and a peak RSS of at most 256 MB at both sizes."""


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


def sqlite_table_facts(db: Path, table: str) -> tuple[int, dict[str, str]]:
    with sqlite3.connect(db) as connection:
        count = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        columns = {row[1]: row[2] or "(none)" for row in connection.execute(f'PRAGMA table_info("{table}")')}
    return count, columns


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


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the side-by-side file (default 1000000)")
    parser.add_argument("--big-rows", type=int, default=5_000_000,
                        help="rows of the Garona-only file, 0 to skip (default 5000000)")
    parser.add_argument("--seed", type=int, default=42, help="generator seed (default 42)")
    benchlib.add_garona_arguments(parser)
    parser.add_argument("--generator", type=Path, default=None,
                        help="the binary whose `sample` command writes the files (default: the garona binary)")
    benchlib.add_run_arguments(parser, timeout=1800, timeout_of="step", keep=False)
    args = parser.parse_args()
    if args.rows <= 0 or args.big_rows < 0:
        parser.error("--rows must be positive and --big-rows 0 or more")
    args.shown_argv = benchlib.shown_arguments(sys.argv[1:])
    return args


def main() -> None:
    args = parse_args()
    sqlite_utils = ensure_sqlite_utils()
    garona = benchlib.garona_binary(args, args.timeout)
    generator = str(args.generator.resolve()) if args.generator else garona
    if not has_command(generator, "sample", ["--rows", "--seed", "--output"]):
        sys.exit(f"garona: {generator} has no working `sample` command")
    has_import = has_command(garona, "import", ["--data-dir", "--dataset"])
    skipped = [] if has_import else ["`garona import` is not available in this build: only sqlite-utils was measured."]
    versions = {"garona": benchlib.garona_version(args), "sqlite-utils": sqlite_utils_version(sqlite_utils)}
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
        benchlib.write_docs(START, END, text, HEADING)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Data API benchmark of issue 4: Garona's Explore API against Datasette, side by side in one run.

1. Generates the seeded sample file (`garona sample --seed 42`, 12 columns of French open data) and loads it twice:
   `garona import` into a Garona data directory, and `sqlite-utils insert --csv` (type detection on) into a SQLite
   file for Datasette, with full-text search on `description` (`sqlite-utils enable-fts`, FTS5, the same tokenizer
   as Garona) and an index on each column Garona indexes (its facet and sortable fields).
2. Starts `garona serve` (rate limit off) and `datasette serve -i` on loopback, and checks that both answer the same
   counts for every query.
3. Measures each query class with `wrk -t2 -c8 --latency` on both servers in turn: equality filter on a facet field,
   range plus sort, full-text search, record by id, facet counts on two fields, `group_by` with `avg`. Each class
   rotates through a few seeded variants of its query. Then the full CSV export, downloaded with curl.
4. Reports req/s, p50/p99 latency, export MB/s, the peak RSS of each server (VmHWM), the ratios and issue 4's targets.

Prints a Markdown report; `--write-docs` also puts it in docs/benchmarks.md between the markers
`<!-- api-benchmark:start -->` and `<!-- api-benchmark:end -->`.
Standard library only, plus sqlite-utils and datasette from PyPI (installed with pip when missing) and wrk (Debian).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchlib
from api_queries import (
    API, DATABASE, FACET_FIELDS, FILTER_FIELD, PAGE, TABLE, TEXT_FIELD, QueryClass, query_classes, query_values, sanity,
)
from benchlib import MB, log, met

START = "<!-- api-benchmark:start -->"
END = "<!-- api-benchmark:end -->"
HEADING = """## Data API

Garona's Explore API v2.1 against [Datasette](https://datasette.io/) on the same 1,000,000 rows of the seeded sample
file, both on loopback, measured in turn by `wrk` at concurrency 8 (`Benchmarks/api_benchmark.py`). Targets of
issue 4: at least 5× Datasette's req/s on every class, p99 at most 50 ms on the filter, search and record classes,
export at least 5× Datasette's MB/s, and a peak RSS of at most 128 MB."""

TOKENIZER = "unicode61 remove_diacritics 2"  # Garona's FTS5 tokenizer
DATASETTE_SETTINGS = {
    "sql_time_limit_ms": "60000",  # no query of the benchmark is cut short (the default is 1000)
    "facet_time_limit_ms": "60000",  # facet counts over 1,000,000 rows take longer than the default 200 ms
    "max_returned_rows": "1000",  # Datasette's default; no class asks for more than 10 rows
    "num_sql_threads": "4",  # two per core: SQLite releases the GIL while it reads, so Python renders meanwhile
    "max_csv_mb": "0",  # no cap on the streamed CSV export (the default stops at 100 MB)
    "suggest_facets": "off",  # not part of any query here; it would add work to every table page
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the dataset (default 1000000)")
    parser.add_argument("--duration", type=float, default=30, help="seconds of wrk per class and server (default 30)")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of unmeasured load before each (default 3)")
    parser.add_argument("--export-runs", type=int, default=2, help="full CSV downloads per server, best kept (default 2)")
    parser.add_argument("--seed", type=int, default=42, help="generator and query seed (default 42)")
    benchlib.add_garona_arguments(parser)
    parser.add_argument("--datasette-dir", type=Path, default=None,
                        help="keep Datasette's database here: loaded on the first run, used as is on the next ones")
    benchlib.add_run_arguments(parser, timeout=3600, timeout_of="loading step")
    args = parser.parse_args()
    if args.rows < 1000 or args.duration <= 0 or args.export_runs < 1:
        parser.error("--rows must be at least 1000, --duration positive and --export-runs at least 1")
    args.shown_argv = benchlib.shown_arguments(sys.argv[1:])
    return args


def timed(label: str, argv: list[str], timeout: float, workdir: Path) -> float:
    log(f"{label}: {shlex.join(benchlib.display_argv(argv, workdir))}")
    start = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        sys.exit(f"{label} failed (exit {result.returncode}):\n{(result.stderr or result.stdout)[-3000:]}")
    seconds = time.perf_counter() - start
    log(f"{label}: {seconds:.1f} s")
    return seconds


def load_datasette_db(sqlite_utils: list[str], csv: Path, db: Path, indexed: list[str], args, workdir: Path,
                      loads: dict[str, float]) -> None:
    """sqlite-utils as Datasette's documentation does it: insert with type detection, then full-text search, then
    the indexes Garona builds for the same fields, then ANALYZE."""
    flags = benchlib.sqlite_utils_type_flags(sqlite_utils)
    loads["sqlite-utils insert --csv"] = timed(
        "sqlite-utils insert", sqlite_utils + ["insert", str(db), "bench", str(csv), "--csv", "--delimiter", ";",
                                               "--pk", "id", *flags, "--silent"], args.timeout, workdir)
    start = time.perf_counter()
    timed("sqlite-utils enable-fts", sqlite_utils + ["enable-fts", str(db), "bench", TEXT_FIELD, "--fts5",
                                                     "--tokenize", TOKENIZER], args.timeout, workdir)
    with sqlite3.connect(db) as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(bench)")}
    for column in indexed:
        if column in columns and column != "id":  # id is the primary key already
            subprocess.run(sqlite_utils + ["create-index", str(db), "bench", column], check=True, timeout=args.timeout)
    subprocess.run(sqlite_utils + ["analyze", str(db)], check=True, timeout=args.timeout)
    loads["sqlite-utils enable-fts, create-index, analyze"] = time.perf_counter() - start


def reusable(db: Path, rows: int) -> bool:
    """Whether an earlier run left Datasette's database complete: the table, its rows and its full-text index."""
    if not db.exists():
        return False
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            count = connection.execute("SELECT count(*) FROM bench").fetchone()[0]
            search = connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'bench_fts'").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    return count == rows and search == 1


def garona_record_ids(data_dir: Path, ids: list[int]) -> dict[int, str]:
    """The API record id (`_id`) of some rows, keyed by the file's `id` column. The API has no way to list record
    ids, so they are read from Garona's database, read-only."""
    connection = sqlite3.connect(f"file:{data_dir / 'garona.sqlite'}?mode=ro", uri=True)
    try:
        (table,) = connection.execute("SELECT records_table FROM datasets WHERE id = 'bench'").fetchone()
        marks = ",".join("?" * len(ids))
        rows = connection.execute(f'SELECT "id", "_id" FROM "{table}" WHERE "id" IN ({marks})', ids).fetchall()
    finally:
        connection.close()
    return {int(row_id): record_id for row_id, record_id in rows}


def measure(query: QueryClass, servers: dict[str, benchlib.Server], args, workdir: Path) -> None:
    for name, server in servers.items():
        if name in query.errors:
            continue
        paths = query.garona if name == "garona" else query.datasette
        if args.warmup > 0:
            benchlib.run_wrk(server.base, paths, args.warmup, workdir)
            server.wait_idle()
        log(f"{query.key}: wrk on {name} for {args.duration:.0f} s")
        result = benchlib.run_wrk(server.base, paths, args.duration, workdir)
        waited = server.wait_idle()
        if waited > 2:
            log(f"{query.key}: {name} finished the answers left in flight in {waited:.0f} s")
        query.results[name] = result
        if result.ok:
            extra = f" ({result.problems()})" if result.problems() else ""
            log(f"{query.key}: {name} {benchlib.rate_text(result.rps)} req/s, p50 {result.p50_ms:.1f} ms, "
                f"p99 {result.p99_ms:.1f} ms{extra}")
        else:
            query.errors[name] = result.error
            log(f"{query.key}: {name} {result.error}")


def export(servers: dict[str, benchlib.Server], args, rows: int) -> dict[str, tuple[benchlib.Download | None, str]]:
    urls = {"garona": f"{API}/exports/csv", "datasette": f"{TABLE}.csv?_stream=on&_size=max"}
    exports: dict[str, tuple[benchlib.Download | None, str]] = {}
    for name, server in servers.items():
        best: benchlib.Download | None = None
        error = ""
        for attempt in range(args.export_runs):
            log(f"export: {name} download {attempt + 1} of {args.export_runs}")
            try:
                download = benchlib.stream_download(server.base + urls[name])
            except OSError as failure:
                error = f"download failed ({failure})"
                break
            if download.status != 200:
                error = f"HTTP {download.status}"
                break
            log(f"export: {name} {download.bytes / MB:,.1f} MB in {download.seconds:.2f} s, "
                f"{download.mb_per_second:,.1f} MB/s, {download.lines - 1:,} lines after the header")
            if download.lines - 1 != rows:
                error = f"{download.lines - 1:,} lines for {rows:,} rows"
            if best is None or download.seconds < best.seconds:
                best = download
        exports[name] = (best if not error.startswith(("HTTP", "download")) else None, error)
    return exports


# --- The report ----------------------------------------------------------------------------------------------------


def cell(query: QueryClass, name: str) -> tuple[str, str, str]:
    result = query.results.get(name)
    if name in query.errors or result is None or not result.ok:
        return f"error: {query.errors.get(name, 'not run')}", "–", "–"
    rps = benchlib.rate_text(result.rps) + (f" ({result.problems()})" if result.problems() else "")
    return rps, f"{result.p50_ms:.1f}", f"{result.p99_ms:.1f}"


def clean(result: benchlib.WrkResult | None) -> bool:
    return result is not None and result.ok and not result.problems()


def report(args, classes: list[QueryClass], exports, memory: dict[str, dict[str, int]], loads: dict[str, float],
           versions: dict[str, str], notes: list[str], extra_notes: list[str]) -> str:
    settings = " ".join(f"--setting {key} {value}" for key, value in DATASETTE_SETTINGS.items())
    lines = [
        f"Run on {time.strftime('%Y-%m-%d')}: Garona {versions['garona']}, Datasette {versions['datasette']}, "
        f"sqlite-utils {versions['sqlite-utils']}, SQLite {sqlite3.sqlite_version}, wrk {versions['wrk']}.",
        "",
        "Machine: " + "; ".join(benchlib.machine_facts(with_swift=False)) + ". wrk, both servers and curl "
        "share these CPUs.",
        "",
        "Command, from the repository root:",
        "",
        "```sh",
        shlex.join(["python3", "Benchmarks/api_benchmark.py"] + args.shown_argv),
        "```",
        "",
        f"{args.rows:,} rows (`garona sample --seed {args.seed}`). Each class: `wrk -t2 -c8 -d{args.duration:.0f}s "
        f"--latency` after {args.warmup:.0f} s of warm-up, rotating through seeded variants of the query; "
        f"{PAGE} rows per answer on both sides, with the total count.",
        "",
        "| Query class | Garona req/s | p50 (ms) | p99 (ms) | Datasette req/s | p50 (ms) | p99 (ms) | Ratio | "
        "Same answers |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for query in classes:
        g, d = cell(query, "garona"), cell(query, "datasette")
        gr, dr = query.results.get("garona"), query.results.get("datasette")
        ratio = f"{gr.rps / dr.rps:.1f}×" if clean(gr) and clean(dr) and dr.rps > 0 else "–"
        lines.append(f"| {query.title} | {g[0]} | {g[1]} | {g[2]} | {d[0]} | {d[1]} | {d[2]} | {ratio} | "
                     f"{query.sanity} |")
    lines += [
        "",
        "The first answer to each variant, before the load: cold for both servers (Garona remembers totals, facet "
        "counts and `group_by` answers per published version, so under load it answers those from memory; "
        "Datasette runs every query).",
        "",
        "| Query class | Garona first answer, median (ms) | slowest (ms) | Datasette first answer, median (ms) | "
        "slowest (ms) |",
        "|---|---:|---:|---:|---:|",
    ]
    for query in classes:
        cells = []
        for name in ("garona", "datasette"):
            times = sorted(query.first.get(name, []))
            cells += [f"{times[len(times) // 2] * 1000:,.1f}", f"{times[-1] * 1000:,.1f}"] if times else ["–", "–"]
        lines.append(f"| {query.title} | " + " | ".join(cells) + " |")
    lines += ["", "| Full CSV export | Size (MB) | Time (s) | MB/s | Note |", "|---|---:|---:|---:|---|"]
    for name, label in (("garona", "Garona"), ("datasette", "Datasette")):
        download, error = exports.get(name, (None, "not run"))
        if download is None:
            lines.append(f"| {label} | – | – | – | error: {error} |")
        else:
            lines.append(f"| {label} | {download.bytes / MB:,.1f} | {download.seconds:.2f} | "
                         f"{download.mb_per_second:,.1f} | {error or f'best of {args.export_runs}'} |")
    lines += ["", "| Server | RSS at start (MB) | Peak RSS before the export (MB) | Peak RSS at the end (MB) |",
              "|---|---:|---:|---:|"]
    for name, label in (("garona", "Garona"), ("datasette", "Datasette")):
        figures = memory.get(name, {})
        lines.append(f"| {label} | {figures.get('start', 0) / 1024:,.1f} | {figures.get('before export', 0) / 1024:,.1f} "
                     f"| {figures.get('end', 0) / 1024:,.1f} |")

    lines += ["", "Targets (issue 4):", ""]
    for query in classes:
        gr, dr = query.results.get("garona"), query.results.get("datasette")
        measured = clean(gr) and clean(dr)
        ratio = gr.rps / dr.rps if measured and dr.rps > 0 else 0
        lines.append(f"- {query.title}: at least 5× Datasette's req/s: "
                     f"{met(ratio >= 5 if measured else None)}" + (f" ({ratio:.1f}×)" if measured else ""))
        if query.p99_target:
            lines.append(f"- {query.title}: Garona p99 at most 50 ms: "
                         f"{met(gr.p99_ms <= 50 if clean(gr) else None)}" + (f" ({gr.p99_ms:.1f} ms)" if clean(gr) else ""))
    g_export, d_export = exports.get("garona", (None, ""))[0], exports.get("datasette", (None, ""))[0]
    export_ok = g_export is not None and d_export is not None and not exports["garona"][1] and d_export.mb_per_second > 0
    export_ratio = g_export.mb_per_second / d_export.mb_per_second if export_ok else 0
    lines.append(f"- Full CSV export: at least 5× Datasette's MB/s: {met(export_ratio >= 5 if export_ok else None)}"
                 + (f" ({export_ratio:.1f}×)" if export_ok else ""))
    peak = memory.get("garona", {}).get("end", 0) / 1024
    lines.append(f"- Garona's peak RSS at most 128 MB over the whole run, export included: "
                 f"{met(peak <= 128 if peak else None)} ({peak:,.1f} MB)")

    lines += [
        "",
        "How it was set up:",
        "",
        f"- Garona: `garona import` then `garona serve` on loopback; {'; '.join(notes)}.",
        f"- Datasette: `sqlite-utils insert --csv --delimiter \";\" --pk id` (type detection on), `sqlite-utils "
        f"enable-fts {TEXT_FIELD} --fts5 --tokenize \"{TOKENIZER}\"` (Garona's tokenizer), an index on each field "
        f"Garona indexes ({', '.join(f'`{name}`' for name in versions['indexed'])}), `ANALYZE`; then "
        f"`datasette serve -i` (immutable) `{settings}`.",
        "- Load times: " + ", ".join(f"{label} {seconds:,.1f} s" for label, seconds in loads.items()) + ".",
        *[f"- {note}." for note in extra_notes],
        "- Peak RSS is `VmHWM` of the server process (`/proc/<pid>/status`). The export is a full download with "
        "curl (Datasette: `.csv?_stream=on&_size=max`), its lines counted against the rows.",
        f"- 1-minute load average at the start and at the end: {versions['load']} (on {os.cpu_count()} CPUs).",
        *([f"- {note}"] if (note := benchlib.busy_note(max(map(float, versions["load"].split(", "))))) else []),
        "",
        "The first variant of each query:",
        "",
        "| Class | Garona | Datasette |",
        "|---|---|---|",
    ]
    for query in classes:
        lines.append(f"| {query.key} | `{query.garona[0]}` | `{query.datasette[0]}` |")
    lines.append(f"| export | `{API}/exports/csv` | `{TABLE}.csv?_stream=on&_size=max` |")
    return "\n".join(lines) + "\n"


def main() -> None:
    args = parse_args()
    benchlib.ensure_wrk()
    sqlite_utils = benchlib.ensure_sqlite_utils()
    benchlib.ensure_module("datasette", "datasette")
    import datasette  # noqa: E402 (installed just above when missing)

    garona = benchlib.garona_binary(args, args.timeout)
    for command, options in (("import", ["--data-dir", "--dataset"]), ("serve", ["--data-dir", "--port"])):
        if not benchlib.has_command(garona, command, options):
            sys.exit(f"garona: {garona} has no working `{command}` command")
    versions = {
        "garona": benchlib.garona_version(args), "datasette": datasette.__version__,
        "sqlite-utils": benchlib.sqlite_utils_version(sqlite_utils), "wrk": benchlib.wrk_version(),
        "load": f"{os.getloadavg()[0]:.1f}",
    }
    datasette_major = int(datasette.__version__.split(".")[0])

    workdir = Path(tempfile.mkdtemp(prefix="garona-api-bench-", dir=args.tmp_dir))
    log(f"working in {workdir}")
    garona = benchlib.private_copy(garona, workdir)
    servers: dict[str, benchlib.Server] = {}
    loads: dict[str, float] = {}
    extra_notes: list[str] = []
    try:
        csv, data_dir = workdir / "sample.csv", workdir / "garona-data"
        db = (args.datasette_dir.resolve() if args.datasette_dir else workdir) / f"{DATABASE}.db"
        benchlib.generate_sample(garona, args.rows, args.seed, csv, args.timeout)
        start = time.perf_counter()
        summary = benchlib.garona_import(garona, csv, data_dir, "bench", args.timeout, title="Benchmark")
        loads["garona import"] = time.perf_counter() - start
        log(f"garona import: {loads['garona import']:.1f} s\n{summary.strip()}")
        fields = benchlib.garona_import_fields(summary)
        indexed = [f.name for f in fields if f.flags & {"facet", "sortable"}]
        versions["indexed"] = indexed
        not_facets = [name for name in (FILTER_FIELD, *FACET_FIELDS) if name not in
                      {f.name for f in fields if "facet" in f.flags}]
        if not_facets:
            log(f"WARNING: Garona did not make {', '.join(not_facets)} facets")
        if args.datasette_dir and reusable(db, args.rows):
            log(f"using {db} as it is")
            extra_notes.append("Datasette's database of an earlier run was used as it is (`--datasette-dir`)")
        else:
            db.unlink(missing_ok=True)
            db.parent.mkdir(parents=True, exist_ok=True)
            load_datasette_db(sqlite_utils, csv, db, indexed, args, workdir, loads)
        csv.unlink()

        values = query_values(db, args.rows, args.seed)
        try:
            record_ids = garona_record_ids(data_dir, values["ids"])
        except (sqlite3.Error, TypeError) as error:
            log(f"WARNING: could not read Garona's record ids ({error}): the record class will fail")
            record_ids = {}
        classes = query_classes(values, record_ids, datasette_major)

        serve_arguments, serve_env, notes = benchlib.serve_arguments(garona)
        g_port, d_port = benchlib.free_port(), benchlib.free_port()
        servers["garona"] = benchlib.Server(
            "garona", [garona, "serve", "--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", str(g_port),
                       *serve_arguments], g_port, "/healthz", workdir / "garona.log", env=serve_env, cwd=workdir)
        settings = [part for key, value in DATASETTE_SETTINGS.items() for part in ("--setting", key, value)]
        servers["datasette"] = benchlib.Server(
            "datasette", [sys.executable, "-m", "datasette", "serve", "-i", str(db), "--host", "127.0.0.1",
                          "--port", str(d_port), *settings], d_port, "/-/versions.json", workdir / "datasette.log",
            cwd=workdir)
        memory: dict[str, dict[str, int]] = {name: {} for name in servers}
        for name, server in servers.items():
            server.start()
        time.sleep(2)
        for name, server in servers.items():
            memory[name]["start"] = server.memory_kb("VmRSS")

        for query in classes:
            sanity(query, servers["garona"], servers["datasette"])
            log(f"{query.key}: {query.sanity}")
        for query in classes:
            measure(query, servers, args, workdir)
        for name, server in servers.items():
            memory[name]["before export"] = server.memory_kb("VmHWM")
        exports = export(servers, args, args.rows)
        for name, server in servers.items():
            memory[name]["end"] = server.memory_kb("VmHWM")
            if not server.alive():
                log(f"WARNING: {name} is no longer running:\n{server.log_tail()}")
        versions["load"] += f", {os.getloadavg()[0]:.1f}"
    finally:
        for server in servers.values():
            server.stop()
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    text = report(args, classes, exports, memory, loads, versions, notes, extra_notes)
    print(text)
    if args.write_docs:
        benchlib.write_docs(START, END, text, HEADING)


if __name__ == "__main__":
    main()

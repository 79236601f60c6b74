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
import json
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
from api_queries import API, DATABASE, FACET_FIELDS, FILTER_FIELD, TABLE, TEXT_FIELD, QueryClass, query_classes, \
    query_values, sanity
from benchlib import MB, log, met
from engine_queries import PARTITIONED_WRK_SCRIPT

START = "<!-- api-benchmark:start -->"
END = "<!-- api-benchmark:end -->"
HEADING = """## Data API

Garona's Explore API v2.1 (and its HTML table tab) against [Datasette](https://datasette.io/) on the same 1,000,000
rows of the seeded sample file, both on loopback, measured in turn by `wrk` at concurrency 8, **every request with its
own random parameters** (`Benchmarks/api_benchmark.py`). Targets of issue 13: at least 5× Datasette's req/s on every
class, p99 at most 50 ms (filter, range, search) or 100 ms (facets, `group_by`, table tab), and a peak RSS of
`garona serve` of at most 256 MB."""

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
    parser.add_argument("--paths", type=int, default=20_000,
                        help="random requests drawn per class, walked by wrk (default 20000)")
    parser.add_argument("--sample", type=int, default=8,
                        help="requests per class asked of both servers and compared before the load (default 8)")
    parser.add_argument("--no-accelerator", action="store_true",
                        help="run Garona with its column accelerator off (GARONA_FAST_AGGREGATES=0)")
    benchlib.add_garona_arguments(parser)
    parser.add_argument("--datasette-dir", type=Path, default=None,
                        help="keep Datasette's database here: loaded on the first run, used as is on the next ones")
    benchlib.add_run_arguments(parser, timeout=3600, timeout_of="loading step")
    args = parser.parse_args()
    if args.rows < 1000 or args.duration <= 0 or args.export_runs < 1 or args.paths < 100 or args.sample < 1:
        parser.error("--rows must be at least 1000, --duration positive, --export-runs and --sample at least 1, "
                     "--paths at least 100")
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


def reusable(db: Path, rows: int, indexed: list[str]) -> str | None:
    """Why an earlier run's database for Datasette cannot be used as it is (None when it can): its rows, its
    full-text index with Garona's tokenizer, an index on each field Garona indexes, and the statistics of ANALYZE are
    checked, not assumed."""
    if not db.exists():
        return "no database"
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            count = connection.execute("SELECT count(*) FROM bench").fetchone()[0]
            search = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'bench_fts'").fetchone()
            covered = {row[2] for index in connection.execute("PRAGMA index_list(bench)").fetchall()
                       for row in connection.execute(f'PRAGMA index_info("{index[1]}")').fetchall()}
            analyzed = connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as error:
        return f"unreadable ({error})"
    missing = [name for name in indexed if name != "id" and name not in covered]
    if count != rows:
        return f"{count:,} rows, not {rows:,}"
    if not search or TOKENIZER not in (search[0] or ""):
        return "no full-text index with Garona's tokenizer"
    if missing:
        return f"no index on {', '.join(missing)}"
    return None if analyzed else "not analyzed"


def memo_answers(path: Path) -> dict[str, int]:
    """Garona's counts of aggregate answers so far (memo, accelerator, engine), which it writes every quarter of a
    second to the file named by GARONA_AGGREGATE_STATS (`AggregateStatistics`)."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def measure(query: QueryClass, servers: dict[str, benchlib.Server], args, workdir: Path, stats: Path) -> None:
    tick = os.sysconf("SC_CLK_TCK")
    for name, server in servers.items():
        if name in query.errors:
            continue
        paths = query.garona if name == "garona" else query.datasette
        if args.warmup > 0:  # other requests of the class than the measured ones
            benchlib.run_wrk(server.base, query.warm_garona if name == "garona" else query.warm_datasette,
                             args.warmup, workdir)
            server.wait_idle()
        log(f"{query.key}: wrk on {name} for {args.duration:.0f} s")
        time.sleep(0.6)  # the statistics file is written every 0.25 s
        before_memo, before_cpu = memo_answers(stats), server.cpu_ticks()
        result = benchlib.run_wrk(server.base, paths, args.duration, workdir)
        waited = server.wait_idle()
        time.sleep(0.6)
        query.cpu[name] = (server.cpu_ticks() - before_cpu) / tick
        if name == "garona":
            after = memo_answers(stats)
            query.memo = {} if not after else {key: after.get(key, 0) - before_memo.get(key, 0) for key in ("memo", "accelerator", "engine")}
        if waited > 2:
            log(f"{query.key}: {name} finished the answers left in flight in {waited:.0f} s")
        query.results[name] = result
        if result.ok:
            extra = f" ({result.problems()})" if result.problems() else ""
            log(f"{query.key}: {name} {benchlib.rate_text(result.rps)} req/s, p50 {result.p50_ms:.1f} ms, "
                f"p99 {result.p99_ms:.1f} ms, CPU {query.cpu[name]:.1f} s{extra}")
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


def cell(query: QueryClass, name: str) -> tuple[str, str, str, str]:
    result = query.results.get(name)
    if name in query.errors or result is None or not result.ok:
        return f"error: {query.errors.get(name, 'not run')}", "–", "–", "–"
    rps = benchlib.rate_text(result.rps) + (f" ({result.problems()})" if result.problems() else "")
    cpu = query.cpu.get(name)
    per_request = f"{cpu * 1000 / result.requests:,.2f}" if cpu is not None and result.requests else "–"
    return rps, f"{result.p50_ms:.1f}", f"{result.p99_ms:.1f}", per_request


def clean(result: benchlib.WrkResult | None) -> bool:
    return result is not None and result.ok and not result.problems()


def cpu_ratio(query: QueryClass) -> str:
    """Datasette's CPU per request over Garona's."""
    gr, dr = query.results.get("garona"), query.results.get("datasette")
    if not (clean(gr) and clean(dr)) or not query.cpu.get("garona") or query.cpu.get("datasette") is None:
        return "–"
    return f"{(query.cpu['datasette'] / dr.requests) / (query.cpu['garona'] / gr.requests):.1f}×"


def memo_text(query: QueryClass) -> str:
    counts = query.memo
    total = sum(counts.values()) if counts else 0
    if not counts:
        return "not counted (this build writes no statistics)"
    if not total:
        return "none asked"
    return (f"{counts['memo'] / total:.1%} memo, {counts['accelerator'] / total:.1%} columns, "
            f"{counts['engine'] / total:.1%} SQL (of {total:,})")


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
        f"--latency` after {args.warmup:.0f} s of warm-up on other requests of the class; **every request has its own "
        f"random parameters**, from a list of {args.paths:,} drawn in advance (seed {args.seed}) that each wrk thread "
        "walks from its own point. CPU per request: the server's CPU time (`/proc/<pid>/stat`) from the start of the "
        "run until it is idle again, over the requests wrk counted. Garona's column accelerator is "
        + ("**off** (`GARONA_FAST_AGGREGATES=0`)." if args.no_accelerator else "on (the default)."),
        "",
        "| Query class | Garona req/s | p50 (ms) | p99 (ms) | CPU per request (ms) | Datasette req/s | p50 (ms) | "
        "p99 (ms) | CPU per request (ms) | Ratio (req/s) | Ratio (CPU) | Same answers |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for query in classes:
        g, d = cell(query, "garona"), cell(query, "datasette")
        gr, dr = query.results.get("garona"), query.results.get("datasette")
        ratio = f"{gr.rps / dr.rps:.1f}×" if clean(gr) and clean(dr) and dr.rps > 0 else "–"
        lines.append(f"| {query.title} | {' | '.join(g)} | {' | '.join(d)} | {ratio} | {cpu_ratio(query)} | "
                     f"{query.sanity} |")
    lines += [
        "",
        "What was random, how many requests Garona was sent and how many were distinct (estimated from wrk's count, "
        "each thread's share from its starting point), and where Garona's aggregate answers (totals, facet counts, "
        "`group_by`) came from during the run: its memo, its column accelerator, or SQL (counted by the server, "
        "`GARONA_AGGREGATE_STATS`).",
        "",
        "| Query class | Random per request | Requests | Distinct | Distinct aggregates | Aggregate answers |",
        "|---|---|---:|---:|---:|---|",
    ]
    for query in classes:
        gr = query.results.get("garona")
        if gr is None or not gr.ok:
            lines.append(f"| {query.title} | {query.parameters} | – | – | – | – |")
            continue
        distinct, aggregates = query.distinct(gr.requests)
        lines.append(f"| {query.title} | {query.parameters} | {gr.requests:,} | {distinct:,} | "
                     f"{aggregates:,} | {memo_text(query)} |")
    lines += [
        "",
        "The first answer to each compared request, before the load: cold for both servers.",
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

    lines += ["", "Targets (issue 13, distinct requests):", ""]
    for query in classes:
        gr, dr = query.results.get("garona"), query.results.get("datasette")
        measured = clean(gr) and clean(dr)
        ratio = gr.rps / dr.rps if measured and dr.rps > 0 else 0
        lines.append(f"- {query.title}: at least 5× Datasette's req/s: "
                     f"{met(ratio >= 5 if measured else None)}" + (f" ({ratio:.1f}×)" if measured else ""))
        if query.p99_target:
            lines.append(f"- {query.title}: Garona p99 at most {query.p99_target:.0f} ms: "
                         f"{met(gr.p99_ms <= query.p99_target if clean(gr) else None)}"
                         + (f" ({gr.p99_ms:.1f} ms)" if clean(gr) else ""))
    g_export, d_export = exports.get("garona", (None, ""))[0], exports.get("datasette", (None, ""))[0]
    export_ok = g_export is not None and d_export is not None and not exports["garona"][1] and d_export.mb_per_second > 0
    export_ratio = g_export.mb_per_second / d_export.mb_per_second if export_ok else 0
    lines.append(f"- Full CSV export (issue 4): at least 5× Datasette's MB/s: "
                 f"{met(export_ratio >= 5 if export_ok else None)}" + (f" ({export_ratio:.1f}×)" if export_ok else ""))
    peak = memory.get("garona", {}).get("end", 0) / 1024
    lines.append(f"- Peak RSS of `garona serve` at most 256 MB over the whole run, export included: "
                 f"{met(peak <= 256 if peak else None)} ({peak:,.1f} MB)")

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
        "- Answers: before the load, the first requests of every class were asked of both servers and compared "
        "(totals, the first sort value, the record's `id`, facet counts of the values both list, the averages per "
        "group); any difference fails the run. The HTML pages are not compared.",
        "- Peak RSS is `VmHWM` of the server process (`/proc/<pid>/status`). The export is a full download with "
        "curl (Datasette: `.csv?_stream=on&_size=max`), its lines counted against the rows.",
        f"- 1-minute load average at the start and at the end: {versions['load']} (on {os.cpu_count()} CPUs).",
        *([f"- {note}"] if (note := benchlib.busy_note(max(map(float, versions["load"].split(", "))))) else []),
        "",
        "The first request of each class:",
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
        why_not = reusable(db, args.rows, indexed) if args.datasette_dir else "not kept"
        if why_not is None:
            log(f"using {db} as it is")
            extra_notes.append("Datasette's database of an earlier run was used as it is (`--datasette-dir`), after "
                               "checking its rows, its full-text index and tokenizer, its indexes and `ANALYZE`")
        else:
            log(f"loading Datasette's database ({why_not})")
            db.unlink(missing_ok=True)
            db.parent.mkdir(parents=True, exist_ok=True)
            load_datasette_db(sqlite_utils, csv, db, indexed, args, workdir, loads)
        csv.unlink()

        values = query_values(data_dir / "garona.sqlite", args.seed)
        classes = query_classes(values, args.seed, args.paths, datasette_major)

        serve_arguments, serve_env, notes = benchlib.serve_arguments(garona)
        stats = workdir / "aggregates.json"
        serve_env = {**serve_env, "GARONA_AGGREGATE_STATS": str(stats)}
        if args.no_accelerator:
            serve_env["GARONA_FAST_AGGREGATES"] = "0"
            notes.append("column accelerator off (`GARONA_FAST_AGGREGATES=0`)")
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
            sanity(query, servers["garona"], servers["datasette"], args.sample)
            log(f"{query.key}: {query.sanity}")
        benchlib.WRK_SCRIPT = PARTITIONED_WRK_SCRIPT  # each wrk thread walks the list from its own point
        for query in classes:
            measure(query, servers, args, workdir, stats)
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
    mismatched = [query.key for query in classes if query.mismatched]
    if mismatched:
        sys.exit(f"the servers gave different answers ({', '.join(mismatched)}): the run fails, docs not written")
    if args.write_docs:
        benchlib.write_docs(START, END, text, HEADING)


if __name__ == "__main__":
    main()

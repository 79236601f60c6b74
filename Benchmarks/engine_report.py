"""The Markdown report of `engine_benchmark.py`: the import, the API classes on both engines, two nodes against one,
and how each figure was taken."""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from pathlib import Path

import benchlib
from benchlib import MB, met
from engine_queries import EngineClass
from engine_support import nginx_binary, version_of

HEADING = """## PostgreSQL engine beside SQLite

Garona on PostgreSQL (`--database-url`) beside Garona on SQLite (`--data-dir`), on the same seeded sample file, in
the same run (`Benchmarks/engine_benchmark.py`): the import, the query classes of the data API with random
parameters for every request, and two nodes on one PostgreSQL database behind nginx against one. Targets of issue
11: PostgreSQL within 2× of SQLite per class on one machine, and two nodes serving more than one."""


def binary_revision(args, garona: str) -> str:
    """The commit the measured binary was built from when it lives in a git checkout (a worktree of this
    repository, say), beside the scripts' own commit."""
    scripts = benchlib.git_revision()
    if args.garona_bin is None:
        return scripts
    folder = Path(garona).resolve().parent
    head = subprocess.run(["git", "-C", str(folder), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        return f"{scripts} (scripts; binary given with `--garona-bin`)"
    dirty = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return f"{head.stdout.strip()}{' with uncommitted changes' if dirty else ''} (binary), {scripts} (scripts)"


def nginx_version() -> str:
    return version_of([nginx_binary() or "nginx", "-v"])


def per_request_ms(query: EngineClass, name: str) -> str:
    result, cpu = query.results.get(name), query.cpu.get(name)
    if result is None or not result.ok or cpu is None or result.requests == 0:
        return "–"
    garona, database = cpu
    text = f"{(garona + database) * 1000 / result.requests:,.2f}"
    return text + (f" ({garona * 1000 / result.requests:,.2f} + {database * 1000 / result.requests:,.2f})"
                   if database else "")


def rate(query: EngineClass, name: str) -> tuple[str, str, str]:
    result = query.results.get(name)
    if result is None or not result.ok:
        return f"error: {query.errors.get(name, 'not run')}", "–", "–"
    problems = f" ({result.problems()})" if result.problems() else ""
    return benchlib.rate_text(result.rps) + problems, f"{result.p50_ms:.1f}", f"{result.p99_ms:.1f}"


def ratio(query: EngineClass, numerator: str, denominator: str) -> float | None:
    """The ratio of req/s of two runs that both answered (failed requests, if any, are in the table's cells)."""
    a, b = query.results.get(numerator), query.results.get(denominator)
    answered = all(r is not None and r.ok for r in (a, b))
    return a.rps / b.rps if answered and b.rps > 0 else None


def import_lines(args, imports: dict, cpu_available: bool) -> list[str]:
    sqlites, postgreses, cpus = imports["sqlite"], imports["postgres"], imports["postgres cpu"]
    lines = [
        "| Import | Round | Wall time (s) | CLI CPU (s) | PostgreSQL CPU (s) | Rows per second | CLI peak RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for number, (sqlite, postgres, (backends, background)) in enumerate(zip(sqlites, postgreses, cpus), start=1):
        server = f"{backends:.2f} (+ {background:.2f} background)" if cpu_available else "not measured"
        lines += [
            f"| SQLite (`--data-dir`) | {number} | {sqlite.seconds:.2f} | {sqlite.cpu_seconds:.2f} | – | "
            f"{args.rows / sqlite.seconds:,.0f} | {sqlite.rss_mb:,.1f} |",
            f"| PostgreSQL (`--database-url`) | {number} | {postgres.seconds:.2f} | {postgres.cpu_seconds:.2f} | "
            f"{server} | {args.rows / postgres.seconds:,.0f} | {postgres.rss_mb:,.1f} |",
        ]
    lines.append("")
    sqlite, postgres = median_run(sqlites), median_run(postgreses)
    wall = postgres.seconds / sqlite.seconds
    rounds = ", ".join(f"{p.seconds / s.seconds:.2f}×" for s, p in zip(sqlites, postgreses))
    backends = cpus[postgreses.index(postgres)][0]
    total_cpu = (postgres.cpu_seconds + (backends if cpu_available else 0)) / sqlite.cpu_seconds
    lines.append(f"- PostgreSQL takes **{wall:.2f}×** SQLite's wall time to import, median against median "
                 f"(round by round: {rounds}; {total_cpu:.2f}× the CPU time, the CLI's plus its database's "
                 f"backends', of the median rounds); target within 2×: {met(wall <= 2)}.")
    lines.append("- Each round imported into new stores, each holding one tiny dataset imported first and not timed: a "
                 "new store's schema, and on PostgreSQL the comparison of the server's folding with Garona's (once "
                 "per database, about 1.5 s), are not the import's. An earlier round's stores were removed after it, "
                 "its database dropped: kept, each PostgreSQL round ran slower than the one before on the machine of "
                 "this page, most likely as the server wrote the earlier rounds' pages to disk, which it does after "
                 "the commit.")
    for label, run in (("SQLite", sqlite), ("PostgreSQL", postgres)):
        phases = next((line for line in run.stdout.splitlines() if line.startswith("Phases:")), "")
        if phases:
            lines.append(f"- {label}, median round, as `garona import` reports it: {phases[len('Phases:'):].strip()}.")
    return lines


def median_run(runs: list):
    """The run of median wall time (the lower middle one of an even count)."""
    return sorted(runs, key=lambda run: run.seconds)[(len(runs) - 1) // 2]


def side_by_side(classes: list[EngineClass], base: tuple[str, str], other: tuple[str, str], target: str,
                 reached, with_sanity: bool) -> list[str]:
    """A table of two runs of every class, `base` then `other` ((run name, column label) each), their ratio of
    req/s, then whether each class reached `target`: `reached(ratio)`."""
    (first, first_label), (second, second_label) = base, other
    lines = [
        f"| Query class | {first_label} req/s | p50 (ms) | p99 (ms) | CPU per request (ms) | {second_label} req/s | "
        f"p50 (ms) | p99 (ms) | CPU per request (ms) | {second_label} / {first_label} |"
        + (" Same answers |" if with_sanity else ""),
        "|---|" + "---:|" * 9 + ("---|" if with_sanity else ""),
    ]
    for query in classes:
        a, b = rate(query, first), rate(query, second)
        share = ratio(query, second, first)
        lines.append(f"| {query.title} | {a[0]} | {a[1]} | {a[2]} | {per_request_ms(query, first)} | {b[0]} | "
                     f"{b[1]} | {b[2]} | {per_request_ms(query, second)} | "
                     f"{f'{share:.2f}×' if share is not None else '–'} |" + (f" {query.sanity} |" if with_sanity
                                                                            else ""))
    lines += ["", f"Target (issue 11), {target}:", ""]
    for query in classes:
        share = ratio(query, second, first)
        lines.append(f"- {query.title}: {met(reached(share) if share is not None else None)}"
                     + (f" ({share:.2f}× the req/s)" if share is not None else ""))
    return lines


def memo_lines(classes: list[EngineClass], names: list[str]) -> list[str]:
    lines = [
        "| Query class | Random per request | " + " | ".join(f"{name}: requests, distinct, distinct aggregates"
                                                          for name in names) + " |",
        "|---|---|" + "---:|" * len(names),
    ]
    for query in classes:
        cells = []
        for name in names:
            result = query.results.get(name)
            if result is None or not result.ok:
                cells.append("–")
                continue
            distinct, aggregates = query.distinct(result.requests)
            memo = f"{aggregates:,} (memo ≤ {100 * (result.requests - aggregates) / result.requests:.0f}%)"
            cells.append(f"{result.requests:,}, {distinct:,}, " + (memo if aggregates else "none"))
        lines.append(f"| {query.title} | {query.parameters} | " + " | ".join(cells) + " |")
    return lines


def report(args, facts: dict, imports: dict, classes: list[EngineClass], names: list[str], cpu_available: bool) -> str:
    loads = facts["load"]
    busy = benchlib.busy_note(max(loads))
    lines = [
        f"Run on {time.strftime('%Y-%m-%d')}: Garona {facts['garona']}, PostgreSQL {facts['postgres']}, "
        f"wrk {facts['wrk']}" + (f", nginx {facts['nginx']}" if facts["nginx"] else "") + ".",
        "",
        "Machine: " + "; ".join(benchlib.machine_facts(with_swift=False)) + ". wrk, nginx, the nodes and PostgreSQL "
        "share these CPUs.",
        "",
        "Command, from the repository root (with a local PostgreSQL server whose role may create databases):",
        "",
        "```sh",
        shlex.join(["python3", "Benchmarks/engine_benchmark.py"] + args.shown_argv),
        "```",
        "",
        f"{args.rows:,} rows (`garona sample --seed {args.seed}`, {imports['file bytes'] / MB:,.0f} MB).",
        "",
        "### Import",
        "",
        *import_lines(args, imports, cpu_available),
        "",
        "### Data API, one node on each engine",
        "",
        f"Each class: `wrk -t2 -c8 -d{args.duration:.0f}s --latency` after {args.warmup:.0f} s of warm-up on other "
        f"requests of the class; every request has its own random parameters, from a list of {args.paths:,} drawn "
        "in advance that each wrk thread walks from its own point. CPU per request: the server's CPU time (and its "
        "database's PostgreSQL backends') from the start of the run until both are idle again, over the requests "
        "wrk counted.",
        "",
        "CPU per request on PostgreSQL: Garona's plus its backends' (in brackets, each).",
        "",
        *side_by_side(classes, ("sqlite", "SQLite"), ("postgres", "PostgreSQL"),
                      "PostgreSQL within 2× of SQLite (at least half its req/s)", lambda share: share >= 0.5, True),
    ]
    if "2 nodes" in names:
        lines += [
            "",
            "### Two nodes against one (PostgreSQL)",
            "",
            "The same classes through nginx (round robin, keep-alive connections to the nodes), first with node A "
            "alone behind it, then with nodes A and B (B started on the same database with an empty data directory).",
            "",
            *side_by_side(classes, ("1 node", "1 node"), ("2 nodes", "2 nodes"), "two nodes serving more than one",
                          lambda share: share > 1, False),
        ]
    lines += [
        "",
        "### Distinct requests and Garona's memo",
        "",
        "Garona keeps the answers of aggregates (totals, facet counts, `group_by`) per published version, on each "
        "node, up to 512 of them. The requests each run sent (estimated from wrk's count: each thread's share from "
        "its starting point), how many were distinct, and how many distinct aggregates they asked for: at most "
        "*requests − distinct aggregates* of them were answered from the memo (fewer once it fills up and starts "
        "again), on both engines alike.",
        "",
        *memo_lines(classes, names),
        "",
        "Notes:",
        "",
        "- Answers: before the load, the first requests of every class were asked of both engines and compared as "
        "JSON without the publication times; where the request leaves the order of rows open (no `order_by`, or "
        "equal values of its sort fields), the totals and the sort fields' values are compared. Any other "
        "difference fails the run.",
        "- CPU of PostgreSQL: " + ("the processes of the cluster read from `/proc/<pid>/stat` every 0.2 s, a "
        "backend attributed to the benchmark's database by its process title (a parallel worker by its leader's; "
        "a short one may be missed); *background* is the cluster's own processes (checkpointer, WAL writer, "
        "autovacuum launcher…), which also serve whatever else uses the cluster. The CLI's CPU is `os.wait4`'s."
        if cpu_available else "not measured (the server's processes are not visible in this machine's /proc)."),
        f"- `garona serve`: {'; '.join(facts['serve notes'])}; PostgreSQL pool of 10 connections per node "
        "(the default).",
        f"- 1-minute load average at the start, after the imports and at the end: "
        f"{', '.join(f'{load:.1f}' for load in loads)} (on {os.cpu_count()} CPUs).",
    ]
    if busy:
        lines.append(f"- {busy}")
    return "\n".join(lines) + "\n"

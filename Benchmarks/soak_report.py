"""The soak's report (`soak.py`): a line a minute while it runs, the verdict, and the Markdown page at the end."""

from __future__ import annotations

import os
import shlex
import statistics
import time
from dataclasses import dataclass

import benchlib
import soak_load
from front_benchmark import LARGE, SMALL
from soak_load import CLASSES, Tally


@dataclass
class Minute:
    """One line of the report's table: the minute's requests, failures and the server's state at its end."""

    minute: int
    requests: int
    server_errors: int
    unexpected: int
    failed: int
    rss_kb: int
    anon_kb: int
    file_kb: int
    cpu_seconds: float
    load: float
    republished: int
    window: soak_load.Window
    disk_mb: float = 0.0


def rss_around(samples: list[tuple[float, int, int, int]], at: float, kind: int = 1, span: float = 30) -> int:
    """The median of one memory figure (1: VmRSS, 2: RssAnon, 3: RssFile) over the samples taken in the `span`
    seconds before `at`: one sample can catch an export's buffers in flight."""
    chosen = [sample[kind] for sample in samples if at - span <= sample[0] <= at] or [s[kind] for s in samples[-1:]]
    return int(statistics.median(chosen)) if chosen else 0


def directory_mb(path) -> float:
    """The size of every file under `path` (the database, its write-ahead log, uploads), in MB."""
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total / 1024 / 1024


def minute_line(row: Minute) -> str:
    classes = ", ".join(f"{klass} {len(values)}" for klass, values in row.window.latencies.items())
    latencies = ", ".join(f"{klass} {row.window.quantile_ms(klass, 0.5):.0f}/{row.window.quantile_ms(klass, 0.99):.0f}"
                          for klass in CLASSES if klass in row.window.latencies)
    return (f"minute {row.minute}: {row.requests:,} requests ({classes}); 5xx {row.server_errors}, unexpected "
            f"{row.unexpected}, no answer {row.failed}; RSS {row.rss_kb / 1024:.1f} MB (anonymous "
            f"{row.anon_kb / 1024:.1f}, file {row.file_kb / 1024:.1f}), CPU {row.cpu_seconds:.1f} s, "
            f"load {row.load:.1f}, republished {row.republished}, data dir {row.disk_mb:,.0f} MB\n         p50/p99 ms: {latencies}")



@dataclass
class Verdict:
    warmup_rss_kb: int
    end_rss_kb: int
    growth: float | None
    server_alive: bool
    server_errors: int
    failed: int

    @property
    def passed(self) -> bool:
        return (self.server_alive and self.server_errors == 0 and self.failed == 0 and self.growth is not None
                and self.growth < 0.10)


def failure_lines(title: str, failures: list[soak_load.Failure]) -> list[str]:
    if not failures:
        return []
    lines = ["", f"{title}:", ""]
    lines += [f"- {failure.at:,.0f} s, {failure.klass}: `{failure.method} {failure.path}` → {failure.what}"
              for failure in failures]
    return lines


def report(args, tally: Tally, minutes: list[Minute], verdict: Verdict, republished: tuple[list[float], list[str]],
           elapsed: float,
           revision: str, load: tuple[float, float], notes: list[str]) -> str:
    total = tally.total
    growth = "not measured" if verdict.growth is None else f"{verdict.growth * 100:+.1f}%"
    lines = [
        "## Soak",
        "",
        f"Run on {time.strftime('%Y-%m-%d')}: Garona {revision}, `Benchmarks/soak.py`.",
        "",
        "Machine: " + "; ".join(benchlib.machine_facts(with_swift=False)) + ". The clients and the server share it.",
        "",
        "```sh",
        shlex.join(["python3", "Benchmarks/soak.py"] + args.shown_argv),
        "```",
        "",
        f"{elapsed / 60:.1f} minutes of load from {args.threads} client threads on loopback, against a fresh data "
        f"directory: `{LARGE}` ({args.rows:,} rows of `garona sample`), `{SMALL}` (280 rows) and {args.datasets} tiny "
        f"datasets; `{LARGE}` republished by `garona import` in another process every {args.republish_every:.0f} s, "
        "alternating two versions of the file. Every request has its own random parameters "
        f"({tally.repeated:,} repeated draws were replaced by new ones"
        + (f", {tally.skipped:,} requests skipped after 20 repeats in a row" if tally.skipped else "") + ").",
        "",
        f"**Result: {'passed' if verdict.passed else 'FAILED'}**: {verdict.server_errors} 5xx, {verdict.failed} "
        f"requests without an answer, server {'still running' if verdict.server_alive else '**dead**'}, RSS "
        f"{verdict.warmup_rss_kb / 1024:.1f} MB after the {args.warmup_minutes:g}-minute warm-up and "
        f"{verdict.end_rss_kb / 1024:.1f} MB at the end ({growth}; target under +10%).",
        "",
        "| Class | requests | 5xx | unexpected | no answer | p50 (ms) | p99 (ms) | max (ms) | statuses |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for klass in CLASSES:
        values = total.latencies.get(klass)
        if not values:
            continue
        statuses = total.statuses[klass]
        errors = sum(count for status, count in statuses.items() if isinstance(status, int) and status >= 500)
        unexpected = sum(count for status, count in statuses.items() if isinstance(status, int) and status < 500
                         and status not in soak_load.EXPECTED[klass])
        shown = ", ".join(f"{status}: {count:,}" for status, count in sorted(statuses.items(), key=str))
        lines.append(f"| {klass} | {len(values):,} | {errors} | {unexpected} | {statuses.get('no answer', 0)} | "
                     f"{total.quantile_ms(klass, 0.5):,.1f} | {total.quantile_ms(klass, 0.99):,.1f} | "
                     f"{max(values) * 1000:,.0f} | {shown} |")
    lines.append(f"| **all** | {total.requests:,} | {total.server_errors} | {total.unexpected} | {total.failed} "
                 "| | | | |")
    lines += ["", "| Minute | requests | 5xx | unexpected | no answer | RSS (MB) | anonymous (MB) | file (MB) "
              "| CPU time (s) | load | republished | data dir (MB) |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {row.minute} | {row.requests:,} | {row.server_errors} | {row.unexpected} | {row.failed} | "
              f"{row.rss_kb / 1024:.1f} | {row.anon_kb / 1024:.1f} | {row.file_kb / 1024:.1f} | "
              f"{row.cpu_seconds:,.1f} | {row.load:.1f} | {row.republished} | {row.disk_mb:,.0f} |"
              for row in minutes]
    durations, failures = republished
    lines += failure_lines("First 5xx answers", tally.server_errors)
    lines += failure_lines("First requests without an answer", tally.failed)
    lines += failure_lines("First other unexpected statuses", tally.unexpected)
    lines += [
        "",
        "Notes:",
        "",
        f"- Republications: {len(durations)} done"
        + (f" in {min(durations):.1f} to {max(durations):.1f} s (median {statistics.median(durations):.1f} s)"
           if durations else "") + (f", {len(failures)} failed ({failures[0]})" if failures else "") + ".",
        "- Expected answers: a 429 to a login (the throttle), a 404 to a record id of a version since republished, "
        "redirects of good logins. Bad logins: one a minute at most, under the throttle's 20 per address in 15 "
        "minutes; good ones every 20 s. Full exports every 2 minutes; dropped exports read 16 KB to 1 MB and close "
        "the socket.",
        "- RSS: the median of the VmRSS samples (every 5 s) of the 30 s before the end of the warm-up and before the "
        "end of the load; the table gives that median for each minute, and its two parts (`RssAnon`: the heap; "
        "`RssFile`: mapped files, the binary and SQLite's shared-memory index of its write-ahead log). CPU time: "
        "user plus system of the server. Data dir: the size of every file in the data directory (database, "
        "write-ahead log, uploads) at the end of the minute.",
        f"- 1-minute load average at the start and at the end: {load[0]:.1f}, {load[1]:.1f} (on {os.cpu_count()} "
        "CPUs).",
        *([f"- {note}"] if (note := benchlib.busy_note(max(load))) else []),
        *[f"- {note}" for note in notes],
    ]
    return "\n".join(lines) + "\n"


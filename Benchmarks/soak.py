#!/usr/bin/env python3
"""Soak of issue 10: `garona serve` under a mixed load for a while, watching for 5xx answers and memory growth.

1. Builds `garona` (or uses `--garona-bin`, or the release build with `--skip-build`) and a fresh data directory:
   `--rows` generated rows (`garona sample`, the large dataset), the 280 railway stations of Occitanie, a few tiny
   datasets so that the catalog has pages, and an editor account.
2. Starts `garona serve` on 127.0.0.1 and drives it from `--threads` client threads for `--minutes`: front-office
   pages (home, catalog searches, every dataset tab with random filters), API calls (records with random `where`,
   `limit`, `offset` and `order_by`, facets, `group_by`, a record by id, the catalog), exports of filtered subsets,
   some dropped mid-stream by closing the socket, and now and then a full one, logins (good and bad passwords, paced
   under the throttle's limits: a 429 to a login is expected), back-office pages with the editor's session, and a
   republication of the large dataset every `--republish-every` seconds (`garona import` in another process,
   alternating two versions of the file). Every request has its own random parameters.
3. Every minute and at the end: requests by class, 5xx answers (the first URLs), other unexpected statuses, failed
   requests (no answer), p50/p99 latency by class, the server's RSS (VmRSS) and CPU time, the load average.

Passes when no request got a 5xx or no answer, the server is still running, and its RSS at the end is less than 10%
above its RSS after the warm-up (the first 5 minutes, or the first 20% of a shorter run); exits 1 otherwise.
`--write-docs` puts the report in docs/security.md between `<!-- soak:begin -->` and `<!-- soak:end -->`.
Standard library only. Not part of `scripts/test`: it is meant to run for half an hour.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import benchlib
import front_benchmark as front
import soak_load
import soak_report
from benchlib import log
from soak_load import Requests, Tally, exchange

START, END = "<!-- soak:begin -->", "<!-- soak:end -->"
DOCS = benchlib.REPO / "docs" / "security.md"
LARGE, SMALL = front.LARGE, front.SMALL
EDITOR = "soak-editor"
# How often the free-running classes are drawn, relative to each other.
WEIGHTS = {"home": 8, "catalog": 8, "dataset page": 24, "api records": 20, "api facets": 8, "api group_by": 8,
           "api record by id": 8, "api catalog": 5, "export": 4, "export abandoned": 3, "back office": 4}
# Paced classes: at most one every so many seconds, whatever the number of threads. Bad logins stay under the
# throttle's 20 failures per client address in 15 minutes; good ones reset their account's count.
PACES = {"login good": 20.0, "login bad": 60.0, "export full": 120.0}
SAMPLE_SECONDS = 5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30, help="length of the load (default 30)")
    parser.add_argument("--rows", type=int, default=200_000, help="rows of the large dataset (default 200000)")
    parser.add_argument("--threads", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--datasets", type=int, default=40, help="tiny datasets in the catalog (default 40)")
    parser.add_argument("--republish-every", type=float, default=60, help="seconds between republications (60)")
    parser.add_argument("--max-requests", type=int, default=5_000_000, help="stop after this many (default 5000000)")
    parser.add_argument("--request-timeout", type=float, default=120, help="seconds one request may take (120)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the data and of the requests (default 42)")
    benchlib.add_garona_arguments(parser)
    benchlib.add_run_arguments(parser, timeout=1800, timeout_of="import", docs="docs/security.md")
    args = parser.parse_args()
    if args.minutes <= 0 or args.rows < 1 or args.threads < 1 or args.datasets < 0 or args.republish_every <= 0:
        parser.error("--minutes, --rows, --threads and --republish-every must be positive, --datasets 0 or more")
    args.warmup_minutes = 5.0 if args.minutes >= 25 else args.minutes * 0.2
    args.shown_argv = benchlib.shown_arguments(sys.argv[1:])
    return args


# --- The portal --------------------------------------------------------------------------------------------------


def build_data_dir(garona: str, data_dir: Path, workdir: Path, args) -> tuple[list[Path], str]:
    """The two versions of the large file (imported: the first), the small dataset, tiny ones and the editor, whose
    password is returned."""
    versions = [workdir / "version-a.csv", workdir / "version-b.csv"]
    for offset, path in enumerate(versions):
        benchlib.generate_sample(garona, args.rows, args.seed + offset, path, args.timeout)
    title = f"Données d'exemple ({args.rows:,} lignes)"
    benchlib.garona_import(garona, versions[0], data_dir, LARGE, args.timeout, title=title)
    benchlib.garona_import(garona, front.SMALL_CSV, data_dir, SMALL, args.timeout, title="Gares d'Occitanie")
    for number in range(1, args.datasets + 1):
        front.import_tiny(garona, data_dir, workdir, number, args.timeout)
    password = f"soak-{random.SystemRandom().getrandbits(64):x}"
    result = subprocess.run([garona, "user", "create", "--data-dir", str(data_dir), "--username", EDITOR,
                             "--role", "editor", "--password-stdin"], input=password, capture_output=True, text=True,
                            timeout=120)
    if result.returncode != 0:
        sys.exit(f"garona user create failed (exit {result.returncode}):\n{result.stderr[-2000:]}")
    return versions, password


@dataclass
class Republisher:
    """Publishes the large dataset again every `every` seconds, alternating two files, from another process."""

    garona: str
    data_dir: Path
    versions: list[Path]
    every: float
    timeout: float
    on_publish: object  # called after each successful import
    durations: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def run(self, stop: threading.Event) -> None:
        count = 0
        while not stop.wait(self.every):
            count += 1
            argv = [self.garona, "import", str(self.versions[count % 2]), "--data-dir", str(self.data_dir),
                    "--dataset", LARGE]
            started = time.perf_counter()
            with tempfile.TemporaryFile() as errors:
                process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=errors, stdin=subprocess.DEVNULL)
                while process.poll() is None and not stop.is_set() and time.perf_counter() - started < self.timeout:
                    time.sleep(0.2)
                if process.poll() is None:  # the soak is over, or the import hangs: stop it
                    process.kill()
                    process.wait()
                    if not stop.is_set():
                        self.failures.append(f"import {count} did not finish in {self.timeout:.0f} s")
                    continue
                errors.seek(0)
                error = errors.read().decode(errors="replace").strip()
            if process.returncode != 0:
                self.failures.append(f"import {count} exit {process.returncode}: {error[-300:]}")
                log(f"republication {count} failed: {self.failures[-1]}")
                continue
            self.durations.append(time.perf_counter() - started)
            self.on_publish()


# --- The clients -------------------------------------------------------------------------------------------------


class Pacer:
    """Lets a paced class run at most once per its interval, across all threads."""

    def __init__(self, intervals: dict[str, float]):
        self.intervals = intervals
        now = time.monotonic()
        self.next = {name: now + interval / 4 for name, interval in intervals.items()}
        self.lock = threading.Lock()

    def due(self) -> str | None:
        now = time.monotonic()
        with self.lock:
            for name, at in self.next.items():
                if now >= at:
                    self.next[name] = now + self.intervals[name]
                    return name
        return None


class Client:
    """One client thread: draws a class, makes one new random request of it, records the answer."""

    def __init__(self, number: int, server: benchlib.Server, requests: Requests, tally: Tally, pacer: Pacer,
                 session: dict, args, datasets: list[str]):
        self.base, self.requests, self.tally, self.pacer = server.base, requests, tally, pacer
        self.session, self.args, self.datasets = session, args, datasets
        self.rng = requests.rng
        self.consent = session.get("consent", "")
        self.name = f"client {number}"

    def run(self, stop: threading.Event, deadline: float) -> None:
        classes, weights = list(WEIGHTS), list(WEIGHTS.values())
        while not stop.is_set() and time.monotonic() < deadline and self.tally.count < self.args.max_requests:
            klass = self.pacer.due() or self.rng.choices(classes, weights)[0]
            try:
                self.one(klass)
            except Exception as error:  # a bug of the soak itself must not pass for a quiet server
                self.tally.record(klass, "?", "?", None, 0.0, f"client error {error!r}")

    def headers(self) -> dict[str, str]:
        headers = dict(front.BROWSER_HEADERS)
        headers["Accept-Language"] = self.rng.choice(("fr-FR,fr;q=0.9", "en-GB,en;q=0.8", "de, en;q=0.5"))
        if self.consent and self.rng.random() < 0.5:
            headers["Cookie"] = self.consent
        return headers

    def new_path(self, make) -> str | None:
        """A request path not asked before, or None (counted) when 20 draws in a row were all repeats."""
        for _ in range(20):
            path = make()
            if path is None or self.tally.is_new("GET", path):
                return path
        with self.tally.lock:
            self.tally.skipped += 1
        return None

    def get(self, klass: str, path: str | None, headers: dict[str, str] | None = None,
            read_limit: int | None = None, keep: int = 5000) -> soak_load.Answer | None:
        if path is None:
            return None
        try:
            answer = exchange(self.base, "GET", path, headers or self.headers(), timeout=self.args.request_timeout,
                              read_limit=read_limit, keep=keep)
        except (OSError, http.client.HTTPException) as error:
            self.tally.record(klass, "GET", path, None, self.args.request_timeout, f"no answer: {error!r}")
            return None
        self.tally.record(klass, "GET", path, answer.status, answer.seconds, summary(answer))
        return answer

    def one(self, klass: str) -> None:
        make = {
            "home": self.requests.home, "catalog": self.requests.catalog, "dataset page": self.requests.dataset_page,
            "api records": self.requests.api_records, "api facets": self.requests.api_facets,
            "api group_by": self.requests.api_group_by, "api record by id": self.requests.api_record,
            "api catalog": self.requests.api_catalog, "export": self.requests.export,
        }
        if klass in make:
            self.get(klass, self.new_path(make[klass]))
        elif klass == "export abandoned":
            self.get(klass, self.new_path(lambda: self.requests.export(full=True)),
                     read_limit=self.rng.randint(1, 64) * 16 * 1024)
        elif klass == "export full":
            self.get(klass, self.new_path(lambda: self.requests.export(full=True)))
        elif klass == "back office":
            cookie = self.session.get("sessionid")
            if cookie:
                self.get(klass, self.new_path(lambda: self.requests.back_office(self.datasets)),
                         headers={**front.BROWSER_HEADERS, "Cookie": cookie})
        elif klass in ("login good", "login bad"):
            self.log_in(good=klass == "login good")

    def log_in(self, good: bool) -> None:
        """The login form, then a POST with the editor's password, or a wrong one (for the editor now and then, else
        for an account that does not exist)."""
        page = self.get("login page", self.new_path(
            lambda: benchlib.path_with_query("/login", [("next", f"/backoffice/?from={self.rng.getrandbits(32):x}")])),
            headers=dict(front.BROWSER_HEADERS), keep=1 << 20)
        if page is None or page.status != 200:
            return
        cookies = front.cookies_from(page.headers)
        token = re.search(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"', page.body.decode("utf-8", "replace"))
        if not token or "csrftoken" not in cookies:
            self.tally.flag("login page", "GET", "/login", "no CSRF token or cookie on the login page")
            return
        username = EDITOR if good or self.rng.random() < 0.2 else f"visiteur-{self.rng.getrandbits(32):x}"
        password = self.session["password"] if good else f"mauvais-{self.rng.getrandbits(48):x}"
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "username": username,
                                       "password": password, "next": "/backoffice/"})
        klass = "login good" if good else "login bad"
        self.tally.is_new("POST", "/login", body)
        headers = {**front.BROWSER_HEADERS, "Content-Type": "application/x-www-form-urlencoded", "Origin": self.base,
                   "Referer": self.base + "/login", "Cookie": front.cookie_header(cookies)}
        try:
            answer = exchange(self.base, "POST", "/login", headers, body=body, timeout=self.args.request_timeout)
        except (OSError, http.client.HTTPException) as error:
            self.tally.record(klass, "POST", "/login", None, self.args.request_timeout, f"no answer: {error!r}")
            return
        self.tally.record(klass, "POST", "/login", answer.status, answer.seconds, summary(answer))
        session = front.cookies_from(answer.headers).get("sessionid")
        if good and session:
            self.session["sessionid"] = f"sessionid={session}"


def summary(answer: soak_load.Answer) -> str:
    return benchlib.HTTPResult(answer.status, {}, answer.body).summary()


# --- Watching the server -----------------------------------------------------------------------------------------


def soak(server: benchlib.Server, args, tally: Tally, requests: list[Requests], session: dict, datasets: list[str],
         republisher: Republisher, data_dir: Path) -> tuple[list[soak_report.Minute], list[tuple[float, int, int, int]], float]:
    """Runs the load; returns the minutes, the memory samples (seconds since start, then VmRSS, RssAnon and RssFile
    in KB) and the length of the run."""
    stop = threading.Event()
    started = time.monotonic()
    deadline = started + args.minutes * 60
    pacer = Pacer(PACES)
    threads = [threading.Thread(target=Client(n, server, requests[n], tally, pacer, session, args, datasets).run,
                                args=(stop, deadline), name=f"client-{n}", daemon=True) for n in range(args.threads)]
    threads.append(threading.Thread(target=republisher.run, args=(stop,), name="republisher", daemon=True))
    for thread in threads:
        thread.start()
    tick = os.sysconf("SC_CLK_TCK")
    samples: list[tuple[float, int, int, int]] = []
    minutes: list[soak_report.Minute] = []
    next_minute = started + 60
    shown = 0  # 5xx answers already logged
    try:
        while True:
            time.sleep(min(SAMPLE_SECONDS, max(0.1, min(next_minute, deadline) - time.monotonic())))
            now = time.monotonic()
            if rss := server.memory_kb("VmRSS"):
                samples.append((now - started, rss, server.memory_kb("RssAnon"), server.memory_kb("RssFile")))
            over = now >= deadline or not server.alive() or not any(thread.is_alive() for thread in threads[:-1])
            if now >= next_minute or over:
                window = tally.rotate()
                row = soak_report.Minute(
                    len(minutes) + 1, window.requests, window.server_errors, window.unexpected, window.failed,
                    *(soak_report.rss_around(samples, now - started, kind) for kind in (1, 2, 3)),
                    server.cpu_ticks() / tick, os.getloadavg()[0],
                    len(republisher.durations), window, soak_report.directory_mb(data_dir))
                minutes.append(row)
                log(soak_report.minute_line(row))
                for failure in tally.server_errors[shown:shown + 3]:
                    log(f"  5xx: {failure.klass}: {failure.method} {failure.path} → {failure.what}")
                shown = len(tally.server_errors)
                next_minute += 60
            if over:
                break
    except KeyboardInterrupt:
        log("interrupted: stopping the clients")
    stop.set()
    for thread in threads:
        thread.join(timeout=args.request_timeout + 5)
    elapsed = time.monotonic() - started
    rest = tally.rotate()
    if rest.requests and minutes:
        log(f"{rest.requests} requests finished after the last minute (counted in the totals)")
    return minutes, samples, elapsed


def main() -> int:
    args = parse_args()
    garona = benchlib.garona_binary(args, args.timeout)
    revision = benchlib.garona_version(args)
    log(f"commit {revision}")
    workdir = Path(tempfile.mkdtemp(prefix="garona-soak-", dir=args.tmp_dir))
    log(f"working in {workdir}")
    garona = benchlib.private_copy(garona, workdir)
    server: benchlib.Server | None = None
    notes: list[str] = []
    try:
        data_dir = workdir / "garona-data"
        versions, password = build_data_dir(garona, data_dir, workdir, args)
        serve_arguments, serve_env, serve_notes = benchlib.serve_arguments(garona)
        notes += [f"`garona serve`: {note}." for note in serve_notes]
        port = benchlib.free_port()
        server = benchlib.Server(
            "garona", [garona, "serve", "--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", str(port),
                       *serve_arguments], port, "/healthz", workdir / "garona.log", env=serve_env, cwd=workdir)
        server.start()
        profiles = [soak_load.read_profile(server.base, name) for name in (LARGE, SMALL)]
        for profile in profiles:
            profile.record_ids = soak_load.read_record_ids(data_dir, profile.id)

        def refresh_ids() -> None:
            profiles[0].record_ids = soak_load.read_record_ids(data_dir, LARGE)

        catalog_pages = -(-(args.datasets + 2) // 20)
        requests = [Requests(profiles, random.Random(args.seed * 1000 + n), catalog_pages) for n in range(args.threads)]
        consent, problem = front.consent_cookies(server.base)
        if problem:
            notes.append(f"No visitor with consent cookies: {problem}.")
        session = {"password": password, "consent": front.cookie_header(consent) if consent else ""}
        republisher = Republisher(garona, data_dir, versions, args.republish_every, args.timeout, refresh_ids)
        tally = Tally()
        datasets = [LARGE, SMALL, "jeu-0001"] if args.datasets else [LARGE, SMALL]
        load_start = os.getloadavg()[0]
        log(f"soak for {args.minutes:g} minutes, {args.threads} threads; RSS {server.memory_kb('VmRSS') / 1024:.1f} MB")
        minutes, samples, elapsed = soak(server, args, tally, requests, session, datasets, republisher, data_dir)
        load = (load_start, os.getloadavg()[0])
        alive = server.alive()
        if not alive:
            notes.append(f"The server exited with {server.process.returncode}; the end of its log: "
                         f"`{server.log_tail(600)!r}`")
        warmup_at = min(args.warmup_minutes * 60, elapsed)
        warmup_rss, end_rss = soak_report.rss_around(samples, warmup_at), soak_report.rss_around(samples, elapsed)
        growth = end_rss / warmup_rss - 1 if warmup_rss and end_rss and elapsed > warmup_at else None
        verdict = soak_report.Verdict(warmup_rss, end_rss, growth, alive, tally.total.server_errors, tally.total.failed)
        if tally.total.server_errors:
            log(f"server log, last lines:\n{server.log_tail(3000)}")
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    text = soak_report.report(args, tally, minutes, verdict, (republisher.durations, republisher.failures), elapsed,
                              revision, load, notes)
    print(text)
    if args.write_docs:
        benchlib.write_docs(START, END, text, "", path=DOCS)
    return 0 if verdict.passed else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Front-office benchmark of issue 5: the pages of `garona serve` under `wrk`, through the full middleware stack.

1. Builds one data directory: the seeded 1,000,000-row sample file (`garona sample --seed 42`), the 280 railway
   stations of Occitanie (the small dataset), and many tiny datasets (1,000 by default) so that the catalog is a
   real one.
2. Starts `garona serve` on loopback and reads its idle RSS (VmRSS) once it answers.
3. Measures each page with `wrk -t2 -c8 --latency`: the home page, the catalog (plain and with a search), the
   information and table tabs of the small and the large dataset. First as a visitor without cookies, then as one
   who accepted the cookies (`cookies_preferences` and `csrftoken`, obtained through the real consent form).
4. Reports req/s and p50/p99 for each page, the memory of the server, and issue 5's targets.

Prints a Markdown report; `--write-docs` also puts it in docs/benchmarks.md between the markers
`<!-- front-benchmark:start -->` and `<!-- front-benchmark:end -->`.
Standard library only, plus wrk (Debian).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import benchlib
from benchlib import log, met

START = "<!-- front-benchmark:start -->"
END = "<!-- front-benchmark:end -->"
HEADING = """## Front office

The pages of `garona serve` under `wrk` at concurrency 8 on loopback, through the full middleware stack (session,
CSRF, language, consent, cookie firewall, security headers), with a catalog of 1,000 datasets and the 1,000,000-row
sample dataset (`Benchmarks/front_benchmark.py`). Targets of issue 5 on 2 cores: the home page at least 5,000 req/s,
the table page of the large dataset at least 1,000 req/s, and an idle RSS of at most 64 MB."""

SMALL = "gares-occitanie"
LARGE = "donnees-exemple"
SMALL_CSV = benchlib.REPO / "Sources" / "Portal" / "Resources" / "demo" / "gares-occitanie.csv"
THEMES = ("transport", "culture", "santé", "environnement", "tourisme", "éducation", "sport", "solidarité")
BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "fr-FR,fr;q=0.9,en;q=0.8",
    "Accept-Encoding": "identity",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) garona-front-benchmark",
}


@dataclass
class Page:
    """One page measured, and its target in req/s if issue 5 sets one."""

    key: str
    title: str
    path: str
    target_rps: int | None = None
    error: str = ""
    results: dict[str, benchlib.WrkResult] = field(default_factory=dict)
    first_ms: float | None = None  # the first request, which renders the page before the page cache keeps it


def pages() -> list[Page]:
    return [
        Page("home", "Home `/`", "/", target_rps=5000),
        Page("catalog", "Catalog `/explore/`", "/explore/"),
        Page("catalog-search", "Catalog search `/explore/?q=transport`", "/explore/?q=transport"),
        Page("information-small", "Information tab, small dataset", f"/explore/dataset/{SMALL}/information/"),
        Page("table-small", "Table tab, small dataset", f"/explore/dataset/{SMALL}/table/"),
        Page("information-large", "Information tab, large dataset", f"/explore/dataset/{LARGE}/information/"),
        Page("table-large", "Table tab, large dataset", f"/explore/dataset/{LARGE}/table/", target_rps=1000),
        Page("table-large-sorted", "Table tab, large dataset, refined and sorted",
             f"/explore/dataset/{LARGE}/table/?refine.categorie=Sport&sort=-effectif"),
    ]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the large dataset (default 1000000)")
    parser.add_argument("--datasets", type=int, default=1000, help="tiny datasets in the catalog (default 1000)")
    parser.add_argument("--duration", type=float, default=15, help="seconds of wrk per page and visitor (default 15)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of unmeasured load before each (default 2)")
    parser.add_argument("--seed", type=int, default=42, help="generator seed (default 42)")
    parser.add_argument("--jobs", type=int, default=2, help="tiny imports run at once (default 2)")
    parser.add_argument("--no-consent-visitor", action="store_true", help="measure the visitor without cookies only")
    benchlib.add_garona_arguments(parser)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="a data directory to keep: built on the first run, used as is on the next ones")
    benchlib.add_run_arguments(parser, timeout=3600, timeout_of="import")
    args = parser.parse_args()
    if args.rows < 1 or args.datasets < 0 or args.duration <= 0:
        parser.error("--rows must be positive, --datasets 0 or more and --duration positive")
    args.shown_argv = benchlib.shown_arguments(sys.argv[1:])
    args.catalog_size = None
    return args


def build_data_dir(garona: str, data_dir: Path, workdir: Path, args) -> dict[str, float]:
    """The portal's content: the large sample, the small real file and `--datasets` tiny ones."""
    timings: dict[str, float] = {}
    csv = workdir / "sample.csv"
    benchlib.generate_sample(garona, args.rows, args.seed, csv, args.timeout)
    start = time.perf_counter()
    benchlib.garona_import(garona, csv, data_dir, LARGE, args.timeout, title=f"Données d'exemple ({args.rows:,} lignes)")
    timings[f"import of the {args.rows:,}-row dataset"] = time.perf_counter() - start
    csv.unlink()
    if SMALL_CSV.is_file():
        benchlib.garona_import(garona, SMALL_CSV, data_dir, SMALL, args.timeout, title="Gares d'Occitanie")
    else:
        small = workdir / "small.csv"
        benchlib.generate_sample(garona, 280, args.seed, small, args.timeout)
        benchlib.garona_import(garona, small, data_dir, SMALL, args.timeout, title="Petit jeu de données")
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for done, _ in enumerate(pool.map(lambda n: import_tiny(garona, data_dir, workdir, n, args.timeout),
                                          range(1, args.datasets + 1)), start=1):
            if done % 100 == 0:
                log(f"{done} tiny datasets imported ({time.perf_counter() - start:.0f} s)")
    timings[f"{args.datasets:,} tiny imports"] = time.perf_counter() - start
    return timings


def import_tiny(garona: str, data_dir: Path, workdir: Path, number: int, timeout: float) -> None:
    """One tiny dataset of two rows, titled with a theme word so that a catalog search finds some."""
    theme = THEMES[number % len(THEMES)]
    tiny = workdir / f"tiny-{number}.csv"
    tiny.write_text(f"code;libelle;valeur\n{number};{theme} {number};{number * 7 % 100}\n"
                    f"{number + 1};{theme} {number + 1};{number * 13 % 100}\n", encoding="utf-8")
    argv = [garona, "import", str(tiny), "--data-dir", str(data_dir), "--dataset", f"jeu-{number:04d}",
            "--title", f"Jeu de données {number:04d} : {theme}"]
    for attempt in range(3):  # two imports at once may meet SQLite's write lock
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if result.returncode == 0:
            tiny.unlink()
            return
        time.sleep(1)
    sys.exit(f"garona import of jeu-{number:04d} failed (exit {result.returncode}):\n{result.stderr[-2000:]}")


def consent_cookies(base: str) -> tuple[dict[str, str], str]:
    """The cookies of a visitor who clicked "Tout accepter" on the real preferences form, and what went wrong."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", "/cookies/preferences", headers=BROWSER_HEADERS)
        response = connection.getresponse()
        page = response.read().decode("utf-8", errors="replace")
        cookies = cookies_from(response.getheaders())
        form = re.search(r'<form[^>]*action="/cookies/preferences"[^>]*>(.*?)</form>', page, re.S)
        token = re.search(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"', form.group(1) if form else "")
        if response.status != 200 or not token or "csrftoken" not in cookies:
            return {}, f"no consent form (GET /cookies/preferences: HTTP {response.status})"
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "action": "accept_all", "next": "/"})
        headers = {**BROWSER_HEADERS, "Content-Type": "application/x-www-form-urlencoded", "Origin": base,
                   "Referer": base + "/cookies/preferences", "Cookie": cookie_header(cookies)}
        connection.request("POST", "/cookies/preferences", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        cookies.update(cookies_from(response.getheaders()))
        if "cookies_preferences" not in cookies:
            return {}, f"the consent form did not set `cookies_preferences` (HTTP {response.status})"
        return cookies, ""
    except OSError as error:
        return {}, f"consent form failed ({error})"
    finally:
        connection.close()


def cookies_from(headers: list[tuple[str, str]]) -> dict[str, str]:
    cookies = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            if "=" in pair:
                key, cookie = pair.split("=", 1)
                cookies[key.strip()] = cookie.strip()
    return cookies


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def probe(page: Page, server: benchlib.Server) -> None:
    try:
        started = time.perf_counter()
        answer = benchlib.http_get(server.base + page.path, headers=BROWSER_HEADERS, timeout=120)
        page.first_ms = (time.perf_counter() - started) * 1000
    except OSError as error:
        page.error = f"no answer ({error})"
        return
    if answer.status != 200:
        page.error = answer.summary()
    elif "text/html" not in answer.headers.get("content-type", ""):
        page.error = f"not HTML ({answer.headers.get('content-type', 'no content type')})"
    log(f"{page.key}: {page.error or f'HTTP 200, {len(answer.body):,} bytes'}")


def report(args, page_list: list[Page], visitors: list[str], memory: dict[str, int], timings: dict[str, float],
           notes: list[str], load: str) -> str:
    lines = [
        f"Run on {time.strftime('%Y-%m-%d')}: Garona {benchlib.garona_version(args)}, wrk {benchlib.wrk_version()}.",
        "",
        "Machine: " + "; ".join(benchlib.machine_facts(with_swift=False)) + ". wrk and the server share these CPUs.",
        "",
        "Command, from the repository root:",
        "",
        "```sh",
        shlex.join(["python3", "Benchmarks/front_benchmark.py"] + args.shown_argv),
        "```",
        "",
        f"Catalog: {args.catalog_size or args.datasets + 2:,} datasets ({args.datasets:,} tiny ones, `{SMALL}` with 280 "
        f"rows, `{LARGE}` with "
        f"{args.rows:,} rows of `garona sample --seed {args.seed}`). Each page: `wrk -t2 -c8 -d{args.duration:.0f}s "
        f"--latency` after {args.warmup:.0f} s of warm-up, with a browser's `Accept` and `Accept-Language: fr` headers.",
        "",
    ]
    header = ("| Page | first answer (ms) |" + "".join(f" {visitor} req/s | p50 (ms) | p99 (ms) |" for visitor in visitors)
              + " Target |")
    lines += [header, "|---|---:|" + "---:|---:|---:|" * len(visitors) + "---|"]
    for page in page_list:
        row = f"| {page.title} | {f'{page.first_ms:,.1f}' if page.first_ms is not None else '–'} |"
        for visitor in visitors:
            result = page.results.get(visitor)
            if page.error or result is None or not result.ok:
                row += f" error: {page.error or (result.error if result else 'not run')} | – | – |"
            else:
                extra = f" ({result.problems()})" if result.problems() else ""
                row += f" {benchlib.rate_text(result.rps)}{extra} | {result.p50_ms:.1f} | {result.p99_ms:.1f} |"
        row += f" ≥ {page.target_rps:,} req/s |" if page.target_rps else " – |"
        lines.append(row)
    lines += [
        "",
        "| Memory of `garona serve` | MB |",
        "|---|---:|",
        f"| Idle, 2 s after it first answered (VmRSS) | {memory.get('idle', 0) / 1024:,.1f} |",
        f"| After the run (VmRSS) | {memory.get('after', 0) / 1024:,.1f} |",
        f"| Peak over the run (VmHWM) | {memory.get('peak', 0) / 1024:,.1f} |",
        "",
        "Targets (issue 5, on 2 cores; each page target for every visitor measured):",
        "",
    ]
    for page in page_list:
        if not page.target_rps:
            continue
        for visitor in visitors:
            result = page.results.get(visitor)
            measured = not page.error and result is not None and result.ok and not result.problems()
            lines.append(f"- {page.title}, {visitor}: at least {page.target_rps:,} req/s: "
                         f"{met(result.rps >= page.target_rps if measured else None)}"
                         + (f" ({benchlib.rate_text(result.rps)})" if measured else ""))
    idle = memory.get("idle", 0) / 1024
    lines.append(f"- Idle RSS at most 64 MB: {met(idle <= 64 if idle else None)} ({idle:,.1f} MB)")
    lines += [
        "",
        "Notes:",
        "",
        "- Visitors: *no cookies* sends none, as a first visit does (pages with a form then set `csrftoken`); "
        "*consent* sends the `csrftoken` and `cookies_preferences` that the real preferences form set after "
        "\"Tout accepter\".",
        "- Pages come from Garona's rendered-page cache after their first request (kept by catalog version, dataset "
        "version, language, user, consent banner and URL, with a fresh CSRF token written into each copy): the "
        "*first answer* column is the request that rendered each page, before the load.",
        *(["- Building the catalog: " + ", ".join(f"{label} {seconds:,.1f} s" for label, seconds in timings.items())
           + "."] if timings else []),
        f"- 1-minute load average at the start and at the end: {load} (on {os.cpu_count()} CPUs).",
        *([f"- {note}"] if (note := benchlib.busy_note(max(map(float, load.split(", "))))) else []),
    ]
    lines += [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def main() -> None:
    args = parse_args()
    benchlib.ensure_wrk()
    garona = benchlib.garona_binary(args, args.timeout)
    for command, options in (("import", ["--data-dir", "--dataset", "--title"]), ("serve", ["--data-dir", "--port"])):
        if not benchlib.has_command(garona, command, options):
            sys.exit(f"garona: {garona} has no working `{command}` command")
    load = f"{os.getloadavg()[0]:.1f}"
    workdir = Path(tempfile.mkdtemp(prefix="garona-front-bench-", dir=args.tmp_dir))
    log(f"working in {workdir}")
    garona = benchlib.private_copy(garona, workdir)
    server: benchlib.Server | None = None
    page_list = pages()
    visitors = ["no cookies"]
    memory: dict[str, int] = {}
    notes: list[str] = []
    try:
        data_dir = args.data_dir.resolve() if args.data_dir else workdir / "garona-data"
        if args.data_dir and (data_dir / "garona.sqlite").exists():
            log(f"using the data directory {args.data_dir} as it is")
            timings: dict[str, float] = {}
            notes.append("The data directory of an earlier run was used as it is (`--data-dir`).")
        else:
            timings = build_data_dir(garona, data_dir, workdir, args)
        serve_arguments, serve_env, serve_notes = benchlib.serve_arguments(garona)
        notes += [f"`garona serve`: {note}." for note in serve_notes]
        port = benchlib.free_port()
        server = benchlib.Server(
            "garona", [garona, "serve", "--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", str(port),
                       *serve_arguments], port, "/healthz", workdir / "garona.log", env=serve_env, cwd=workdir)
        server.start()
        time.sleep(2)
        memory["idle"] = server.memory_kb("VmRSS")
        try:
            catalog = benchlib.http_get(server.base + "/api/explore/v2.1/catalog/datasets?limit=1").json()
            args.catalog_size = int(catalog["total_count"])
        except (OSError, ValueError, KeyError, TypeError):
            args.catalog_size = None
        log(f"idle RSS {memory['idle'] / 1024:.1f} MB")

        headers = {"no cookies": dict(BROWSER_HEADERS)}
        if not args.no_consent_visitor:
            cookies, problem = consent_cookies(server.base)
            if cookies:
                visitors.append("consent")
                headers["consent"] = {**BROWSER_HEADERS, "Cookie": cookie_header(cookies)}
            else:
                notes.append(f"The visitor with consent was not measured: {problem}.")
                log(f"consent visitor skipped: {problem}")
        for page in page_list:
            probe(page, server)
        for visitor in visitors:
            for page in page_list:
                if page.error:
                    continue
                if args.warmup > 0:
                    benchlib.run_wrk(server.base, [page.path], args.warmup, workdir, headers=headers[visitor])
                    server.wait_idle()
                result = benchlib.run_wrk(server.base, [page.path], args.duration, workdir, headers=headers[visitor])
                server.wait_idle()
                page.results[visitor] = result
                if result.ok:
                    extra = f" ({result.problems()})" if result.problems() else ""
                    log(f"{page.key}, {visitor}: {benchlib.rate_text(result.rps)} req/s, p50 {result.p50_ms:.1f} ms, "
                        f"p99 {result.p99_ms:.1f} ms{extra}")
                else:
                    log(f"{page.key}, {visitor}: {result.error}")
        memory["after"] = server.memory_kb("VmRSS")
        memory["peak"] = server.memory_kb("VmHWM")
        if not server.alive():
            log(f"WARNING: garona is no longer running:\n{server.log_tail()}")
        load += f", {os.getloadavg()[0]:.1f}"
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    text = report(args, page_list, visitors, memory, timings, notes, load)
    print(text)
    if args.write_docs:
        benchlib.write_docs(START, END, text, HEADING)


if __name__ == "__main__":
    main()

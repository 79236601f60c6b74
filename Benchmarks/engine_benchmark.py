#!/usr/bin/env python3
"""Storage engine benchmark of issue 11: Garona on PostgreSQL beside Garona on SQLite, and two nodes against one.

1. Generates the seeded sample file (`garona sample --seed 42`) and imports it, three times by default
   (`--import-rounds`), with `garona import --data-dir` (SQLite) then `garona import --database-url` into a fresh
   PostgreSQL database, each store new and holding one tiny dataset imported before (not timed), with the wall time,
   the CLI's CPU time and peak RSS (`os.wait4`), and the CPU time of the PostgreSQL processes of that database (from
   /proc). The report compares the medians. An earlier round's stores are removed after it, its database dropped.
2. Starts `garona serve` on each engine (rate limit off), asks both a sample of every class's requests and compares
   the answers: a difference fails the run.
3. Measures the query classes of `api_benchmark.py` with `wrk -t2 -c8`, every request with its own random
   parameters, on SQLite then on PostgreSQL, with the CPU time of Garona and of PostgreSQL per request.
4. Starts a second node on the same PostgreSQL database and measures the same classes through nginx (round robin),
   with one node then with both behind it.

Prints a Markdown report; `--write-docs` also puts it in docs/benchmarks.md between the markers
`<!-- engine-benchmark:start -->` and `<!-- engine-benchmark:end -->`.
Standard library only, plus wrk, psql and nginx (Debian).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchlib
import engine_queries
import engine_report
from benchlib import log
from engine_queries import EngineClass, compare, draw_values, engine_classes
from engine_support import CLOCK_TICK, Nginx, PostgresCPU, PostgresServer, nginx_binary
from import_benchmark import measure

START = "<!-- engine-benchmark:start -->"
END = "<!-- engine-benchmark:end -->"
DEFAULT_URL = "postgres://garona:garona@127.0.0.1:5433/garona_test"  # the cluster of scripts/with-postgres


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the dataset (default 1000000)")
    parser.add_argument("--duration", type=float, default=10, help="seconds of wrk per class and server (default 10)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of unmeasured load before each (default 2)")
    parser.add_argument("--sample", type=int, default=12, help="requests per class asked of both engines (default 12)")
    parser.add_argument("--paths", type=int, default=40_000, help="random requests drawn per class (default 40000)")
    parser.add_argument("--seed", type=int, default=42, help="generator and query seed (default 42)")
    parser.add_argument("--database-url", default=None,
                        help="the PostgreSQL server whose role may CREATE DATABASE; the benchmark creates and drops "
                             "its own databases there (default: GARONA_TEST_POSTGRES_URL, else the local test "
                             "cluster on port 5433)")
    parser.add_argument("--import-rounds", type=int, default=3,
                        help="imports of the file on each engine, each into new stores; the report takes the median "
                             "(default 3)")
    parser.add_argument("--no-two-nodes", action="store_true", help="skip the nginx runs")
    benchlib.add_garona_arguments(parser)
    benchlib.add_run_arguments(parser, timeout=3600, timeout_of="import")
    args = parser.parse_args()
    if args.rows < 1000 or args.duration <= 0 or args.sample < 1 or args.paths < 1000 or args.import_rounds < 1:
        parser.error("--rows at least 1000, --duration positive, --sample at least 1, --paths at least 1000, "
                     "--import-rounds at least 1")
    args.database_url = args.database_url or os.environ.get("GARONA_TEST_POSTGRES_URL") or DEFAULT_URL
    shown = benchlib.shown_arguments(sys.argv[1:])  # without paths of this machine, nor the database's URL
    args.shown_argv = [arg for i, arg in enumerate(shown) if not arg.startswith("--database-url")
                       and not (i > 0 and shown[i - 1] == "--database-url")]
    return args


class Node:
    """A `garona serve` process and, on PostgreSQL, the database whose backends work for it."""

    def __init__(self, server: benchlib.Server, database: str | None, cpu: PostgresCPU):
        self.server, self.database, self.cpu = server, database, cpu


class Target:
    """What wrk loads: a server directly, or nginx in front of some nodes (whose CPU counts together)."""

    def __init__(self, name: str, base: str, nodes: list[Node]):
        self.name, self.base, self.nodes = name, base, nodes

    def ticks(self) -> tuple[int, int]:
        garona = sum(node.server.cpu_ticks() for node in self.nodes)
        databases = {node.database for node in self.nodes if node.database}
        totals = self.nodes[0].cpu.ticks()
        return garona, sum(totals.get(database, 0) for database in databases)

    def wait_idle(self, limit: float = 120) -> float:
        """Waits until Garona and PostgreSQL stop working on the answers a finished wrk run left in flight."""
        start, before = time.monotonic(), sum(self.ticks())
        while time.monotonic() - start < limit:
            time.sleep(0.5)
            now = sum(self.ticks())
            if now - before <= 0.05 * 0.5 * CLOCK_TICK + 1:  # under about 5% of a core: idle
                break
            before = now
        return time.monotonic() - start


def import_both(garona: str, csv: Path, workdir: Path, postgres: PostgresServer, cpu: PostgresCPU, args,
                results: dict) -> tuple[Path, Path, str, str]:
    """Imports the file `args.import_rounds` times on each engine, SQLite then PostgreSQL, each time into new stores
    (one tiny dataset imported first, not timed: what a store does once, its schema and on PostgreSQL the comparison
    of the server's folding with Garona's, kept in the database, is not the import's). The machine is noisy: the
    report takes the median of the rounds. An earlier round's stores are removed after it; the last round's are the
    nodes'."""
    common = ["--dataset", "bench", "--title", "Benchmark"]
    tiny = workdir / "first.csv"
    tiny.write_text("name;n\nfirst;1\n")
    results["sqlite"], results["postgres"], results["postgres cpu"] = [], [], []
    for round_number in range(1, args.import_rounds + 1):
        last = round_number == args.import_rounds
        sqlite_dir = workdir / ("sqlite-node" if last else f"sqlite-round-{round_number}")
        pg_dir = workdir / ("postgres-node-a" if last else f"postgres-round-{round_number}")
        database, url = postgres.create_database()
        for engine in (["--data-dir", str(sqlite_dir)], ["--database-url", url, "--data-dir", str(pg_dir)]):
            first = subprocess.run([garona, "import", str(tiny), *engine, "--dataset", "first", "--title", "First"],
                                   capture_output=True, text=True, timeout=args.timeout)
            if first.returncode != 0:
                sys.exit(f"the first import failed:\n{first.stderr[-3000:]}")
        sqlite = measure(f"`garona import --data-dir` (SQLite), round {round_number}", args.rows,
                         [garona, "import", str(csv), "--data-dir", str(sqlite_dir), *common], workdir, args.timeout)
        cpu.watch(database)
        before = cpu.ticks()
        run = measure(f"`garona import --database-url` (PostgreSQL), round {round_number}", args.rows,
                      [garona, "import", str(csv), "--database-url", url, "--data-dir", str(pg_dir), *common],
                      workdir, args.timeout)
        after = cpu.ticks()
        for key, outcome in (("sqlite", sqlite), ("postgres", run)):
            if not outcome.ok:
                sys.exit(f"{outcome.label} failed:\n{outcome.stderr[-3000:]}")
            records = benchlib.garona_records(outcome.stdout)
            if records != args.rows:
                sys.exit(f"{outcome.label} published {records} records, not {args.rows}")
            results[key].append(outcome)
        results["postgres cpu"].append(((after.get(database, 0) - before.get(database, 0)) / CLOCK_TICK,
                                        (after.get("", 0) - before.get("", 0)) / CLOCK_TICK))
        if not last:
            # PostgreSQL writes a loaded table's pages to disk after the commit (its WAL made it durable): kept, an
            # earlier round's gigabyte would be written during the next round, each round slower than the one before.
            shutil.rmtree(sqlite_dir, ignore_errors=True)
            postgres.drop(database)
    return sqlite_dir, pg_dir, database, url


def check_answers(classes: list[EngineClass], sqlite: Target, postgres: Target, size: int) -> list[str]:
    """Asks both engines the first `size` requests of every class and compares the answers. Returns the
    differences; an engine that answers other than 200 gets that error for the class, which it then skips."""
    failures = []
    for query in classes:
        counts = {"same": 0, "ties": 0}
        for path in query.paths[:size]:
            answers = [benchlib.http_get(target.base + path, timeout=600) for target in (sqlite, postgres)]
            verdict, detail = compare(path, *answers)
            if verdict == "differ":
                failures.append(f"{query.key}: {path}: {detail}")
                log(f"{query.key}: DIFFERENT answers to {path}: {detail}")
            elif verdict == "error":
                for target, answer in zip((sqlite, postgres), answers):
                    if answer.status != 200:
                        query.errors.setdefault(target.name, answer.summary())
                log(f"{query.key}: {path}: {detail}")
            else:
                counts[verdict] += 1
        query.sanity = (f"same on {counts['same']} of {size}" + (
            f", the same but for the order of rows the request leaves unordered on {counts['ties']}" if counts["ties"]
            else "")) if (
            not query.errors) else "not compared (an error)"
        log(f"{query.key}: {query.sanity}")
    return failures


def run_class(query: EngineClass, target: Target, args, workdir: Path) -> None:
    engine = "sqlite" if target.name == "sqlite" else "postgres"
    if engine in query.errors:
        query.errors.setdefault(target.name, query.errors[engine])
        return
    if args.warmup > 0:
        benchlib.run_wrk(target.base, query.warmup, args.warmup, workdir)
        target.wait_idle()
    before = target.ticks()
    log(f"{query.key}: wrk on {target.name} for {args.duration:.0f} s")
    result = benchlib.run_wrk(target.base, query.paths, args.duration, workdir)
    waited = target.wait_idle()
    after = target.ticks()
    query.results[target.name] = result
    query.cpu[target.name] = ((after[0] - before[0]) / CLOCK_TICK, (after[1] - before[1]) / CLOCK_TICK)
    if result.ok:
        log(f"{query.key}: {target.name} {benchlib.rate_text(result.rps)} req/s, p50 {result.p50_ms:.1f} ms, "
            f"p99 {result.p99_ms:.1f} ms, CPU {sum(query.cpu[target.name]):.1f} s"
            + (f", answers in flight finished in {waited:.0f} s" if waited > 2 else ""))
    else:
        query.errors[target.name] = result.error
        log(f"{query.key}: {target.name} {result.error}")


def main() -> None:
    args = parse_args()
    benchlib.ensure_wrk()
    benchlib.WRK_SCRIPT = engine_queries.PARTITIONED_WRK_SCRIPT  # each wrk thread walks its own part of the list
    if shutil.which("psql") is None:
        sys.exit("psql is missing: install the Debian package postgresql-client")
    two_nodes = not args.no_two_nodes and nginx_binary() is not None
    garona = benchlib.garona_binary(args, args.timeout)
    for command in ("import", "serve"):
        if not benchlib.has_command(garona, command, ["--data-dir", "--database-url"]):
            sys.exit(f"garona: {garona} has no `{command} --database-url` (the PostgreSQL engine)")
    postgres = PostgresServer(args.database_url)
    facts = {"garona": engine_report.binary_revision(args, garona), "postgres": postgres.version(),
             "wrk": benchlib.wrk_version(), "nginx": engine_report.nginx_version() if two_nodes else "",
             "load": [os.getloadavg()[0]]}
    workdir = Path(tempfile.mkdtemp(prefix="garona-engine-bench-", dir=args.tmp_dir))
    log(f"working in {workdir}")
    garona = benchlib.private_copy(garona, workdir)
    cpu = PostgresCPU()
    cpu.start()
    servers: list[benchlib.Server] = []
    proxies: list[Nginx] = []
    imports: dict = {}
    failures: list[str] = []
    targets: list[Target] = []
    classes: list[EngineClass] = []
    try:
        csv = workdir / "sample.csv"
        benchlib.generate_sample(garona, args.rows, args.seed, csv, args.timeout)
        imports["file bytes"] = csv.stat().st_size
        sqlite_dir, pg_dir, database, url = import_both(garona, csv, workdir, postgres, cpu, args, imports)
        csv.unlink()
        facts["load"].append(os.getloadavg()[0])
        classes = engine_classes(draw_values(sqlite_dir / "garona.sqlite", args.seed), args.seed, args.paths)

        serve_arguments, serve_env, facts["serve notes"] = benchlib.serve_arguments(garona)

        def node(name: str, data_dir: Path, database_url: str | None) -> Node:
            port = benchlib.free_port()
            engine = ["--database-url", database_url] if database_url else []
            server = benchlib.Server(name, [garona, "serve", "--data-dir", str(data_dir), *engine, "--host",
                                            "127.0.0.1", "--port", str(port), "--trusted-proxy", "127.0.0.1",
                                            *serve_arguments], port, "/healthz", workdir / f"{name}.log",
                                     env=serve_env, cwd=workdir)
            servers.append(server)
            server.start()
            return Node(server, database if database_url else None, cpu)

        sqlite_node, node_a = node("sqlite", sqlite_dir, None), node("postgres", pg_dir, url)
        targets = [Target("sqlite", sqlite_node.server.base, [sqlite_node]),
                   Target("postgres", node_a.server.base, [node_a])]
        failures = check_answers(classes, targets[0], targets[1], args.sample)
        if failures:
            sys.exit("the engines answered differently:\n" + "\n".join(failures[:20]))
        if two_nodes:
            node_b = node("postgres-b", workdir / "postgres-node-b", url)  # a new node: an empty data directory
            for upstreams, name in (([node_a], "1 node"), ([node_a, node_b], "2 nodes")):
                proxy = Nginx([f"127.0.0.1:{n.server.port}" for n in upstreams], workdir)
                proxies.append(proxy)
                seen = proxy.upstreams_seen("/healthz", 4)
                if len(seen) != len(upstreams):
                    sys.exit(f"nginx with {name} answered from {sorted(seen)} only")
                targets.append(Target(name, proxy.base, upstreams))
        for query in classes:
            for target in targets:
                run_class(query, target, args, workdir)
        facts["load"].append(os.getloadavg()[0])
        for server in servers:
            if not server.alive():
                failures.append(f"{server.name} stopped during the run:\n{server.log_tail()}")
    finally:
        for proxy in proxies:
            proxy.stop()
        for server in servers:
            server.stop()
        cpu.stop()
        postgres.drop_all()
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if failures:
        sys.exit("\n".join(failures))
    text = engine_report.report(args, facts, imports, classes, [target.name for target in targets], cpu.available)
    print(text)
    if args.write_docs:
        benchlib.write_docs(START, END, text, engine_report.HEADING)


if __name__ == "__main__":
    main()

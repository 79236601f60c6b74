"""The query classes of `engine_benchmark.py`: those of `api_benchmark.py` (the same fields, the same Explore API
requests), with random parameters drawn for every request, and the comparison of two engines' answers.

Under load, wrk walks a long list of requests drawn in advance (each with its own random parameters), every thread
from its own point of the list, so that no request repeats within a run unless the class's space of parameters is
smaller than the number of requests: each class says how many distinct requests it sent, and how many distinct
aggregates (totals, facet counts, `group_by` answers), which Garona's memo keeps per published version.
"""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import benchlib
from api_queries import API, AVERAGED_FIELD, FACET_FIELDS, FILTER_FIELD, GROUP_FIELD, PAGE, RANGE_FIELD, TEXT_FIELD

# Each wrk thread starts at its own point of the list (the golden ratio spreads any number of threads) and walks on
# from there; benchlib.run_wrk writes benchlib.WRK_SCRIPT, which this benchmark sets to this text. The output line
# is benchlib's.
PARTITIONED_WRK_SCRIPT = benchlib.WRK_SCRIPT.replace(
    "local index = 0\n",
    "local index = 0\nlocal created = 0\nfunction setup(thread)\n  thread:set(\"part\", created)\n"
    "  created = created + 1\nend\n",
).replace("  index = math.random(#paths) - 1\n", "  index = math.floor(((part * 0.6180339887) % 1) * #paths)\n")
assert "setup(" in PARTITIONED_WRK_SCRIPT and "math.random" not in PARTITIONED_WRK_SCRIPT, \
    "benchlib.WRK_SCRIPT changed: update PARTITIONED_WRK_SCRIPT"

DEEPEST_OFFSET = 990  # filter pages: the first hundred (the API allows offset + limit up to 10,000)
SEARCH_OFFSET = 490
RECORD_POOL = 4096  # records whose API id is read from the SQLite database


@dataclass
class EngineClass:
    """One kind of query: a long list of requests with random parameters, and what each one aggregates."""

    key: str
    title: str
    parameters: str  # what is random, for the report
    paths: list[str]
    aggregates: list[str]  # per path, the key of the aggregate that the memo keeps ("" when none)
    warmup: list[str]
    results: dict[str, benchlib.WrkResult] = field(default_factory=dict)
    cpu: dict[str, tuple[float, float]] = field(default_factory=dict)  # server → (garona s, PostgreSQL s)
    errors: dict[str, str] = field(default_factory=dict)
    sanity: str = ""

    def sent(self, requests: int, threads: int = 2) -> list[int]:
        """The indexes of the paths that a run of `requests` requests sent (each thread's share of them, from its
        starting point): an estimate, as wrk does not say how many each thread sent."""
        share = -(-requests // threads)
        starts = [int(((part * 0.6180339887) % 1) * len(self.paths)) for part in range(threads)]
        return [(start + step) % len(self.paths) for start in starts for step in range(share)][:requests]

    def distinct(self, requests: int) -> tuple[int, int]:
        """(distinct requests, distinct aggregates) among the requests a run sent."""
        sent = self.sent(requests)
        return len({self.paths[i] for i in sent}), len({self.aggregates[i] for i in sent if self.aggregates[i]})


def draw_values(sqlite_db: Path, seed: int) -> dict:
    """What the random parameters are drawn from, read from Garona's SQLite database (read-only)."""
    connection = sqlite3.connect(f"file:{sqlite_db}?mode=ro", uri=True)
    try:
        (table,) = connection.execute("SELECT records_table FROM datasets WHERE id = 'bench'").fetchone()
        column = lambda name: f'"{name}"'  # noqa: E731 (field names of the sample file, quoted)
        categories = [row[0] for row in connection.execute(
            f'SELECT DISTINCT {column(FILTER_FIELD)} FROM "{table}" ORDER BY 1')]
        low, high = connection.execute(
            f'SELECT min({column(RANGE_FIELD)}), max({column(RANGE_FIELD)}) FROM "{table}"').fetchone()
        texts = [row[0] for row in connection.execute(
            f'SELECT {column(TEXT_FIELD)} FROM "{table}" ORDER BY "id" LIMIT 2000')]
        count = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        rng = random.Random(seed)
        ids = sorted(rng.sample(range(1, count + 1), min(RECORD_POOL, count)))
        record_ids: dict[int, str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            record_ids.update(connection.execute(
                f'SELECT "id", "_id" FROM "{table}" WHERE "id" IN ({marks})', chunk).fetchall())
    finally:
        connection.close()
    words = sorted({word for text in texts for word in text.rstrip(".").split()
                    if len(word) >= 5 and word.islower() and word.isalpha()})
    return {"categories": categories, "low": low, "high": high, "words": words,
            "record_ids": [record_ids[i] for i in ids if i in record_ids]}


def engine_classes(values: dict, seed: int, length: int) -> list[EngineClass]:
    """The six classes, each with `length` requests to walk under load and a shorter list for the warm-up."""
    classes = []
    for key in ("filter", "range", "search", "record", "facets", "group"):
        rng = random.Random(f"{seed}-{key}")
        draws = [draw(key, values, rng) for _ in range(length)]
        warm = [draw(key, values, rng)[0] for _ in range(max(64, length // 10))]
        title, parameters = TITLES[key]
        classes.append(EngineClass(key, title, parameters, [d[0] for d in draws], [d[1] for d in draws], warm))
    return classes


TITLES = {
    "filter": (f"Equality filter on a facet field (`{FILTER_FIELD}`)",
               f"the value (of the field's values) and the page (`offset` 0 to {DEEPEST_OFFSET})"),
    "range": (f"Range plus sort (`{RANGE_FIELD}` between two values, descending)", "both bounds"),
    "search": (f"Full-text search (one word in `{TEXT_FIELD}`)",
               f"the word (of the vocabulary) and the page (`offset` 0 to {SEARCH_OFFSET})"),
    "record": ("Record by id", f"the record (of {RECORD_POOL:,} drawn at random)"),
    "facets": (f"Facet counts on two fields (`{FACET_FIELDS[0]}`, `{FACET_FIELDS[1]}`)",
               f"a lower bound on `{RANGE_FIELD}` (`where`), so every request counts another subset"),
    "group": (f"`group_by` with `avg` (`avg({AVERAGED_FIELD})` by `{GROUP_FIELD}`)",
              f"a lower bound on `{RANGE_FIELD}` (`where`)"),
}


def draw(key: str, values: dict, rng: random.Random) -> tuple[str, str]:
    """One request of the class with random parameters, and the key of the aggregate it asks for."""
    path = benchlib.path_with_query
    low, high = values["low"], values["high"]
    if key == "filter":
        where = f'{FILTER_FIELD} = "{rng.choice(values["categories"])}"'
        offset = rng.randint(0, DEEPEST_OFFSET)
        return path(f"{API}/records", [("where", where), ("limit", str(PAGE)), ("offset", str(offset))]), where
    if key == "range":
        span = max(1, (high - low) // 10)
        start = rng.randint(low, max(low, high - span))
        where = f"{RANGE_FIELD} >= {start} and {RANGE_FIELD} <= {start + rng.randint(1, span)}"
        return path(f"{API}/records", [("where", where), ("order_by", f"{RANGE_FIELD} desc"),
                                       ("limit", str(PAGE))]), where
    if key == "search":
        where = f'search({TEXT_FIELD}, "{rng.choice(values["words"])}")'
        offset = rng.randint(0, SEARCH_OFFSET)
        return path(f"{API}/records", [("where", where), ("limit", str(PAGE)), ("offset", str(offset))]), where
    if key == "record":
        return path(f"{API}/records/{rng.choice(values['record_ids'])}", []), ""
    where = f"{RANGE_FIELD} >= {rng.randint(low, high)}"
    if key == "facets":
        return path(f"{API}/facets", [("facet", name) for name in FACET_FIELDS] + [("where", where)]), where
    return path(f"{API}/records", [("select", f"{GROUP_FIELD}, avg({AVERAGED_FIELD}) as moyenne"),
                                   ("where", where), ("group_by", GROUP_FIELD), ("order_by", GROUP_FIELD),
                                   ("limit", "100")]), where


# --- Both engines give the same answers --------------------------------------------------------------------------

VOLATILE = {"data_processed", "metadata_processed", "modified"}  # when each engine published: not the data


def without_volatile(value):
    if isinstance(value, dict):
        return {k: without_volatile(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [without_volatile(v) for v in value]
    return value


def sort_keys(path: str) -> list[str]:
    """The fields of the request's `order_by` (`effectif desc` → `effectif`)."""
    order = parse_qs(urlsplit(path).query).get("order_by", [""])[0]
    return [item.split()[0] for item in order.split(",") if item.strip()]


def compare(path: str, first: benchlib.HTTPResult, second: benchlib.HTTPResult) -> tuple[str, str]:
    """How two engines' answers to `path` compare: ("same", ""), ("ties", why) when they may rightly differ,
    ("error", what) when an engine did not answer 200, or ("differ", what).

    Neither the API nor SQL fixes the order of rows that the request does not order (no `order_by`, or equal
    values of its sort fields): there the totals must agree, and the rows must be as many with the same values
    of the sort fields, in the same order."""
    if first.status != 200 or second.status != 200:
        return ("same", "") if first.status == second.status else (
            "error", f"{first.summary()} and {second.summary()}")
    a, b = without_volatile(first.json()), without_volatile(second.json())
    if a == b:
        return "same", ""
    if isinstance(a, dict) and isinstance(b, dict) and "/records?" in path and a.get("total_count") == b.get(
            "total_count"):
        keys = sort_keys(path)
        project = lambda rows: [[row.get(key) for key in keys] for row in rows]  # noqa: E731
        rows_a, rows_b = a.get("results") or [], b.get("results") or []
        if len(rows_a) == len(rows_b) and project(rows_a) == project(rows_b):
            return "ties", "rows in another order" if not keys else f"rows of equal {', '.join(keys)} in another order"
    text_a, text_b = json.dumps(a, sort_keys=True), json.dumps(b, sort_keys=True)
    at = next((i for i, (x, y) in enumerate(zip(text_a, text_b)) if x != y), min(len(text_a), len(text_b)))
    return "differ", f"from character {at}: {text_a[max(0, at - 60):at + 60]!r} / {text_b[max(0, at - 60):at + 60]!r}"

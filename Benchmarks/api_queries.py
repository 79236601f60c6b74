"""The query classes of the data API benchmark (`api_benchmark.py`, issue 13): the same logical queries for Garona's
Explore API (and its table tab) and for Datasette, **every request with its own random parameters**, and how both
answers are read and compared.

Each class is a long list of pairs (Garona's request, Datasette's request, same parameters) drawn in advance from a
seeded generator; under load each wrk thread walks the list from its own point (`engine_queries`'s
PARTITIONED_WRK_SCRIPT), so that no request repeats within a run and neither server can answer from memory. The values
drawn from are those of the engine benchmark (`engine_queries.draw_values`).
"""

from __future__ import annotations

import random
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

import benchlib
from benchlib import log

API = "/api/explore/v2.1/catalog/datasets/bench"
DATABASE = "datasette"  # the SQLite file is datasette.db, so Datasette serves it under /datasette
TABLE = f"/{DATABASE}/bench"
TABLE_TAB = "/explore/dataset/bench/table/"
FILTER_FIELD, RANGE_FIELD, TEXT_FIELD = "categorie", "effectif", "description"
FACET_FIELDS = ("departement", "categorie")
GROUP_FIELD, AVERAGED_FIELD = "categorie", "effectif"
PAGE = 10  # rows per answer on both sides
TABLE_PAGE = 20  # rows of Garona's table tab (DatasetPageQuery.pageSize)
DEEPEST_TABLE_PAGE = 5


@dataclass
class QueryClass:
    """One kind of query: pairs of requests with the same random parameters, and what each one aggregates."""

    key: str
    title: str
    parameters: str  # what is random, for the report
    garona: list[str]
    datasette: list[str]
    aggregates: list[str]  # per pair, the key of the aggregate that Garona's memo would keep ("" when none)
    warm_garona: list[str]
    warm_datasette: list[str]
    check: str  # how the answers are compared: "count", "record", "facets", "groups", "" (HTML: not compared)
    p99_target: float | None = None
    html: bool = False
    results: dict[str, benchlib.WrkResult] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # server → CPU seconds of the run
    memo: dict[str, int] = field(default_factory=dict)  # Garona's answers during the run: memo, accelerator, engine
    errors: dict[str, str] = field(default_factory=dict)
    sanity: str = ""
    mismatched: bool = False
    # Seconds each server took for its first answer to each compared pair: cold, before any load.
    first: dict[str, list[float]] = field(default_factory=dict)

    def distinct(self, requests: int) -> tuple[int, int]:
        """(distinct requests, distinct aggregates) among the first `requests` of a run (engine_queries' estimate)."""
        from engine_queries import EngineClass  # engine_queries imports this module's constants

        return EngineClass(self.key, self.title, self.parameters, self.garona, self.aggregates, []).distinct(requests)


def query_values(garona_db: Path, seed: int) -> dict:
    """What the random parameters are drawn from: engine_queries' values, plus the file's `id` of each record (the
    key of Datasette's record page)."""
    from engine_queries import draw_values  # engine_queries imports this module's constants

    values = draw_values(garona_db, seed)
    connection = sqlite3.connect(f"file:{garona_db}?mode=ro", uri=True)
    try:
        (table,) = connection.execute("SELECT records_table FROM datasets WHERE id = 'bench'").fetchone()
        by_record = {}
        ids = values["record_ids"]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            by_record.update(connection.execute(
                f'SELECT "_id", "id" FROM "{table}" WHERE "_id" IN ({marks})', chunk).fetchall())
    finally:
        connection.close()
    values["records"] = [(record, by_record[record]) for record in ids if record in by_record]
    return values


TITLES = {
    "filter": (f"Equality filter (`{FILTER_FIELD}`) and a threshold (`{RANGE_FIELD}`), with the total count",
               "the value, the threshold", 50),
    "range": (f"Range plus sort (`{RANGE_FIELD}` between two values, descending), with the total count",
              "both bounds", 50),
    "search": (f"Full-text word (`{TEXT_FIELD}`), a facet filter (`{FILTER_FIELD}`) and a threshold, with the total "
               "count", "the word, the value, the threshold", 50),
    "record": ("Record by id", "the record (of 4,096 drawn at random)", None),
    "facets": (f"Facet counts on two fields (`{FACET_FIELDS[0]}`, `{FACET_FIELDS[1]}`) under a range filter",
               f"both bounds of a range of `{RANGE_FIELD}`", 100),
    "group": (f"`group_by` + `avg` (`avg({AVERAGED_FIELD})` by `{GROUP_FIELD}`) under a range filter",
              f"both bounds of a range of `{RANGE_FIELD}`", 100),
    "table": ("HTML table tab: search + refine + sort + page (Datasette: its HTML table page)",
              f"the word, the value, the page (1 to {DEEPEST_TABLE_PAGE}; Datasette: the first)", 100),
}
CHECKS = {"filter": "count", "range": "count", "search": "count", "record": "record", "facets": "facets",
          "group": "groups", "table": ""}


def query_classes(values: dict, seed: int, length: int, datasette_major: int) -> list[QueryClass]:
    classes = []
    for key, (title, parameters, p99) in TITLES.items():
        rng = random.Random(f"{seed}-api-{key}")
        draws = [draw(key, values, rng, datasette_major) for _ in range(length)]
        warm = [draw(key, values, rng, datasette_major) for _ in range(max(64, length // 10))]
        classes.append(QueryClass(
            key, title, parameters, [d[0] for d in draws], [d[1] for d in draws], [d[2] for d in draws],
            [w[0] for w in warm], [w[1] for w in warm], CHECKS[key], p99, html=key == "table"))
    return classes


def draw(key: str, values: dict, rng: random.Random, datasette_major: int) -> tuple[str, str, str]:
    """One pair of requests of the class with random parameters, and the key of the aggregate Garona's memo keeps."""
    path = benchlib.path_with_query
    count = [("_extra", "count")] if datasette_major >= 1 else []
    objects = [("_shape", "objects"), ("_size", str(PAGE))] + count
    low, high = values["low"], values["high"]
    category = rng.choice(values["categories"])
    word = rng.choice(values["words"])
    threshold = rng.randint(low, high)
    a, b = sorted((rng.randint(low, high), rng.randint(low, high)))
    between = f"{RANGE_FIELD} >= {a} and {RANGE_FIELD} <= {b}"
    bounds = [(f"{RANGE_FIELD}__gte", str(a)), (f"{RANGE_FIELD}__lte", str(b))]
    if key == "filter":
        where = f'{FILTER_FIELD} = "{category}" and {RANGE_FIELD} >= {threshold}'
        return (path(f"{API}/records", [("where", where), ("limit", str(PAGE))]),
                path(f"{TABLE}.json", [(FILTER_FIELD, category), (f"{RANGE_FIELD}__gte", str(threshold))] + objects),
                where)
    if key == "range":
        span = max(1, (high - low) // 10)
        start = rng.randint(low, max(low, high - span))
        end = start + rng.randint(1, span)
        where = f"{RANGE_FIELD} >= {start} and {RANGE_FIELD} <= {end}"
        return (path(f"{API}/records", [("where", where), ("order_by", f"{RANGE_FIELD} desc"), ("limit", str(PAGE))]),
                path(f"{TABLE}.json", [(f"{RANGE_FIELD}__gte", str(start)), (f"{RANGE_FIELD}__lte", str(end)),
                                       ("_sort_desc", RANGE_FIELD)] + objects), where)
    if key == "search":
        where = f'search({TEXT_FIELD}, "{word}") and {FILTER_FIELD} = "{category}" and {RANGE_FIELD} >= {threshold}'
        return (path(f"{API}/records", [("where", where), ("limit", str(PAGE))]),
                path(f"{TABLE}.json", [("_search", word), (FILTER_FIELD, category),
                                       (f"{RANGE_FIELD}__gte", str(threshold))] + objects), where)
    if key == "record":
        record, row_id = rng.choice(values["records"])
        return path(f"{API}/records/{record}", []), path(f"{TABLE}/{row_id}.json", [("_shape", "objects")]), ""
    if key == "facets":
        return (path(f"{API}/facets", [("facet", name) for name in FACET_FIELDS] + [("where", between)]),
                path(f"{TABLE}.json", [("_facet", name) for name in FACET_FIELDS] + bounds
                     + [("_size", "0"), ("_nocount", "1")]), between)
    if key == "group":
        sql = (f"select {GROUP_FIELD}, avg({AVERAGED_FIELD}) as moyenne from bench where {RANGE_FIELD} >= :a and "
               f"{RANGE_FIELD} <= :b group by {GROUP_FIELD} order by {GROUP_FIELD}")
        return (path(f"{API}/records", [("select", f"{GROUP_FIELD}, avg({AVERAGED_FIELD}) as moyenne"),
                                        ("where", between), ("group_by", GROUP_FIELD), ("order_by", GROUP_FIELD),
                                        ("limit", "100")]),
                path(f"/{DATABASE}.json", [("sql", sql), ("a", str(a)), ("b", str(b)), ("_shape", "array")]), between)
    page = rng.randint(1, DEEPEST_TABLE_PAGE)
    return (path(TABLE_TAB, [("q", word), (f"refine.{FILTER_FIELD}", category), ("sort", f"-{RANGE_FIELD}"),
                             ("page", str(page))]),
            path(TABLE, [("_search", word), (FILTER_FIELD, category), ("_sort_desc", RANGE_FIELD),
                         ("_size", str(TABLE_PAGE))]), f"{word} {category}")


# --- Reading both answers the same way, for the check -------------------------------------------------------------


def answer_count(body) -> int | None:
    if not isinstance(body, dict):
        return None
    for key in ("total_count", "filtered_table_rows_count", "count"):
        if isinstance(body.get(key), int):
            return body[key]
    return None


def record_key(body) -> object:
    if isinstance(body, dict) and isinstance(body.get("rows"), list):  # Datasette wraps the row
        body = body["rows"][0] if body["rows"] else {}
    return body.get("id") if isinstance(body, dict) else None


def facet_counts(body) -> dict[str, dict[str, int]]:
    """Facet name → {value: count}, from either server's answer (values as text: Datasette's `departement` is an
    integer column, `09` read as 9, so leading zeros are dropped on both sides)."""
    counts: dict[str, dict[str, int]] = {}
    if isinstance(body, dict) and isinstance(body.get("facet_results"), dict):  # Datasette
        results = body["facet_results"]
        results = results.get("results", results)  # Datasette 1.0 nests them one level deeper
        for name, facet in results.items():
            counts[name] = {str(value["value"]).lstrip("0"): value["count"] for value in facet.get("results", [])}
    elif isinstance(body, dict) and isinstance(body.get("facets"), list):  # Explore API
        for facet in body["facets"]:
            counts[facet.get("name")] = {str(value.get("value")).lstrip("0"): value.get("count")
                                         for value in facet.get("facets", []) if isinstance(value.get("count"), int)}
    return counts


def group_values(body) -> list[tuple[str, float]]:
    rows = body.get("results") if isinstance(body, dict) else body
    return [(str(row.get(GROUP_FIELD)), round(float(row.get("moyenne") or 0), 9)) for row in rows or []]


def compare(query: QueryClass, garona: benchlib.HTTPResult, datasette: benchlib.HTTPResult) -> str | None:
    """None when both answers agree, else what differs."""
    g, d = garona.json(), datasette.json()
    if query.check == "count":
        gc, dc = answer_count(g), answer_count(d)
        first = [row.get(RANGE_FIELD) for row in (g.get("results") or [{}])[:1]] if query.key == "range" else []
        other = [row.get(RANGE_FIELD) for row in (d.get("rows") or [{}])[:1]] if query.key == "range" else []
        if gc is None or gc != dc or first != other:
            return f"counts {gc} and {dc}" + (f", first {RANGE_FIELD} {first} and {other}" if first != other else "")
        return None
    if query.check == "record":
        return None if record_key(g) == record_key(d) else f"ids {record_key(g)} and {record_key(d)}"
    if query.check == "facets":
        gf, df = facet_counts(g), facet_counts(d)
        # Compare the values both list: a server may list fewer values (Explore API facets and Datasette's
        # facet_size have limits); every value listed by both must have the same count.
        wrong = [name for name in FACET_FIELDS
                 if not gf.get(name) or not df.get(name)
                 or any(gf[name][value] != count for value, count in df[name].items() if value in gf[name])
                 or not set(gf[name]) & set(df[name])]
        return f"facet counts differ on {', '.join(wrong)}" if wrong else None
    gg, dg = group_values(g), group_values(d)
    return None if gg == dg and gg else f"groups {gg[:2]}… and {dg[:2]}…"


def sanity(query: QueryClass, garona: benchlib.Server, datasette: benchlib.Server, sample: int) -> None:
    """Asks the first `sample` pairs of both servers once, cold: records errors, and whether the answers agree."""
    mismatches, agreed, total = [], 0, 0
    for g_path, d_path in list(zip(query.garona, query.datasette))[:sample]:
        total += 1
        answers = {}
        for name, server, path in (("garona", garona, g_path), ("datasette", datasette, d_path)):
            try:
                started = time.perf_counter()
                answer = benchlib.http_get(server.base + path, timeout=600)
                query.first.setdefault(name, []).append(time.perf_counter() - started)
            except OSError as error:
                query.errors.setdefault(name, f"no answer ({error})")
                continue
            if answer.status != 200:
                query.errors.setdefault(name, answer.summary())
                log(f"{query.key}: {name} answered {answer.summary()} to {path}")
            else:
                answers[name] = answer
        if len(answers) == 2 and query.check:
            try:
                difference = compare(query, answers["garona"], answers["datasette"])
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                difference = f"unreadable answer ({error!r})"
            if difference:
                mismatches.append(difference)
                log(f"{query.key}: answers differ for {g_path} / {d_path}: {difference}")
            else:
                agreed += 1
    if mismatches:
        query.mismatched = True
        query.sanity = f"**differ** on {len(mismatches)} of {total} ({mismatches[0]})"
    elif not query.check:
        query.sanity = "not compared (HTML pages)"
    elif agreed:
        query.sanity = f"same on {agreed} of {total}"
    else:
        query.sanity = "not compared (an error)"

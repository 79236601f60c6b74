"""The query classes of the data API benchmark (`api_benchmark.py`): the same logical queries for Garona's Explore
API and for Datasette, their seeded variants, and how both answers are read and compared."""

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
FILTER_FIELD, RANGE_FIELD, TEXT_FIELD = "categorie", "effectif", "description"
FACET_FIELDS = ("departement", "categorie")
GROUP_FIELD, AVERAGED_FIELD = "categorie", "effectif"
PAGE = 10  # rows per answer on both sides


@dataclass
class QueryClass:
    """One kind of query, with the same logical variants on both servers."""

    key: str
    title: str
    garona: list[str]
    datasette: list[str]
    check: str  # how the answers are compared: "count", "record", "facets", "groups"
    p99_target: bool = False
    results: dict[str, benchlib.WrkResult] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    sanity: str = ""
    # Seconds each server took for its first answer to each variant: cold, before any cache of either server.
    first: dict[str, list[float]] = field(default_factory=dict)


def query_values(db: Path, rows: int, seed: int) -> dict:
    """Seeded variants of each query: filter values, ranges, search words and record ids, drawn from the data."""
    rng = random.Random(seed)
    with sqlite3.connect(db) as connection:
        categories = [row[0] for row in connection.execute(f"SELECT DISTINCT {FILTER_FIELD} FROM bench ORDER BY 1")]
        low, high = connection.execute(f"SELECT min({RANGE_FIELD}), max({RANGE_FIELD}) FROM bench").fetchone()
        texts = [row[0] for row in connection.execute(f"SELECT {TEXT_FIELD} FROM bench ORDER BY id LIMIT 2000")]
    words: dict[str, int] = {}
    for text in texts:
        for word in text.rstrip(".").split():
            if len(word) >= 5 and word.islower() and word.isalpha():
                words[word] = words.get(word, 0) + 1
    common = sorted(words)  # the vocabulary is small: each of its words is in a few percent of the rows
    span = max(1, (high - low) // 20)
    starts = [rng.randint(low, max(low, high - span)) for _ in range(8)]
    return {
        "categories": categories,
        "ranges": [(start, start + span) for start in starts],
        "words": sorted(rng.sample(common, min(8, len(common)))),
        "ids": sorted(rng.sample(range(1, rows + 1), 32)),
    }


def query_classes(values: dict, record_ids: dict[int, str], datasette_major: int) -> list[QueryClass]:
    path = benchlib.path_with_query
    count = [("_extra", "count")] if datasette_major >= 1 else []
    objects = [("_shape", "objects"), ("_size", str(PAGE))] + count
    classes = [
        QueryClass(
            "filter", f"Equality filter on a facet field (`{FILTER_FIELD}`)",
            [path(f"{API}/records", [("where", f'{FILTER_FIELD} = "{value}"'), ("limit", str(PAGE))])
             for value in values["categories"]],
            [path(f"{TABLE}.json", [(FILTER_FIELD, value)] + objects) for value in values["categories"]],
            "count", p99_target=True,
        ),
        QueryClass(
            "range", f"Range plus sort (`{RANGE_FIELD}` between two values, descending)",
            [path(f"{API}/records", [("where", f"{RANGE_FIELD} >= {low} and {RANGE_FIELD} <= {high}"),
                                     ("order_by", f"{RANGE_FIELD} desc"), ("limit", str(PAGE))])
             for low, high in values["ranges"]],
            [path(f"{TABLE}.json", [(f"{RANGE_FIELD}__gte", str(low)), (f"{RANGE_FIELD}__lte", str(high)),
                                    ("_sort_desc", RANGE_FIELD)] + objects) for low, high in values["ranges"]],
            "count",
        ),
        QueryClass(
            "search", f"Full-text search (one word in `{TEXT_FIELD}`)",
            [path(f"{API}/records", [("where", f'search({TEXT_FIELD}, "{word}")'), ("limit", str(PAGE))])
             for word in values["words"]],
            [path(f"{TABLE}.json", [("_search", word)] + objects) for word in values["words"]],
            "count", p99_target=True,
        ),
        QueryClass(
            "record", "Record by id",
            [path(f"{API}/records/{record_ids.get(row_id, 'missing-id')}", []) for row_id in values["ids"]],
            [path(f"{TABLE}/{row_id}.json", [("_shape", "objects")]) for row_id in values["ids"]],
            "record", p99_target=True,
        ),
        QueryClass(
            "facets", f"Facet counts on two fields (`{FACET_FIELDS[0]}`, `{FACET_FIELDS[1]}`)",
            [path(f"{API}/facets", [("facet", name) for name in FACET_FIELDS])],
            [path(f"{TABLE}.json", [("_facet", name) for name in FACET_FIELDS] + [("_size", "0"), ("_nocount", "1")])],
            "facets",
        ),
        QueryClass(
            "group", f"`group_by` with `avg` (`avg({AVERAGED_FIELD})` by `{GROUP_FIELD}`)",
            [path(f"{API}/records", [("select", f"{GROUP_FIELD}, avg({AVERAGED_FIELD}) as moyenne"),
                                     ("group_by", GROUP_FIELD), ("order_by", GROUP_FIELD), ("limit", "100")])],
            [path(f"/{DATABASE}.json", [("sql", f"select {GROUP_FIELD}, avg({AVERAGED_FIELD}) as moyenne from bench "
                                                f"group by {GROUP_FIELD} order by {GROUP_FIELD}"),
                                        ("_shape", "array")])],
            "groups",
        ),
    ]
    return classes


# --- Reading both answers the same way, for the sanity check ------------------------------------------------------


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


def facet_counts(body) -> dict[str, list[int]]:
    """Facet name → its value counts, largest first, from either server's answer."""
    counts: dict[str, list[int]] = {}
    if isinstance(body, dict) and isinstance(body.get("facet_results"), dict):  # Datasette
        results = body["facet_results"]
        results = results.get("results", results)  # Datasette 1.0 nests them one level deeper
        for name, facet in results.items():
            counts[name] = sorted((value["count"] for value in facet.get("results", [])), reverse=True)
    elif isinstance(body, dict) and isinstance(body.get("facets"), list):  # Explore API
        for facet in body["facets"]:
            values = [value.get("count") for value in facet.get("facets", []) if isinstance(value.get("count"), int)]
            counts[facet.get("name")] = sorted(values, reverse=True)
    return counts


def group_values(body) -> list[tuple[str, float]]:
    rows = body.get("results") if isinstance(body, dict) else body
    return [(str(row.get(GROUP_FIELD)), round(float(row.get("moyenne") or 0), 6)) for row in rows or []]


def compare(query: QueryClass, garona: benchlib.HTTPResult, datasette: benchlib.HTTPResult) -> str | None:
    """None when both answers agree, else what differs."""
    g, d = garona.json(), datasette.json()
    if query.check == "count":
        gc, dc = answer_count(g), answer_count(d)
        first = [row.get(RANGE_FIELD) for row in (g.get("results") or [{}])[:1]] if query.key == "range" else []
        other = [row.get(RANGE_FIELD) for row in (d.get("rows") or [{}])[:1]] if query.key == "range" else []
        if gc != dc or first != other:
            return f"counts {gc} and {dc}" + (f", first {RANGE_FIELD} {first} and {other}" if first != other else "")
        return None
    if query.check == "record":
        return None if record_key(g) == record_key(d) else f"ids {record_key(g)} and {record_key(d)}"
    if query.check == "facets":
        gf, df = facet_counts(g), facet_counts(d)
        # Compare the values both list: a server may list fewer values by default (Explore API facets have a limit).
        wrong = [name for name in FACET_FIELDS
                 if not gf.get(name) or not df.get(name) or gf[name][:len(df[name])] != df[name][:len(gf[name])]]
        return f"facet counts differ on {', '.join(wrong)}" if wrong else None
    gg, dg = group_values(g), group_values(d)
    return None if gg == dg and gg else f"groups {gg[:2]}… and {dg[:2]}…"


def sanity(query: QueryClass, garona: benchlib.Server, datasette: benchlib.Server) -> None:
    """Asks every variant of both servers once: records errors, and whether the answers agree."""
    mismatches, agreed = [], 0
    for g_path, d_path in zip(query.garona, query.datasette):
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
        if len(answers) == 2:
            try:
                difference = compare(query, answers["garona"], answers["datasette"])
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                difference = f"unreadable answer ({error!r})"
            if difference:
                mismatches.append(difference)
                log(f"{query.key}: answers differ for {g_path} / {d_path}: {difference}")
            else:
                agreed += 1
    total = len(query.garona)
    if mismatches:
        query.sanity = f"**differ** on {len(mismatches)} of {total} ({mismatches[0]})"
    elif agreed:
        query.sanity = f"same on {agreed} of {total}"
    else:
        query.sanity = "not compared (an error)"

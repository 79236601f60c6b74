"""The requests of the soak (`soak.py`): what it knows of each dataset, one random request of each class, and the
tally of every answer.

Every request is new: its parameters are drawn at random, and the tally counts any that were asked before. Only
`127.0.0.1` is ever asked.
"""

from __future__ import annotations

import http.client
import random
import re
import sqlite3
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import benchlib

API = "/api/explore/v2.1/catalog/datasets"
TABS = ("information", "table", "map", "analyze", "export", "api")
EXPORT_FORMATS = ("csv", "json", "jsonl", "geojson")
NUMERIC = ("int", "double")
TEXT = ("text",)
SEARCH_WORDS = ("transport", "culture", "santé", "gare", "sport", "données", "tourisme", "jeu", "école", "eau")

# The answers each class expects. A 429 to a login is the throttle doing its job; a record id may be gone once its
# dataset was republished (404).
EXPECTED: dict[str, set[int]] = {
    "home": {200}, "catalog": {200}, "dataset page": {200},
    "api records": {200}, "api facets": {200}, "api group_by": {200}, "api record by id": {200, 404},
    "api catalog": {200},
    "export": {200}, "export abandoned": {200}, "export full": {200},
    "login page": {200}, "login good": {302, 303, 429}, "login bad": {200, 429},
    "back office": {200},
}
CLASSES = tuple(EXPECTED)


# --- What the soak knows of a dataset ----------------------------------------------------------------------------


@dataclass
class Profile:
    """One dataset as the server describes it: its fields, facet values, numeric ranges, words and record ids."""

    id: str
    records: int = 0
    fields: list[str] = field(default_factory=list)
    numeric: dict[str, tuple[float, float]] = field(default_factory=dict)  # field → (min, max)
    facets: dict[str, list[str]] = field(default_factory=dict)  # facet field → some of its values
    sortable: list[str] = field(default_factory=list)
    text_fields: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    record_ids: list[str] = field(default_factory=list)


def read_profile(base: str, dataset: str) -> Profile:
    """Reads a dataset's shape through the API, once, before the load."""
    profile = Profile(dataset)
    document = benchlib.http_get(f"{base}{API}/{dataset}").json()
    profile.records = int(document.get("metas", {}).get("default", {}).get("records_count") or 0)
    for described in document.get("fields", []):
        name, kind = described["name"], described["type"]
        profile.fields.append(name)
        annotations = described.get("annotations") or {}
        if "sortable" in annotations:
            profile.sortable.append(name)
        if kind in ("date", "datetime"):
            profile.dates.append(name)
        if kind in TEXT:
            profile.text_fields.append(name)
        if kind in NUMERIC:
            bounds = benchlib.http_get(benchlib.path_with_query(
                f"{base}{API}/{dataset}/records", [("select", f"min({name}) as low, max({name}) as high")])).json()
            row = (bounds.get("results") or [{}])[0]
            if isinstance(row.get("low"), (int, float)) and isinstance(row.get("high"), (int, float)):
                profile.numeric[name] = (row["low"], row["high"])
        if "facet" in annotations and kind in TEXT:
            answer = benchlib.http_get(benchlib.path_with_query(
                f"{base}{API}/{dataset}/facets", [("facet", name)])).json()
            for facet in answer.get("facets", []):
                profile.facets[name] = [str(value["value"]) for value in facet.get("facets", [])][:50]
    sample = benchlib.http_get(f"{base}{API}/{dataset}/records?limit=100").json()
    words: set[str] = set()
    for row in sample.get("results", []):
        for name in profile.text_fields:
            for word in re.findall(r"[^\W\d_]{5,}", str(row.get(name) or "")):
                words.add(word.lower())
    profile.words = sorted(words)[:200] or list(SEARCH_WORDS)
    return profile


def read_record_ids(data_dir: Path, dataset: str, count: int = 20_000) -> list[str]:
    """Some API record ids (`_id`) of the dataset's published table. The API has no way to list them, so they are
    read from the database, read-only, as `api_benchmark.py` does."""
    connection = sqlite3.connect(f"file:{data_dir / 'garona.sqlite'}?mode=ro", uri=True, timeout=30)
    try:
        (table,) = connection.execute("SELECT records_table FROM datasets WHERE id = ?", (dataset,)).fetchone()
        rows = connection.execute(f'SELECT "_id" FROM "{table}" ORDER BY random() LIMIT ?', (count,)).fetchall()
    finally:
        connection.close()
    return [str(row[0]) for row in rows]


# --- Random requests ---------------------------------------------------------------------------------------------


class Requests:
    """Draws random requests of each class over the datasets' profiles."""

    def __init__(self, profiles: list[Profile], rng: random.Random, catalog_pages: int):
        self.profiles = profiles
        self.rng = rng
        self.catalog_pages = max(1, catalog_pages)

    def profile(self) -> Profile:
        return self.rng.choice(self.profiles) if self.rng.random() < 0.3 else self.profiles[0]

    def where(self, profile: Profile) -> str:
        """A random ODSQL condition of the kind clients send: a range, an equality, a search, a date bound."""
        rng = self.rng
        choices = []
        if profile.numeric:
            name, (low, high) = rng.choice(sorted(profile.numeric.items()))
            start = rng.uniform(low, high)
            end = start + rng.uniform(0, (high - low) / 4)
            if all(isinstance(bound, int) for bound in (low, high)):
                choices.append(f"{name} >= {int(start)} and {name} <= {int(end)}")
            else:
                choices.append(f"{name} > {start:.2f}")
        if profile.facets:
            name, values = rng.choice(sorted(profile.facets.items()))
            if values:
                choices.append(f'{name} = "{rng.choice(values)}"')
        if profile.text_fields and profile.words:
            choices.append(f'search({rng.choice(profile.text_fields)}, "{rng.choice(profile.words)}")')
        if profile.dates:
            year = rng.randint(1995, 2026)
            choices.append(f"{rng.choice(profile.dates)} >= date'{year}-{rng.randint(1, 12):02d}-01'")
        if profile.words:
            choices.append(f'"{rng.choice(profile.words)}"')
        clause = rng.choice(choices)
        if len(choices) > 1 and rng.random() < 0.3:
            clause += " and " + rng.choice(choices)
        return clause

    def order_by(self, profile: Profile) -> list[tuple[str, str]]:
        if not profile.sortable or self.rng.random() < 0.4:
            return []
        return [("order_by", f"{self.rng.choice(profile.sortable)} {self.rng.choice(('asc', 'desc'))}")]

    def tab_filters(self, profile: Profile) -> list[tuple[str, str]]:
        """The front office's spelling of filters: `q`, `refine.field=value`, `sort`, and a `page` that exists
        (past the last one, the table answers 404): any page of the whole table, the first of a filtered one."""
        rng = self.rng
        query: list[tuple[str, str]] = []
        if profile.words and rng.random() < 0.4:
            query.append(("q", rng.choice(profile.words)))
        if profile.facets and rng.random() < 0.6:
            name, values = rng.choice(sorted(profile.facets.items()))
            if values:
                query.append((f"refine.{name}", rng.choice(values)))
        if profile.sortable and rng.random() < 0.5:
            query.append(("sort", rng.choice(("", "-")) + rng.choice(profile.sortable)))
        pages = min(500, max(1, -(-profile.records // 20)))
        filtered = any(name == "q" or name.startswith("refine.") for name, _ in query)
        query.append(("page", str(1 if filtered else rng.randint(1, pages))))
        return query

    def home(self) -> str:
        return benchlib.path_with_query("/", [("utm_source", f"soak-{self.rng.getrandbits(40):x}")])

    def catalog(self) -> str:
        rng = self.rng
        query: list[tuple[str, str]] = []
        if rng.random() < 0.7:
            words = [rng.choice(SEARCH_WORDS + tuple(self.profiles[0].words[:20])) for _ in range(rng.randint(1, 2))]
            query.append(("q", " ".join(words)))
        query.append(("sort", rng.choice(("relevance", "title", "modified"))))
        query.append(("page", "1" if query[0][0] == "q" else str(rng.randint(1, self.catalog_pages))))
        query.append(("utm_content", f"{rng.getrandbits(32):x}"))
        return benchlib.path_with_query("/explore/", query)

    def dataset_page(self) -> str:
        profile = self.profile()
        tab = self.rng.choice(TABS + ("map/points.json",))
        query = self.tab_filters(profile)
        if tab != "table":
            query = [pair for pair in query if pair[0] != "page"]
        if tab == "analyze" and profile.numeric:
            query += [("agg", self.rng.choice(("count", "sum", "avg", "min", "max"))),
                      ("y", self.rng.choice(sorted(profile.numeric)))]
        if tab == "analyze" and self.rng.random() < 0.5:
            query.append(("x", self.rng.choice(sorted(profile.facets) + profile.dates)))
        return benchlib.path_with_query(f"/explore/dataset/{profile.id}/{tab}" + ("" if "." in tab else "/"), query)

    def api_records(self) -> str:
        profile = self.profile()
        limit = self.rng.randint(1, 100)
        query = [("where", self.where(profile)), ("limit", str(limit)),
                 ("offset", str(self.rng.randint(0, 10_000 - limit) if self.rng.random() < 0.3 else 0))]
        return benchlib.path_with_query(f"{API}/{profile.id}/records", query + self.order_by(profile))

    def api_facets(self) -> str:
        profile = self.profile()
        names = sorted(profile.facets) or profile.text_fields[:1]
        query = [("facet", name) for name in self.rng.sample(names, self.rng.randint(1, len(names)))]
        return benchlib.path_with_query(f"{API}/{profile.id}/facets", query + [("where", self.where(profile))])

    def api_group_by(self) -> str:
        profile = self.profile()
        groups = sorted(profile.facets) or profile.text_fields[:1]
        group = self.rng.choice(groups)
        if profile.dates and self.rng.random() < 0.3:
            group = f"year({self.rng.choice(profile.dates)})"
        aggregate = "count(*)"
        if profile.numeric:
            aggregate = f"{self.rng.choice(('avg', 'sum', 'min', 'max'))}({self.rng.choice(sorted(profile.numeric))})"
        query = [("select", f"{group} as groupe, {aggregate} as valeur"), ("group_by", group),
                 ("order_by", self.rng.choice(("valeur desc", "groupe", "valeur"))),
                 ("limit", str(self.rng.randint(1, 100)))]
        if self.rng.random() < 0.6:
            query.append(("where", self.where(profile)))
        return benchlib.path_with_query(f"{API}/{profile.id}/records", query)

    def api_record(self) -> str | None:
        profile = self.profile()
        ids = profile.record_ids
        if not ids:
            return None
        path = f"{API}/{profile.id}/records/{urllib.parse.quote(self.rng.choice(ids), safe='')}"
        if self.rng.random() < 0.5:
            return path
        chosen = self.rng.sample(profile.fields, self.rng.randint(1, len(profile.fields)))
        return benchlib.path_with_query(path, [("select", ", ".join(chosen))])

    def api_catalog(self) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            return benchlib.path_with_query(
                "/api/explore/v2.1/catalog/facets", [("facet", "theme"), ("where", f'"{rng.choice(SEARCH_WORDS)}"')])
        words = SEARCH_WORDS + tuple(self.profiles[0].words)
        query = [("limit", str(rng.randint(1, 100))), ("offset", str(rng.randint(0, 100)))]
        if rng.random() < 0.7:
            query.append(("where", f'search(title, "{rng.choice(words)}")' if rng.random() < 0.5
                          else f'"{rng.choice(words)}"'))
        if rng.random() < 0.5:
            query.append(("order_by", rng.choice(("title", "modified desc", "records_count desc", "dataset_id"))))
        return benchlib.path_with_query("/api/explore/v2.1/catalog/datasets", query)

    def export(self, full: bool = False) -> str:
        profile = self.profiles[0] if full else self.profile()
        fmt = self.rng.choice(EXPORT_FORMATS[:2] if full else EXPORT_FORMATS)
        if full:
            nonce = [("soak", f"{self.rng.getrandbits(32):x}")]
            return benchlib.path_with_query(f"{API}/{profile.id}/exports/{fmt}", nonce)
        query = [("where", self.where(profile)), ("limit", str(self.rng.randint(10, 20_000)))]
        return benchlib.path_with_query(f"{API}/{profile.id}/exports/{fmt}", query + self.order_by(profile))

    def back_office(self, datasets: list[str]) -> str:
        rng = self.rng
        path = rng.choice(["/backoffice/", "/backoffice/apikeys"] + [f"/backoffice/datasets/{d}" for d in datasets])
        return benchlib.path_with_query(path, [("soak", f"{rng.getrandbits(40):x}")])


# --- One exchange with the server --------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # the first `keep` bytes
    seconds: float
    size: int

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key.lower() == name), "")


def exchange(base: str, method: str, path: str, headers: dict[str, str] | None = None, body: str | None = None,
             timeout: float = 120, read_limit: int | None = None, keep: int = 5000) -> Answer:
    """One request on a new connection to the loopback server. With `read_limit`, reads that many bytes of the
    body at most and then closes the socket, as a client that gives up on a download does."""
    parts = urllib.parse.urlsplit(base)
    if parts.hostname != "127.0.0.1":
        raise ValueError(f"the soak only talks to 127.0.0.1, not {parts.hostname}")
    started = time.perf_counter()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        kept = bytearray()
        size = 0
        while chunk := response.read(64 * 1024):
            size += len(chunk)
            if len(kept) < keep:
                kept += chunk[:keep - len(kept)]
            if read_limit is not None and size >= read_limit:
                break
        return Answer(response.status, response.getheaders(), bytes(kept), time.perf_counter() - started, size)
    finally:
        connection.close()


# --- The tally ---------------------------------------------------------------------------------------------------


@dataclass
class Failure:
    """A request whose answer was a 5xx, an unexpected status or no answer at all."""

    at: float  # seconds since the start of the load
    klass: str
    method: str
    path: str
    what: str


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))]


@dataclass
class Window:
    """The requests of one minute (or of the whole run), by class."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, Counter] = field(default_factory=dict)
    server_errors: int = 0
    unexpected: int = 0
    failed: int = 0  # no answer: refused, reset, timed out

    def add(self, klass: str, status: int | None, seconds: float) -> None:
        self.latencies.setdefault(klass, []).append(seconds)
        self.statuses.setdefault(klass, Counter())[status if status is not None else "no answer"] += 1

    @property
    def requests(self) -> int:
        return sum(len(values) for values in self.latencies.values())

    def quantile_ms(self, klass: str, fraction: float) -> float:
        return percentile(self.latencies.get(klass, []), fraction) * 1000


class Tally:
    """Every answer, by class, for the minute and for the run; the first failures of each kind; repeated requests."""

    def __init__(self, keep: int = 10):
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.minute = Window()
        self.total = Window()
        self.server_errors: list[Failure] = []
        self.unexpected: list[Failure] = []
        self.failed: list[Failure] = []
        self.keep = keep
        self.seen: set[int] = set()
        self.repeated = 0
        self.skipped = 0  # draws given up after too many repeats
        self.count = 0  # requests answered or failed so far

    def is_new(self, method: str, path: str, body: str | None = None) -> bool:
        """Whether this request was not made before in this run; remembers it."""
        key = hash((method, path, body))
        with self.lock:
            if key in self.seen:
                self.repeated += 1
                return False
            self.seen.add(key)
            return True

    def record(self, klass: str, method: str, path: str, status: int | None, seconds: float, what: str = "") -> None:
        failure = Failure(time.monotonic() - self.started, klass, method, path, what)
        with self.lock:
            self.count += 1
            for window in (self.minute, self.total):
                window.add(klass, status, seconds)
                if status is None:
                    window.failed += 1
                elif status >= 500:
                    window.server_errors += 1
                elif status not in EXPECTED[klass]:
                    window.unexpected += 1
            target = (self.failed if status is None else self.server_errors if status >= 500
                      else self.unexpected if status not in EXPECTED[klass] else None)
            if target is not None and len(target) < self.keep:
                target.append(failure)

    def flag(self, klass: str, method: str, path: str, what: str) -> None:
        """An answer with an expected status that is still wrong (a page without its form)."""
        with self.lock:
            self.minute.unexpected += 1
            self.total.unexpected += 1
            if len(self.unexpected) < self.keep:
                self.unexpected.append(Failure(time.monotonic() - self.started, klass, method, path, what))

    def rotate(self) -> Window:
        """The minute that ends now; a new one begins."""
        with self.lock:
            window, self.minute = self.minute, Window()
        return window

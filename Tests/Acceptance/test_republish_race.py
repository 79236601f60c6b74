"""No wrong answer and no 5xx while a dataset is republished by another process (issue 10).

`garona import` republishes one dataset 8 times in a row, alternating two versions with different row counts,
while threads read it every way the portal offers: records (with their total), an aggregate, facets, the CSV
export, records by id, the table page and the information page. Every answer must be a 200 (or a 404 for the id
of a record of the other version), and every total must be exactly the row count of one of the two versions:
never an error because the version a request looked up was swapped out under it, never a mix of both.
"""

import csv
import random
import re
import threading
from contextlib import closing

import pytest
import requests

from conftest import start_server
from garona_server import import_file, read_only_db

DATASET = "race"
API = f"/api/explore/v2.1/catalog/datasets/{DATASET}"
REPUBLISHES = 8
READERS = 6
KINDS = ["nord", "sud", "est", "ouest"]


def write_version(path, rows, tag):
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["nom", "kind", "valeur"])
        for index in range(rows):
            writer.writerow([f"{tag}-{index}", KINDS[index % len(KINDS)], index])


def current_ids(data_dir):
    with closing(read_only_db(data_dir)) as db:
        table = db.execute("SELECT records_table FROM datasets WHERE id = ?", (DATASET,)).fetchone()[0]
        return [row[0] for row in db.execute(f'SELECT _id FROM "{table}"')]


def publish(server, path):
    done = import_file(path, server.data_dir, DATASET, "--title", "Course")
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def versions(tmp_path_factory, tiles):
    """The server, with the dataset published in version B then A; the two files, their counts and ids."""
    server = start_server(tmp_path_factory, "--tile-url", tiles.template)
    folder = tmp_path_factory.mktemp("race")
    files = {"a": folder / "a.csv", "b": folder / "b.csv"}
    counts = {"a": 240, "b": 410}
    for tag, path in files.items():
        write_version(path, counts[tag], tag)
    ids = {}
    for tag in ("b", "a"):
        publish(server, files[tag])
        ids[tag] = current_ids(server.data_dir)
    yield server, files, counts, ids
    server.stop()


class Readers:
    """Threads that read the dataset in every way until told to stop, and collect what was wrong."""

    def __init__(self, server, counts, ids):
        self.server = server
        self.totals = set(counts.values())
        self.ids = ids["a"] + ids["b"]
        self.stop = threading.Event()
        self.problems = []
        self.answers = 0
        self.lock = threading.Lock()
        self.checks = [self.records, self.aggregate, self.facets, self.export, self.record_by_id,
                       self.table_page, self.information_page]

    def run(self, seed):
        session = requests.Session()
        chooser = random.Random(seed)
        while not self.stop.is_set():
            check = chooser.choice(self.checks)
            try:
                problem = check(session, chooser)
            except requests.RequestException as error:
                problem = f"{check.__name__}: {type(error).__name__}"
            with self.lock:
                self.answers += 1
                if problem:
                    self.problems.append(problem)

    def get(self, session, path, **params):
        return session.get(self.server.url(path), params=params, timeout=30, allow_redirects=False)

    def expect_total(self, name, resp, total):
        if resp.status_code != 200:
            return f"{name}: {resp.status_code} {resp.text[:200]}"
        if total not in self.totals:
            return f"{name}: total {total}, not one of {sorted(self.totals)}"
        return None

    def records(self, session, _):
        resp = self.get(session, f"{API}/records", limit=5)
        return self.expect_total("records", resp, resp.json().get("total_count") if resp.ok else None)

    def aggregate(self, session, _):
        resp = self.get(session, f"{API}/records", select="count(*) as n, sum(valeur) as s")
        row = resp.json()["results"][0] if resp.ok else {}
        problem = self.expect_total("aggregate", resp, row.get("n"))
        if problem is None and row.get("s") != row["n"] * (row["n"] - 1) // 2:
            problem = f"aggregate: sum {row.get('s')} does not match count {row['n']}"
        return problem

    def facets(self, session, _):
        resp = self.get(session, f"{API}/facets", facet="kind")
        if resp.status_code != 200:
            return f"facets: {resp.status_code} {resp.text[:200]}"
        kinds = next((f for f in resp.json()["facets"] if f["name"] == "kind"), None)
        if kinds is None:
            return "facets: no kind facet"
        return self.expect_total("facets", resp, sum(value["count"] for value in kinds["facets"]))

    def export(self, session, _):
        resp = self.get(session, f"{API}/exports/csv")
        lines = resp.content.decode("utf-8-sig").splitlines() if resp.ok else []
        return self.expect_total("export", resp, len(lines) - 1)

    def record_by_id(self, session, chooser):
        resp = self.get(session, f"{API}/records/{chooser.choice(self.ids)}")
        return None if resp.status_code in (200, 404) else f"record: {resp.status_code} {resp.text[:200]}"

    def page_total(self, name, resp, pattern):
        if resp.status_code != 200:
            return f"{name}: {resp.status_code}"
        shown = re.search(pattern, resp.text)
        return self.expect_total(name, resp, int(shown.group(1)) if shown else None)

    def table_page(self, session, _):
        resp = self.get(session, f"/explore/dataset/{DATASET}/table/")
        return self.page_total("table page", resp, r"<caption[^>]*>(\d+) ")

    def information_page(self, session, _):
        resp = self.get(session, f"/explore/dataset/{DATASET}/information/")
        return self.page_total("information page", resp, r'id="records-count">(\d+)<')


def test_readers_get_the_old_or_the_new_version_while_another_process_republishes(versions):
    server, files, counts, ids = versions
    readers = Readers(server, counts, ids)
    threads = [threading.Thread(target=readers.run, args=(seed,), daemon=True) for seed in range(READERS)]
    for thread in threads:
        thread.start()
    try:
        for turn in range(REPUBLISHES):
            publish(server, files["b" if turn % 2 == 0 else "a"])
    finally:
        readers.stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a reader is stuck"
    assert readers.answers >= REPUBLISHES * len(readers.checks), readers.answers
    assert readers.problems == [], readers.problems[:10]
    # The last version published (a) is what is served now.
    assert requests.get(server.url(f"{API}/records"), params={"limit": 1}, timeout=10).json()["total_count"] \
        == counts["a"]

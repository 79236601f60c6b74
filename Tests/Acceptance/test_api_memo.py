"""Aggregate answers (totals, facets, group_by) are remembered per published version: a new import is seen at once."""

from garona_server import GaronaServer, import_file
import requests

API = "/api/explore/v2.1/catalog/datasets/villes"


def write_csv(path, rows):
    path.write_text("ville;region;habitants\n" + "".join(f"{v};{r};{h}\n" for v, r, h in rows), encoding="utf-8")


def answers(server):
    def get(path, params):
        resp = requests.get(server.url(API + path), params=params, timeout=30)
        assert resp.status_code == 200, resp.text
        return resp.json()

    facets = get("/facets", {"facet": "region"})["facets"][0]["facets"]
    groups = get("/records", {"select": "region, sum(habitants) as total", "group_by": "region", "order_by": "region"})
    filtered = get("/records", {"where": 'region = "Occitanie"', "limit": 1})
    searched = get("/records", {"where": 'search(ville, "toulouse")', "limit": 1})
    return (
        {f["name"]: f["count"] for f in facets},
        {g["region"]: g["total"] for g in groups["results"]},
        filtered["total_count"],
        searched["total_count"],
    )


def test_a_new_import_is_answered_at_once_not_from_the_memo(tmp_path):
    data_dir = tmp_path / "data"
    first = tmp_path / "v1.csv"
    write_csv(first, [("Toulouse", "Occitanie", 500), ("Montpellier", "Occitanie", 300), ("Bordeaux", "Aquitaine", 250)])
    assert import_file(first, data_dir, "villes").returncode == 0
    server = GaronaServer(data_dir).start()
    try:
        before = answers(server)
        assert before == ({"Occitanie": 2, "Aquitaine": 1}, {"Aquitaine": 250, "Occitanie": 800}, 2, 1)
        assert answers(server) == before  # asked again: the same answers, from the memo

        second = tmp_path / "v2.csv"
        write_csv(second, [("Toulouse", "Occitanie", 510), ("Albi", "Occitanie", 50), ("Toulouse", "Occitanie", 1),
                           ("Pau", "Nouvelle-Aquitaine", 75)])
        done = import_file(second, data_dir, "villes")
        assert done.returncode == 0, done.stderr
        assert answers(server) == ({"Occitanie": 3, "Nouvelle-Aquitaine": 1},
                                   {"Nouvelle-Aquitaine": 75, "Occitanie": 561}, 3, 2)
    finally:
        server.stop()

"""The `disjunctive` and `hierarchical`/`separator` options of `facet(...)` on /facets (issue 12).

Ten places, imported with the CLI; runs on either engine (GARONA_TEST_ENGINE=postgres)."""

import csv

import pytest
import requests

from conftest import start_server


API = "/api/explore/v2.1"
DATASET = "lieux"
ROWS = [
    (1, "Occitanie/Haute-Garonne/Toulouse", "gare"),
    (2, "Occitanie/Haute-Garonne/Toulouse", "halte"),
    (3, "Occitanie/Haute-Garonne/Muret", "gare"),
    (4, "Occitanie/Tarn/Albi", "gare"),
    (5, "Occitanie/Tarn/Castres", "halte"),
    (6, "Occitanie/Tarn", "halte"),
    (7, "Nouvelle-Aquitaine/Gironde/Bordeaux", "gare"),
    (8, "Nouvelle-Aquitaine/Gironde/Arcachon", "halte"),
    (9, "Occitanie/Hérault/Montpellier", "gare"),
    (10, "", "gare"),
]
PLACE = 'facet(name="lieu", hierarchical=true, separator="/")'


@pytest.fixture(scope="module")
def server(tmp_path_factory, tiles):
    srv = start_server(tmp_path_factory, "--tile-url", tiles.template)
    path = tmp_path_factory.mktemp("lieux") / "lieux.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["id", "lieu", "type"])
        writer.writerows(ROWS)
    done = srv.import_file(path, DATASET, "--field-type", "lieu=text")
    assert done.returncode == 0, done.stderr
    yield srv
    srv.stop()


def facets(server, **params):
    resp = requests.get(server.url(f"{API}/catalog/datasets/{DATASET}/facets"), params=params, timeout=30)
    assert resp.status_code == 200, resp.text
    return {facet["name"]: facet["facets"] for facet in resp.json()["facets"]}


def counts(values):
    return {v["name"]: (v.get("count"), v["state"]) for v in values}


def test_a_hierarchical_facet_counts_the_first_level(server):
    places = facets(server, facet=PLACE)["lieu"]
    assert counts(places) == {"Occitanie": (7, "displayed"), "Nouvelle-Aquitaine": (2, "displayed")}
    assert [v["value"] for v in places] == ["Occitanie", "Nouvelle-Aquitaine"]
    assert all("facets" not in v for v in places)


def test_the_children_of_a_refined_path_are_nested(server):
    places = facets(server, facet=PLACE, refine="lieu:Occitanie/Haute-Garonne")["lieu"]
    assert counts(places) == {"Occitanie": (3, "refined")}
    department = places[0]["facets"]
    assert department == [{"name": "Haute-Garonne", "count": 3, "state": "refined",
                           "value": "Occitanie/Haute-Garonne", "facets": [
                               {"name": "Toulouse", "count": 2, "state": "displayed",
                                "value": "Occitanie/Haute-Garonne/Toulouse"},
                               {"name": "Muret", "count": 1, "state": "displayed",
                                "value": "Occitanie/Haute-Garonne/Muret"}]}]


def test_a_refined_first_level_lists_every_child_and_counts_the_path_itself(server):
    region = facets(server, facet=PLACE, refine="lieu:Occitanie")["lieu"][0]
    assert (region["value"], region["count"], region["state"]) == ("Occitanie", 7, "refined")
    # Occitanie/Tarn itself counts under Tarn.
    assert counts(region["facets"]) == {"Haute-Garonne": (3, "displayed"), "Tarn": (3, "displayed"),
                                        "Hérault": (1, "displayed")}


def test_other_facets_count_the_records_below_a_refined_path(server):
    types = facets(server, facet=[PLACE, "type"], refine="lieu:Occitanie/Tarn")["type"]
    assert counts(types) == {"halte": (2, "displayed"), "gare": (1, "displayed")}
    # Without the option, the refine is an equality: Occitanie/Tarn alone.
    assert counts(facets(server, facet="type", refine="lieu:Occitanie/Tarn")["type"]) == {"halte": (1, "displayed")}


def test_an_excluded_path_leaves_out_the_paths_below_it(server):
    places = facets(server, facet=PLACE, exclude="lieu:Occitanie/Haute-Garonne")["lieu"]
    assert counts(places) == {"Occitanie": (4, "displayed"), "Nouvelle-Aquitaine": (2, "displayed"),
                              "Occitanie/Haute-Garonne": (None, "excluded")}


def test_a_hierarchy_with_a_longer_separator_and_sorted_by_name(server):
    places = facets(server, facet='facet(name="lieu", hierarchical=true, separator="e/", sort="alphanum")')["lieu"]
    # "Occitanie/Tarn" splits after "Occitani", "Nouvelle-Aquitaine/Gironde/…" after "Nouvelle-Aquitain".
    assert [(v["name"], v["count"]) for v in places] == [("Nouvelle-Aquitain", 2), ("Occitani", 7)]
    region = facets(server, facet='facet(name="lieu", hierarchical=true, separator="e/")',
                    refine="lieu:Occitani")["lieu"][0]
    assert counts(region["facets"]) == {"Tarn": (1, "displayed"), "Haute-Garonn": (3, "displayed"),
                                        "Tarn/Albi": (1, "displayed"), "Tarn/Castres": (1, "displayed"),
                                        "Hérault/Montpellier": (1, "displayed")}


@pytest.mark.parametrize("separator", ["%", "_", "'", "\\", ");--"])
def test_a_separator_is_text_never_a_pattern(server, separator):
    # None of these is in the values: every path is a first level of its own.
    places = facets(server, facet=f'facet(name="lieu", hierarchical=true, separator="{separator}")')["lieu"]
    assert sum(v["count"] for v in places) == 9
    assert {v["name"] for v in places} == {lieu for _, lieu, _ in ROWS if lieu}


def test_a_disjunctive_facet_is_counted_without_its_own_refines(server):
    disjunctive = 'facet(name="type", disjunctive=true)'
    result = facets(server, facet=[disjunctive, PLACE], refine="type:halte")
    assert counts(result["type"]) == {"gare": (6, "displayed"), "halte": (4, "refined")}
    # The other facets keep the refine.
    assert counts(result["lieu"]) == {"Occitanie": (3, "displayed"), "Nouvelle-Aquitaine": (1, "displayed")}
    # Not disjunctive: only the refined value.
    assert counts(facets(server, facet="type", refine="type:halte")["type"]) == {"halte": (4, "refined")}


def test_refines_of_a_disjunctive_facet_combine_with_or(server):
    disjunctive = 'facet(name="lieu", disjunctive=true, hierarchical=true, separator="/")'
    refines = ["lieu:Occitanie/Tarn", "lieu:Nouvelle-Aquitaine"]
    result = facets(server, facet=[disjunctive, "type"], refine=refines)
    assert counts(result["type"]) == {"halte": (3, "displayed"), "gare": (2, "displayed")}
    # Every first level stays listed, with its count without the refines on lieu.
    assert counts(result["lieu"]) == {"Occitanie": (7, "refined"), "Nouvelle-Aquitaine": (2, "refined")}
    tarn = [v for v in result["lieu"][0]["facets"] if v["name"] == "Tarn"]
    assert tarn[0]["state"] == "refined" and tarn[0]["count"] == 3
    # Without disjunctive=true, the two refines are ANDed: nothing matches both.
    assert facets(server, facet=[PLACE, "type"], refine=refines)["type"] == []


@pytest.mark.parametrize("facet", [
    'facet(name="type", disjunctive=maybe)',
    'facet(name="type", disjunctive="")',
    'facet(name="lieu", hierarchical=yes, separator="/")',
    'facet(name="lieu", hierarchical=true)',
    'facet(name="lieu", hierarchical=true, separator="")',
    'facet(name="lieu", hierarchical=true, separator="//////")',
    'facet(name="id", hierarchical=true, separator="/")',
])
def test_invalid_options_are_the_apis_400(server, facet):
    resp = requests.get(server.url(f"{API}/catalog/datasets/{DATASET}/facets"), params={"facet": facet}, timeout=30)
    assert resp.status_code == 400, resp.text
    body = resp.json()
    assert body["error_code"] == "InvalidRESTParameterError"
    assert "facet" in body["message"]


def test_the_catalog_facets_take_the_options(server):
    def languages(facet):
        resp = requests.get(server.url(f"{API}/catalog/facets"), params={"facet": facet, "refine": "language:xx"},
                            timeout=30)
        assert resp.status_code == 200, resp.text
        return resp.json()["facets"][0]["facets"]

    assert languages("language") == []
    values = languages('facet(name="language", disjunctive=true)')
    assert [(v["value"], v["count"], v["state"]) for v in values] == [("fr", 1, "displayed")]

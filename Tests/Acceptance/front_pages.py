"""The front office's page types, shared by the accessibility and privacy browser suites."""

DATASET = "gares-occitanie"
TABS = ["information", "table", "map", "analyze", "export", "api"]

# (name, path): one of each page type a visitor can reach.
PAGES = [
    ("home", "/"),
    ("catalog", "/explore/"),
    ("catalog-search", "/explore/?q=gare"),
    *[(f"dataset-{tab}", f"/explore/dataset/{DATASET}/{tab}/") for tab in TABS],
    ("charter", "/cookies"),
    ("preferences", "/cookies/preferences"),
    ("login", "/login"),
]

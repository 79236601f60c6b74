"""The OpenAPI document of the data API, and schemathesis run against it on the demo server (issues 4 and 12).

Every operation gets GARONA_SCHEMATHESIS_EXAMPLES generated requests (100 by default, as issue 12 asks;
scripts/schemathesis-full runs that on both engines, CI a smaller derandomized number, see scripts/test); each
answer must not be a 5xx, must match the response schema of its status and content type.

The document's routes are compared with the registered ones by Tests/PortalTests/OpenAPIDocumentTests.swift; its
query parameters with those the API's sources read, here."""

import os
import re
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

API = "/api/explore/v2.1"
DATASETS = ("gares-occitanie", "donnees-exemple")
EXAMPLES = int(os.environ.get("GARONA_SCHEMATHESIS_EXAMPLES", "100"))
API_SOURCES = Path(__file__).resolve().parents[2] / "Sources" / "Portal" / "API"
# How the API's sources read a query parameter: APIParameters' all/value/flag, the facets' own loop, the key.
READS = re.compile(r'\b(?:all|value|flag)\("([a-z_]+)"|\$0\.name == "([a-z_]+)"|queryParameters\.get\("([a-z_]+)"')


def test_the_document_is_served_as_json_with_cors(demo):
    resp = requests.get(demo.url(f"{API}/openapi.json"), headers={"Origin": "https://elsewhere.example"}, timeout=30)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "set-cookie" not in {k.lower() for k in resp.headers}
    document = resp.json()
    assert document["openapi"].startswith("3.0")
    operations = {op["operationId"] for path in document["paths"].values() for method, op in path.items()
                  if method != "servers"}
    assert {"getDatasets", "getDataset", "getDatasetsFacets", "exportDatasets", "getRecords", "getRecord",
            "getRecordsFacets", "getDatasetAttachments", "listDatasetExportFormats", "exportRecords",
            "listExportFormats", "getDatasetAttachment", "legacyDownload"} <= operations
    assert requests.get(demo.url(f"{API}/openapi.json/"), timeout=30).status_code == 200


def documented_parameters(document):
    """Every query parameter name of the document's operations, and the API key's."""
    components = document["components"]["parameters"]
    names = {scheme["name"] for scheme in document["components"]["securitySchemes"].values()
             if scheme["in"] == "query"}
    for item in document["paths"].values():
        if "servers" in item:
            continue  # the legacy download link's own names: LegacyDownloadQueryTests
        for parameter in item["get"].get("parameters", []):
            if "$ref" in parameter:
                parameter = components[parameter["$ref"].rsplit("/", 1)[1]]
            if parameter["in"] == "query":
                names.add(parameter["name"])
    return names


def read_parameters():
    """The query parameters the API's sources read, with the files that read them (the legacy download link's own
    names, LegacyDownloadQuery.swift, are outside the v2.1 document)."""
    read = {}
    for source in sorted(API_SOURCES.glob("*.swift")):
        if source.name == "LegacyDownloadQuery.swift":
            continue
        for match in READS.finditer(source.read_text(encoding="utf-8")):
            read.setdefault(next(group for group in match.groups() if group), set()).add(source.name)
    return read


def test_every_query_parameter_the_api_reads_is_documented_and_nothing_else(demo):
    document = requests.get(demo.url(f"{API}/openapi.json"), timeout=30).json()
    documented, read = documented_parameters(document), read_parameters()
    assert {"where", "select", "refine", "facet", "epsg", "apikey"} <= set(read)  # the scan still finds them
    assert not set(read) - documented, {name: read[name] for name in set(read) - documented}
    assert not documented - set(read), documented - set(read)


@pytest.fixture(scope="module")
def api_schema(demo):
    return schemathesis.openapi.from_url(demo.url(f"{API}/openapi.json"))


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_answers_without_server_error_and_as_documented(case, demo):
    if "dataset_id" in (case.path_parameters or {}):
        # Mostly the demo's datasets, so that queries reach ODSQL and SQLite; sometimes an unknown id.
        generated = str(case.path_parameters["dataset_id"])
        choice = len(generated) % (len(DATASETS) + 1)
        if choice < len(DATASETS):
            case.path_parameters["dataset_id"] = DATASETS[choice]
    # The legacy download link is under the portal's root (its path's own `servers`), the rest under the API's base.
    base_url = demo.url("") if case.path.startswith("/explore/") else demo.url(API)
    case.call_and_validate(
        base_url=base_url, timeout=60,
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance])

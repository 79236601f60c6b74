#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets under Fuzz/Corpus/<Target>/ from the tests and the reference's
examples. Run from the repository root: python3 Fuzz/make-seeds.py [reference-dir] [gares.csv]

The corpora are committed; run this again only to rebuild them (it replaces the seed-* files, never the inputs
the fuzzers added). File names are a hash of the content, so that a seed is written once."""

import hashlib
import io
import pathlib
import re
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "Fuzz" / "Corpus"
REFERENCE = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference" / "ods"
GARES = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT.parent / "shared" / "data" / "gares-occitanie.csv"

# The hostile tests' field names are the gares dataset's; the fuzz fixture has these instead.
GARES_TO_FIXTURE = {
    "toponyme": "nom", "objectid": "population", "departement": "commune", "date_maj": "updated",
    "geo_point_2d": "geo", "geo_shape": "shape", "codeuic": "code", "nature": "tags", "region": "commune",
}
API_PARAMETERS = ["select", "where", "group_by", "order_by", "refine", "exclude", "limit", "offset", "timezone",
                  "facet", "q", "lang", "export"]
MAX_SEED = 4096


def write(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    data = data[:MAX_SEED] if target != "FuzzIngest" else data
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ("seed-" + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)


def swift_literal(text):
    """The value of a simple Swift string literal body (no interpolation)."""
    return (text.replace("\\n", "\n").replace("\\t", "\t").replace('\\"', '"').replace("\\0", "\0")
            .replace("\\\\", "\\"))


def literals(path):
    """Single-line "..." and #"..."# literals of a Swift file, without interpolations."""
    source = path.read_text()
    found = [m.group(1) for m in re.finditer(r'#"(.*?)"#', source)]
    for m in re.finditer(r'(?<![#\\])"((?:[^"\\\n]|\\.)*)"', source):
        if "\\(" not in m.group(1):
            found.append(swift_literal(m.group(1)))
    return found


def blocks(path):
    """The bodies of the multi-line \"\"\" literals of a Swift file, indentation removed."""
    result = []
    for m in re.finditer(r'"""\n(.*?)\n( *)"""', path.read_text(), re.S):
        indent = len(m.group(2))
        body = "\n".join(line[indent:] for line in m.group(1).split("\n"))
        if "\\(" not in body:
            result.append(swift_literal(body) + "\n")
    return result


def to_fixture(text):
    for old, new in GARES_TO_FIXTURE.items():
        text = re.sub(r"\b%s\b" % old, new, text)
    return text


def odsql_seeds():
    tests = ROOT / "Tests" / "ODSQLTests"
    golden = (tests / "QueryGoldenTests.swift").read_text()
    for m in re.finditer(r'select: #"(%s)"#,\s*whereText: #"(%s)"#,\s*groupBy: #"(%s)"#,\s*orderBy: #"(%s)"#'
                         % ((r'(?:(?!"#)[^\n])*',) * 4), golden):
        select, where, group_by, order_by = m.groups()
        write("FuzzODSQL", "\n".join([where, select, group_by, order_by]))
        write("FuzzAPIParameters", "\n".join([select, where, group_by, order_by]))
    for m in re.finditer(r'query: #"(.*?)"#', (tests / "WhereGoldenTests.swift").read_text()):
        write("FuzzODSQL", m.group(1))
    for name in ["CheckTests.swift", "CompileTests.swift", "HostileInputTests.swift", "LexerTests.swift"]:
        for text in literals(tests / name):
            if 3 <= len(text) <= 400:
                write("FuzzODSQL", text)
    # The reference's ODSQL examples (its sql blocks), one line each, as where and as select.
    reference = (REFERENCE / "explore-v2.1-and-odsql-reference.md").read_text()
    for block in re.findall(r"```sql\n(.*?)```", reference, re.S):
        for line in block.strip().split("\n"):
            line = line.strip()
            if line and not line.startswith("--"):
                write("FuzzODSQL", line)
                write("FuzzODSQL", "\n" + line)
    for clause in ["select=count(*)&group_by=year(date)", "group_by=range(population,0,10000000000000000000)"]:
        parameters = dict(pair.split("=", 1) for pair in clause.split("&"))
        write("FuzzODSQL", "\n".join(parameters.get(k, "") for k in ["where", "select", "group_by", "order_by"]))


def api_seeds():
    hostile = (ROOT / "Tests" / "Acceptance" / "test_api_hostile.py").read_text()
    for name, value in re.findall(r'\(\s*"(\w+)",\s*"((?:[^"\\]|\\.)*)"', hostile):
        if name in API_PARAMETERS:
            value = to_fixture(value.encode().decode("unicode_escape"))
            lines = [""] * len(API_PARAMETERS)
            lines[API_PARAMETERS.index(name)] = value.replace("\n", " ")
            write("FuzzAPIParameters", "\n".join(lines).rstrip("\n"))
    examples = [
        {"select": "count(*) as n", "group_by": "year(date)", "order_by": "n desc"},
        {"group_by": "range(population, 0, 10000000000000000000)"},
        {"group_by": "range(price, *, 0.5, *)", "select": "avg(price), percentile(population, 50)"},
        {"where": "within_distance(geo, geom'POINT(1.45 43.6)', 10km)", "order_by": "distance(geo, geom'POINT(1 43)')"},
        {"refine": "date:2021", "exclude": "commune:Albi", "facet": "facet(name=\"date\", sort=\"-count\", limit=3)"},
        {"refine": "date:2021/05", "facet": "date"},
        {"facet": "commune", "limit": "-1", "offset": "0"},
        {"q": "gare \"toulouse\" *", "lang": "en", "timezone": "Europe/Paris", "export": "csv"},
        {"select": "nom, updated", "timezone": "Pacific/Kiritimati", "export": "json"},
        {"limit": "100", "offset": "9900", "order_by": "random(1)"},
        {"select": "sum(population)", "where": "population > 0"},
        {"where": "updated >= now(days=-1) and date < date'2030-01-01'", "export": "geojson"},
        {"select": "geo_cluster(geo, 3)", "group_by": "shape", "export": "xlsx"},
    ]
    for example in examples:
        write("FuzzAPIParameters", "\n".join(example.get(name, "") for name in API_PARAMETERS).rstrip("\n"))


def ingest_seeds():
    csv, json, jsonl, geojson, xlsx, wkt, forced = (bytes([n]) for n in (1, 2, 3, 4, 5, 6, 7))
    with open(GARES, "rb") as gares:
        head = b"".join(gares.readline() for _ in range(6))
    write("FuzzIngest", csv + head)
    write("FuzzIngest", b"\0" + head)
    write("FuzzIngest", b"\0" + head.decode("utf-8").encode("utf-16"))
    write("FuzzIngest", csv + head.decode("utf-8").encode("latin-1", "replace"))
    tests = ROOT / "Tests" / "IngestTests"
    for name in ["CSVTests.swift", "InferenceTests.swift", "HostileInputTests.swift", "ValueTests.swift",
                 "EncodingTests.swift", "GaresTests.swift"]:
        for text in literals(tests / name):
            if "\n" in text and len(text) < 2000:
                write("FuzzIngest", csv + text.encode())
    for text in blocks(tests / "JSONTests.swift") + literals(tests / "JSONTests.swift"):
        stripped = text.strip()
        if not stripped:
            continue
        if "FeatureCollection" in stripped or '"Feature"' in stripped:
            write("FuzzIngest", geojson + text.encode())
        elif stripped.startswith("["):
            write("FuzzIngest", json + text.encode())
        elif stripped.startswith("{"):
            write("FuzzIngest", jsonl + text.encode())
    for shape in ["POINT(1 43)", "POINT EMPTY", "LINESTRING(0 0, 1 1, 2 2)", "POLYGON((0 0, 4 0, 4 4, 0 4, 0 0))",
                  "POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 1))", "MULTIPOINT((1 2), (3 4))",
                  "MULTILINESTRING((0 0, 1 1), (2 2, 3 3))", "MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((2 2, 3 2, 3 3, 2 2)))",
                  "GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1))", "POINT Z (1 2 3)", "point(1e308 -1e308)"]:
        write("FuzzIngest", wkt + shape.encode())
    write("FuzzIngest", forced + "\n".join([
        "a;1;1.5;true;2024-02-29;2024-02-29T12:00:00Z;43.6,1.4;POINT(1 43);{\"k\":[1]}",
        ";9223372036854775807;1e308;oui;31/12/9999;9999-12-31T23:59:59+14:00;90,180;{\"type\":\"Point\",\"coordinates\":[1,2]};[]",
        "x;-9223372036854775808;-0;0;0001-01-01;1970-01-01T00:00:00;-90,-180;POLYGON((0 0, 1 0, 1 1, 0 0));null",
    ]).encode() + b"\n")
    write("FuzzIngest", jsonl + b'{"a": 1, "b": "x"}\n{"a": 2.5, "c": [1, 2]}\n')
    write("FuzzIngest", geojson + b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
          b'{"nom": "Albi"}, "geometry": {"type": "Point", "coordinates": [2.14, 43.92]}}]}')
    write("FuzzIngest", xlsx + workbook())


def workbook():
    """A small XLSX (stored ZIP) like XLSXTests': shared strings, styles with a date format, inline strings."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    parts = {
        "xl/workbook.xml": f'<workbook {ns} {rns}><sheets><sheet name="Gares" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                                      '<Relationship Id="rId1" Type="ws" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/sharedStrings.xml": f'<sst {ns}><si><t>Nom</t></si><si><t>Date</t></si><si><r><t>Tou</t></r><r><t>louse</t></r></si></sst>',
        "xl/styles.xml": f'<styleSheet {ns}><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
                         '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>',
        "xl/worksheets/sheet1.xml": f'<worksheet {ns}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
                                    '<c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c>'
                                    '<c r="B2" s="1"><v>45322</v></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>Albi</t>'
                                    '</is></c><c r="B3" t="b"><v>1</v></c></row></sheetData></worksheet>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, text in parts.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), text)
    return out.getvalue()


def header_seeds():
    secret = "a" * 32
    masked = "b" * 32 + "".join("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[(0 + 1) % 62] for _ in range(32))
    seeds = [
        ["0", "csrftoken=" + secret + "; django_language=en", "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"],
        ["11", "sessionid=abc; cookies_preferences=eyJ2IjoxfQ.c2ln", "en-GB,en;q=0.5", "203.0.113.7, 127.0.0.1",
         "https", "portal.example"],
        ["2", "csrftoken=" + secret, "", "", "", "", masked, "", "http://portal.example", "http://portal.example/",
         "language=en&next=/explore/"],
        ["3", "csrftoken=" + secret, "de", "", "", "", secret, "", "http://portal.example", "",
         "action=accept_all&csrfmiddlewaretoken=" + masked],
        ["41", "", "", "::1, 2001:db8::1, unknown", "HTTPS, http", "evil.example:443, portal.example", "",
         "Apikey abcdef0123456789"],
        ["5", "a=1;b=2; c; =; ;;" + "x" * 100 + "=y", "*", "", "", "", "", "Bearer x"],
        ["6", "csrftoken=" + secret, "zh-Hant-TW;q=0.1, en;q=abc", "", "", "", "not-a-token"],
        ["71", "django_language=../../etc", "en;q=1.0000001, fr;q=-1", "1.2.3.4", "https", "[::1]:8080"],
        ["0", "cookies_preferences=1|1|1790000000|analytics,third_party|video", "en-US"],
        ["0", "cookies_preferences=1|1|99999999999999999999|x|", "ar"],
    ]
    for seed in seeds:
        write("FuzzHeaders", "\n".join(seed))


if __name__ == "__main__":
    odsql_seeds()
    api_seeds()
    ingest_seeds()
    header_seeds()
    for folder in sorted(CORPUS.iterdir()):
        files = list(folder.iterdir())
        print(f"{folder.name}: {len(files)} files, {sum(f.stat().st_size for f in files)} bytes")

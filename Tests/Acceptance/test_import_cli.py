"""`garona import` and `garona dataset`: readers, detection, type inference, bad input.

Every input file is generated at test time into a temporary directory; the real open-data file
is read from `<repo>/../shared/data/gares-occitanie.csv`.
"""

import io
import json
import re
import struct
import zipfile

import pytest

from garona_server import GARES_CSV, dataset_list, dataset_show, import_file, parse_summary, \
    records_tables, run_cli, stored_records

ROWS = [["code", "nom", "prix", "date", "actif"],
        ["01", "Pâté", "3,5", "01/02/2024", "true"],
        ["31", "Île", "12,25", "15/12/2023", "false"],
        ["09", "Été", "0,5", "31/01/2020", "true"]]
RECORDS = [{"nom": "a", "n": 1, "x": 1.5, "ok": True}, {"nom": "b", "n": 2, "x": 2.5, "ok": False}]
GOOD_CSV = "nom;valeur\na;1\nb;2\nc;3\n"


def csv_text(rows, delimiter):
    def cell(value):
        return f'"{value}"' if delimiter in value or "," in value else value
    return "\n".join(delimiter.join(cell(v) for v in row) for row in rows) + "\n"


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def imported(tmp_path, name, content, dataset="ds", *extra):
    """Writes and imports a file that must succeed; returns the parsed summary."""
    done = import_file(write(tmp_path, name, content), tmp_path / "data", dataset, *extra)
    assert done.returncode == 0, done.stderr
    return parse_summary(done.stdout)


def assert_one_line_failure(done):
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    message = done.stderr.strip()
    assert "\n" not in message, repr(done.stderr)
    assert message.startswith("garona: ") and len(message) > len("garona: ") + 5, message
    assert not done.stdout.startswith("Published"), done.stdout
    return message


# --- bad input ------------------------------------------------------------------------------

PNG = (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR"
       + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0) + b"\x00" * 200)
RAGGED_LINES = [4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 34, 37]  # 1-based physical lines


def ragged_csv():
    lines = ["a;b;c"] + ["1;2" if n in RAGGED_LINES else "1;2;3" for n in range(2, 41)]
    return "\n".join(lines) + "\n"


def invalid_geojson():
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"nom": "ok"},
         "geometry": {"type": "Point", "coordinates": [1.44, 43.6]}},
        {"type": "Feature", "properties": {"nom": "bad"},
         "geometry": {"type": "Point", "coordinates": [1.44]}}]})


# name → (file name, content factory, reason pattern); shared with the back-office tests.
BAD_FILES = {
    "empty": ("empty.csv", lambda: b"", r"empty"),
    "header-only": ("header.csv", lambda: "a;b;c\r\n", r"header|no data|no row"),
    "png": ("image.csv", lambda: PNG, r"PNG|not text|binary"),
    "ragged": ("ragged.csv", ragged_csv, r"line"),
    "cell-10mb": ("bigcell.csv", lambda: "a;b\n1;" + "x" * (10 * 1024 * 1024) + "\n2;y\n",
                  r"cell|large|limit"),
    "501-columns": ("wide.csv", lambda: "\n".join(";".join(f"{p}{i}" for i in range(501))
                                                  for p in ("c", "")) + "\n", r"501|500|column"),
    "json-object": ("object.json", lambda: '{"nom": "a", "n": 1}', r"array"),
    "json-numbers": ("numbers.json", lambda: "[1, 2, 3]", r"array|object"),
    "geojson-invalid-geometry": ("bad.geojson", invalid_geojson, r"geometry"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_rejected_and_previous_version_stays(tmp_path, case):
    data_dir = tmp_path / "data"
    imported(tmp_path, "v1.csv", GOOD_CSV, "target")
    tables_before = records_tables(data_dir)
    name, content, reason = BAD_FILES[case]
    done = import_file(write(tmp_path, name, content()), data_dir, "target")
    message = assert_one_line_failure(done)
    assert re.search(reason, message, re.I), message
    shown = dataset_show(data_dir, "target")
    assert (shown["records"], shown["version"]) == (3, 1), shown
    assert [r["nom"] for r in stored_records(data_dir, "target")] == ["a", "b", "c"]
    assert records_tables(data_dir) == tables_before


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_publishes_nothing_for_a_new_dataset(tmp_path, case):
    data_dir = tmp_path / "data"
    imported(tmp_path, "other.csv", GOOD_CSV, "other")
    name, content, _ = BAD_FILES[case]
    assert_one_line_failure(import_file(write(tmp_path, name, content()), data_dir, "fresh"))
    assert set(dataset_list(data_dir)) == {"other"}
    assert dataset_show(data_dir, "fresh") is None
    assert records_tables(data_dir) == ["records_other_v1"]


def test_ragged_rows_message_lists_the_first_ten_line_numbers(tmp_path):
    done = import_file(write(tmp_path, "r.csv", ragged_csv()), tmp_path / "data", "r")
    message = assert_one_line_failure(done)
    numbers = [int(n) for n in re.findall(r"\b\d+\b", message.split("line", 1)[-1])]
    assert numbers[:10] == RAGGED_LINES[:10], message
    assert RAGGED_LINES[10] not in numbers and RAGGED_LINES[11] not in numbers, message


def test_cell_just_over_ten_mebibytes_is_rejected(tmp_path):
    content = "a;b\n1;" + "x" * (10 * 1024 * 1024 + 1) + "\n"
    message = assert_one_line_failure(import_file(write(tmp_path, "c.csv", content),
                                                  tmp_path / "data", "c"))
    assert re.search(r"line 2", message), message


def test_invalid_utf8_with_declared_encoding_is_rejected(tmp_path):
    data_dir = tmp_path / "data"
    imported(tmp_path, "v1.csv", GOOD_CSV, "enc")
    path = write(tmp_path, "latin.csv", "nom;ville\nA;Toulouse\nB;Béziers\n".encode("latin-1"))
    message = assert_one_line_failure(import_file(path, data_dir, "enc", "--encoding", "utf-8"))
    assert re.search(r"utf-?8", message, re.I) and "line 3" in message, message
    assert dataset_show(data_dir, "enc")["records"] == 3


def test_unknown_field_type_is_rejected(tmp_path):
    data_dir = tmp_path / "data"
    imported(tmp_path, "v1.csv", GOOD_CSV, "ft")
    path = write(tmp_path, "v2.csv", "nom;valeur\nx;9\n")
    message = assert_one_line_failure(import_file(path, data_dir, "ft", "--field-type",
                                                  "valeur=banana"))
    assert "banana" in message, message
    shown = dataset_show(data_dir, "ft")
    assert (shown["records"], shown["version"]) == (3, 1)


def test_field_type_on_missing_field_is_rejected(tmp_path):
    data_dir = tmp_path / "data"
    imported(tmp_path, "v1.csv", GOOD_CSV, "ft")
    path = write(tmp_path, "v2.csv", "nom;valeur\nx;9\n")
    message = assert_one_line_failure(import_file(path, data_dir, "ft", "--field-type", "nope=int"))
    assert "nope" in message, message
    assert dataset_show(data_dir, "ft")["version"] == 1


@pytest.mark.parametrize("bad_id", ["Bad Slug", "accentué", "a/b", ""])
def test_dataset_id_must_be_a_slug(tmp_path, bad_id):
    path = write(tmp_path, "ok.csv", GOOD_CSV)
    assert_one_line_failure(import_file(path, tmp_path / "data", bad_id))
    if (tmp_path / "data" / "garona.sqlite").exists():
        assert dataset_list(tmp_path / "data") == {}


def test_duplicate_and_empty_headers_are_renamed_and_reported(tmp_path):
    summary = imported(tmp_path, "dup.csv", "nom;nom;;x\na;b;c;1\nd;e;f;2\n")
    assert list(summary["fields"]) == ["nom", "nom_2", "field_3", "x"]
    assert summary["records"] == 2
    warnings = " ".join(summary["warnings"])
    assert "nom_2" in warnings and "field_3" in warnings, summary["warnings"]
    shown = dataset_show(tmp_path / "data", "ds")
    assert shown["fields"]["nom_2"] == ("text", "nom")
    assert [(r["nom"], r["nom_2"], r["field_3"]) for r in stored_records(tmp_path / "data", "ds")] \
        == [("a", "b", "c"), ("d", "e", "f")]


# --- the real file --------------------------------------------------------------------------

def test_gares_occitanie_inference(tmp_path):
    assert GARES_CSV.is_file(), GARES_CSV
    done = import_file(GARES_CSV, tmp_path / "data", "gares-occitanie")
    assert done.returncode == 0, done.stderr
    summary = parse_summary(done.stdout)
    assert (summary["id"], summary["version"], summary["records"]) == ("gares-occitanie", 1, 280)
    assert summary["source"] == "csv, utf-8, delimiter ;"
    expected = {"objectid": "int", "codeuic": "int", "departement": "text",
                "date_maj": "datetime", "geo_shape": "geo_shape", "geo_point_2d": "geo_point_2d"}
    assert {k: summary["fields"][k][0] for k in expected} == expected
    shown = dataset_show(tmp_path / "data", "gares-occitanie")
    assert (shown["records"], shown["version"]) == (280, 1)
    assert {k: shown["fields"][k][0] for k in expected} == expected
    rows = stored_records(tmp_path / "data", "gares-occitanie")
    assert len(rows) == 280
    departements = {r["departement"] for r in rows}
    assert "09" in departements and "9" not in departements, sorted(departements)
    assert len({r["_id"] for r in rows}) == 280


def test_import_summary_format(tmp_path):
    done = import_file(write(tmp_path, "p.csv", csv_text(ROWS, ";")), tmp_path / "data", "fmt")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"Published fmt version 1: 3 records in \d+(\.\d+)? s", lines[0]), lines[0]
    # Informative lines (e.g. timings) may come between; the order of the sections may not change.
    source, fields = lines.index("Source: csv, utf-8, delimiter ;"), lines.index("Fields:")
    warnings = next(i for i, line in enumerate(lines) if line.startswith("Warnings:"))
    assert 0 < source < fields < warnings, lines
    assert re.fullmatch(r"  code\s+text \((facet, sortable|facet|sortable)\)", lines[fields + 1]), \
        lines[fields + 1]
    assert [line.split()[0] for line in lines[fields + 1:warnings]] == ROWS[0]


# --- readers and detection ------------------------------------------------------------------

def assert_french_rows(summary, data_dir, dataset="ds"):
    types = {name: t for name, (t, _) in summary["fields"].items()}
    assert types == {"code": "text", "nom": "text", "prix": "double", "date": "date",
                     "actif": "boolean"}, types
    assert summary["records"] == 3
    rows = stored_records(data_dir, dataset)
    assert [r["code"] for r in rows] == ["01", "31", "09"]
    assert [r["nom"] for r in rows] == ["Pâté", "Île", "Été"]
    assert [r["prix"] for r in rows] == [3.5, 12.25, 0.5]
    assert [r["date"] for r in rows] == ["2024-02-01", "2023-12-15", "2020-01-31"]


@pytest.mark.parametrize("delimiter,shown", [(",", ","), ("\t", "\t"), ("|", "|"), (";", ";")])
def test_delimiter_is_detected(tmp_path, delimiter, shown):
    summary = imported(tmp_path, "d.csv", csv_text(ROWS, delimiter))
    assert summary["source"] == f"csv, utf-8, delimiter {shown}", summary["source"]
    assert_french_rows(summary, tmp_path / "data")


def test_delimiter_detected_over_many_rows_not_only_the_header(tmp_path):
    # The header alone is ambiguous (one ',' and one ';'); the data rows only have ';'.
    content = "commune, quartier;valeur\n" + "".join(f"Toulouse {i};{i},5\n" for i in range(30))
    summary = imported(tmp_path, "many.csv", content)
    assert summary["source"].endswith("delimiter ;"), summary["source"]
    assert list(summary["fields"]) == ["commune_quartier", "valeur"], summary["fields"]
    assert summary["fields"]["valeur"][0] == "double"


def test_delimiter_override(tmp_path):
    summary = imported(tmp_path, "o.csv", "a,b;c\n1,x;y\n4,z;t\n", "ds", "--delimiter", ",")
    assert summary["source"].endswith("delimiter ,"), summary["source"]
    assert list(summary["fields"]) == ["a", "b_c"], summary["fields"]
    assert [r["b_c"] for r in stored_records(tmp_path / "data", "ds")] == ["x;y", "z;t"]


def test_windows_1252_is_detected(tmp_path):
    summary = imported(tmp_path, "w.csv", csv_text(ROWS, ";").encode("cp1252"))
    assert summary["source"] == "csv, windows-1252, delimiter ;", summary["source"]
    assert_french_rows(summary, tmp_path / "data")


def test_encoding_override_iso_8859_1(tmp_path):
    summary = imported(tmp_path, "l.csv", csv_text(ROWS, ";").encode("latin-1"), "ds",
                       "--encoding", "iso-8859-1")
    assert_french_rows(summary, tmp_path / "data")


@pytest.mark.parametrize("codec,bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_utf16_with_bom(tmp_path, codec, bom):
    text = csv_text(ROWS, ";").replace("\n", "\r\n")
    summary = imported(tmp_path, "u.csv", bom + text.encode(codec))
    assert "utf-16" in summary["source"], summary["source"]
    assert_french_rows(summary, tmp_path / "data")


def test_utf8_bom_is_not_part_of_the_first_field(tmp_path):
    summary = imported(tmp_path, "b.csv", b"\xef\xbb\xbf" + csv_text(ROWS, ";").encode())
    assert list(summary["fields"])[0] == "code"
    assert_french_rows(summary, tmp_path / "data")


def test_quoted_fields_with_newlines_and_doubled_quotes(tmp_path):
    content = 'id;texte\r\n1;"ligne 1\r\nligne 2"\r\n2;"il a dit ""bonjour"""\r\n3;simple\r\n'
    summary = imported(tmp_path, "q.csv", content)
    assert summary["records"] == 3
    texts = [r["texte"] for r in stored_records(tmp_path / "data", "ds")]
    assert texts[1] == 'il a dit "bonjour"' and texts[2] == "simple"
    assert texts[0].replace("\r\n", "\n") == "ligne 1\nligne 2"


def test_field_names_are_normalized(tmp_path):
    header = "Nom de la Commune;Date MAJ;Code-Postal;Département;Année de création"
    summary = imported(tmp_path, "n.csv", header + "\nA;x;y;09;2020\n")
    assert list(summary["fields"]) == ["nom_de_la_commune", "date_maj", "code_postal",
                                       "departement", "annee_de_creation"], summary["fields"]
    shown = dataset_show(tmp_path / "data", "ds")
    assert shown["fields"]["nom_de_la_commune"][1] == "Nom de la Commune"
    assert shown["fields"]["departement"] == ("text", "Département")


def test_inference_uses_all_rows(tmp_path):
    lines = ["n;flag"] + [f"{i};oui" for i in range(5000)] + ["abc;non"]
    summary = imported(tmp_path, "all.csv", "\n".join(lines) + "\n")
    assert summary["fields"]["n"][0] == "text", summary["fields"]
    assert summary["records"] == 5001
    assert any("abc" in w and "5002" in w for w in summary["warnings"]), summary["warnings"]
    assert stored_records(tmp_path / "data", "ds")[-1]["n"] == "abc"


def test_datetime_point_and_wkt(tmp_path):
    content = ("quand;position;forme\n"
               "2024-03-01T10:00:00+01:00;43.6,1.44;POINT (1.44 43.6)\n"
               "2024-03-02T11:30:00+01:00;43.7,1.50;POINT (1.50 43.7)\n")
    summary = imported(tmp_path, "g.csv", content)
    types = {n: t for n, (t, _) in summary["fields"].items()}
    assert types == {"quand": "datetime", "position": "geo_point_2d", "forme": "geo_shape"}, types


def test_lat_lon_columns_make_a_point(tmp_path):
    content = "nom;lat;lon\nToulouse;43.6045;1.4442\nMontpellier;43.6108;3.8767\n"
    summary = imported(tmp_path, "ll.csv", content)
    assert "geo_point_2d" in {t for t, _ in summary["fields"].values()}, summary["fields"]


def test_field_type_override(tmp_path):
    summary = imported(tmp_path, "ft.csv", csv_text(ROWS, ";"), "ds", "--field-type", "prix=text",
                       "--title", "Prix des pâtés")
    assert summary["fields"]["prix"][0] == "text"
    shown = dataset_show(tmp_path / "data", "ds")
    assert shown["fields"]["prix"][0] == "text"
    assert shown["title"] == "Prix des pâtés"
    assert dataset_list(tmp_path / "data")["ds"][2] == "Prix des pâtés"


def test_json_array(tmp_path):
    summary = imported(tmp_path, "a.json", json.dumps(RECORDS))
    assert summary["source"].startswith("json"), summary["source"]
    assert {n: t for n, (t, _) in summary["fields"].items()} == \
        {"nom": "text", "n": "int", "x": "double", "ok": "boolean"}
    assert [r["x"] for r in stored_records(tmp_path / "data", "ds")] == [1.5, 2.5]


def test_json_nested_values_are_json_blobs(tmp_path):
    content = json.dumps([{"a": {"x": 1}, "b": [1, 2]}, {"a": {"y": 2}, "b": [3]}])
    summary = imported(tmp_path, "nested.json", content)
    assert {n: t for n, (t, _) in summary["fields"].items()} == {"a": "json_blob", "b": "json_blob"}
    assert json.loads(stored_records(tmp_path / "data", "ds")[0]["a"]) == {"x": 1}


def test_json_lines(tmp_path):
    summary = imported(tmp_path, "a.jsonl", "\n".join(json.dumps(r) for r in RECORDS) + "\n")
    assert summary["source"].startswith("jsonl"), summary["source"]
    assert summary["records"] == 2
    assert summary["fields"]["n"][0] == "int"


def test_geojson_feature_collection(tmp_path):
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"nom": "carré", "pop": 10},
         "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]}},
        {"type": "Feature", "properties": {"nom": "gare", "pop": 20},
         "geometry": {"type": "Point", "coordinates": [1.44, 43.6]}}]}
    summary = imported(tmp_path, "fc.geojson", json.dumps(collection))
    assert summary["source"].startswith("geojson"), summary["source"]
    types = {n: t for n, (t, _) in summary["fields"].items()}
    assert types == {"nom": "text", "pop": "int", "geo_shape": "geo_shape",
                     "geo_point_2d": "geo_point_2d"}, types
    rows = stored_records(tmp_path / "data", "ds")
    lat = next(k for k in rows[0] if k.startswith("geo_point_2d") and "lat" in k)
    lon = next(k for k in rows[0] if k.startswith("geo_point_2d") and "lon" in k)
    assert (rows[0][lat], rows[0][lon]) == pytest.approx((1.0, 1.0), abs=1e-6)
    assert (rows[1][lat], rows[1][lon]) == pytest.approx((43.6, 1.44), abs=1e-9)


def xlsx(sheets):
    """A minimal workbook: {sheet name: rows}; str cells go to shared strings, ('date', serial)
    cells get the built-in date format 14."""
    strings = []

    def cell(ref, value):
        if isinstance(value, tuple):
            return f'<c r="{ref}" s="1"><v>{value[1]}</v></c>'
        if isinstance(value, str):
            if value not in strings:
                strings.append(value)
            return f'<c r="{ref}" t="s"><v>{strings.index(value)}</v></c>'
        return f'<c r="{ref}"><v>{value}</v></c>'

    def sheet_xml(rows):
        body = "".join(
            f'<row r="{r}">' + "".join(cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(row))
            + "</row>" for r, row in enumerate(rows, 1))
        return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
                f'.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>')

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    names = list(sheets)
    files = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                      'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(1, len(names) + 1))
            + '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats'
            '-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            "</Types>",
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
            f'.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml":
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            + "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, n in enumerate(names, 1)) + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
            '.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="{rel}/worksheet" '
                      f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(names) + 1))
            + f'<Relationship Id="rId{len(names) + 1}" Type="{rel}/sharedStrings" '
            'Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId{len(names) + 2}" Type="{rel}/styles" Target="styles.xml"/>'
            "</Relationships>",
        "xl/styles.xml":
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{main}"><cellXfs count="2">'
            '<xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>',
    }
    for i, name in enumerate(names, 1):
        files[f"xl/worksheets/sheet{i}.xml"] = sheet_xml(sheets[name])
    files["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return buffer.getvalue()


def test_xlsx_first_sheet_with_shared_strings_and_dates(tmp_path):
    book = xlsx({"Communes": [["commune", "population", "creation"],
                              ["Toulouse", 504078, ("date", 45292)],
                              ["Albi", 49236, ("date", 45323)]],
                 "Autre": [["x"], ["y"]]})
    summary = imported(tmp_path, "book.xlsx", book)
    assert summary["source"].startswith("xlsx"), summary["source"]
    types = {n: t for n, (t, _) in summary["fields"].items()}
    assert types == {"commune": "text", "population": "int", "creation": "date"}, types
    rows = stored_records(tmp_path / "data", "ds")
    assert [(r["commune"], r["creation"]) for r in rows] == \
        [("Toulouse", "2024-01-01"), ("Albi", "2024-02-01")]


def test_xlsx_sheet_option(tmp_path):
    book = xlsx({"Communes": [["commune"], ["Toulouse"]], "Autre": [["x", "y"], ["a", 1], ["b", 2]]})
    summary = imported(tmp_path, "book.xlsx", book, "ds", "--sheet", "Autre")
    assert list(summary["fields"]) == ["x", "y"] and summary["records"] == 2


# --- replacing, listing, deleting -----------------------------------------------------------

def test_reimport_publishes_a_new_version_and_drops_the_old_table(tmp_path):
    data_dir = tmp_path / "data"
    imported(tmp_path, "v1.csv", GOOD_CSV, "rep")
    summary = imported(tmp_path, "v2.csv", "nom;valeur\nx;10\ny;20\n", "rep")
    assert (summary["version"], summary["records"]) == (2, 2)
    shown = dataset_show(data_dir, "rep")
    assert (shown["records"], shown["version"]) == (2, 2)
    assert records_tables(data_dir) == ["records_rep_v2"]
    assert [r["valeur"] for r in stored_records(data_dir, "rep")] == [10, 20]


def test_dataset_list_show_delete(tmp_path):
    data_dir = tmp_path / "data"
    imported(tmp_path, "a.csv", GOOD_CSV, "alpha", "--title", "Alpha title")
    imported(tmp_path, "b.csv", csv_text(ROWS, ";"), "beta")
    done = run_cli("dataset", "list", "--data-dir", str(data_dir))
    assert done.returncode == 0
    assert "alpha\tpublic\t3 records\tAlpha title" in done.stdout.splitlines(), done.stdout
    assert dataset_list(data_dir)["beta"][:2] == ("public", 3)
    shown = run_cli("dataset", "show", "alpha", "--data-dir", str(data_dir)).stdout
    assert "records: 3 (version 1)" in shown.splitlines()
    assert "  valeur\tint\tvaleur" in shown.splitlines(), shown
    done = run_cli("dataset", "delete", "alpha", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert set(dataset_list(data_dir)) == {"beta"}
    assert records_tables(data_dir) == ["records_beta_v1"]
    assert_one_line_failure(run_cli("dataset", "show", "alpha", "--data-dir", str(data_dir)))
    assert_one_line_failure(run_cli("dataset", "delete", "alpha", "--data-dir", str(data_dir)))


# --- sample and demo ------------------------------------------------------------------------

def test_sample_is_deterministic_12_column_csv(tmp_path):
    first, again, other = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    for path, seed in ((first, "5"), (again, "5"), (other, "6")):
        done = run_cli("sample", "--rows", "500", "--seed", seed, "--output", str(path))
        assert done.returncode == 0, done.stderr
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    lines = first.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 501
    assert len(lines[0].split(";")) == 12
    summary = imported(tmp_path, "sample.csv", first.read_bytes())
    assert summary["records"] == 500 and len(summary["fields"]) == 12
    types = {t for t, _ in summary["fields"].values()}
    assert {"int", "double", "date", "datetime", "boolean", "geo_point_2d", "text"} <= types, types


def test_demo_publishes_gares_and_sample_datasets(demo):
    listed = dataset_list(demo.data_dir)
    assert listed["gares-occitanie"][1] == 280, listed
    assert listed["donnees-exemple"][1] == 50000, listed


# --- forced types ---------------------------------------------------------------------------

def test_forced_types_report_the_cells_they_could_not_read(tmp_path):
    done = import_file(write(tmp_path, "plain.csv", "nom;valeur\na;1\nb;2\n"), tmp_path / "data", "plain")
    assert done.returncode == 0, done.stderr
    assert "Warnings: none" in done.stdout.splitlines(), done.stdout
    content = "nom;valeur;jour\na;1;x\nb;deux;y\nc;trois;2024-01-02\nd;4;z\n"
    summary = imported(tmp_path, "forced.csv", content, "forced", "--field-type", "valeur=int",
                       "--field-type", "jour=date")
    # After the detection's own warnings (why a field was read as text), the unreadable cells.
    assert summary["warnings"][-2:] == [
        '2 value(s) of field "valeur" could not be read as int and were left empty.',
        '3 value(s) of field "jour" could not be read as date and were left empty.'], summary
    rows = stored_records(tmp_path / "data", "forced")
    assert [r["valeur"] for r in rows] == [1, None, None, 4]
    assert [r["jour"] for r in rows] == [None, None, "2024-01-02", None]

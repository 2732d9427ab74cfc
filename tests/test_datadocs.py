"""data/datapackage.json and data/README.md agree with the schemas and the data."""

import json

import frictionless
import pytest

from components import datadocs
from components.schemas import TABLES
from components.validation import load_package
from tests.conftest import ROOT

README = (ROOT / "data" / "README.md").read_text(encoding="utf-8")


def test_generated_files_are_up_to_date():
    assert datadocs.main(["--check"]) == 0, "run make docs"


def test_datapackage_matches_the_schemas():
    descriptor = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in descriptor["resources"]] == list(TABLES)
    for resource in descriptor["resources"]:
        assert [f["name"] for f in resource["schema"]["fields"]] == TABLES[resource["name"]].columns


@pytest.mark.parametrize("table", TABLES.values(), ids=lambda t: t.name)
def test_every_column_is_in_the_codebook(table):
    for column in table.columns:
        assert f"| `{column}` |" in README, f"{table.filename}: {column} is undocumented"


def test_every_source_is_listed_in_the_readme():
    sources = load_package(ROOT / "data").tables["sources"]
    for source_id in sources["source_id"]:
        assert f"`{source_id}`" in README


def test_other_tools_can_read_the_package():
    report = frictionless.validate(str(ROOT / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]


HOSTILE = "Fixed.\n## Editorial rules\nNone | at all <img src=x onerror=alert(1)> [click](javascript:alert(1)) <!-- changes:end --> $x$"


def test_generated_documentation_escapes_data_text(data_copy):
    from tests.helpers import read_rows, write_rows

    header, rows = read_rows(data_copy / "changes.csv")
    rows[0]["description"] = HOSTILE
    write_rows(data_copy / "changes.csv", header, rows)
    header, rows = read_rows(data_copy / "sources.csv")
    rows[0].update(title="T | x\n### Heading <b>bold</b>", publisher="P](http://evil.example) <script>", url="https://example.org/a_(b)")
    write_rows(data_copy / "sources.csv", header, rows)
    package = load_package(data_copy)
    assert package.errors == []
    text = datadocs.render_readme((data_copy / "README.md").read_text(encoding="utf-8"), package)
    lines = text.splitlines()
    assert lines.count("## Editorial rules") == 1
    assert not any(line.lstrip().startswith("###") and "Heading" in line for line in lines)
    assert "<img src=x" not in text and "<script>" not in text and "<b>bold" not in text
    assert text.count("<!-- changes:end -->") == 1
    change = next(line for line in lines if "Fixed." in line)
    assert change.startswith("- ") and "\\#\\# Editorial rules" in change and "\\|" in change and "\\$x\\$" in change
    source = next(line for line in lines if "example.org/a_" in line)
    assert source.count(" | ") == 4  # still five cells: the pipe in the title is escaped
    assert "(https://example.org/a_%28b%29)" in source


def test_a_readme_that_is_not_utf8_or_lacks_its_markers_is_a_clear_error(data_copy, capsys):
    readme = data_copy / "README.md"
    original = readme.read_text(encoding="utf-8")
    readme.write_bytes("Edición\n".encode("latin-1") + original.encode("utf-8"))
    assert datadocs.main(["--data-dir", str(data_copy)]) == 1
    assert "is not UTF-8 (line 1" in capsys.readouterr().err
    readme.write_text(original.replace("<!-- changes:start -->", ""), encoding="utf-8")
    assert datadocs.main(["--data-dir", str(data_copy)]) == 1
    assert "lacks the markers <!-- changes:start -->" in capsys.readouterr().err

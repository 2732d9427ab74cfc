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

"""Generate data/datapackage.json and the codebook, sources and changes in data/README.md from the schemas.

python -m components.datadocs          rewrite both files
python -m components.datadocs --check  exit 1 if either is out of date (the tests run this)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import pandas as pd

from components import partial_dates
from components.schemas import TABLES, Table, describe_rule
from components.validation import DATA_DIR, Package, load_package

PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}){0,2}$"
_TYPES = {"bool": "boolean", "Int64": "integer", "int64": "integer", "float64": "number"}
_MARKERS = ("index", "codebook", "sources", "changes")


def _is_date(spec: object) -> bool:
    return bool((spec.metadata or {}).get("partial_date"))


def field_descriptor(name: str, spec: object) -> dict:
    """A Frictionless Table Schema field for one schema column."""
    field: dict = {"name": name, "type": _TYPES.get(str(spec.dtype), "string"), "description": spec.description or ""}
    if field["type"] == "boolean":
        field.update(trueValues=["true"], falseValues=["false"])
    constraints: dict = {}
    if not spec.nullable:
        constraints["required"] = True
    if any(check.name == "unique_values" for check in spec.checks):
        constraints["unique"] = True
    if _is_date(spec):
        constraints["pattern"] = PARTIAL_DATE_PATTERN
    for check in spec.checks:
        stats = check.statistics or {}
        if check.name == "isin":
            constraints["enum"] = list(stats["allowed_values"])
        elif check.name == "str_matches":
            constraints["pattern"] = stats["pattern"]
        elif check.name == "greater_than_or_equal_to":
            constraints["minimum"] = stats["min_value"]
        elif check.name == "in_range":
            constraints.update(minimum=stats["min_value"], maximum=stats["max_value"])
        elif check.name == "iso_country":
            from components.schemas import ISO3_CODES

            constraints["enum"] = ISO3_CODES
    if constraints:
        field["constraints"] = constraints
    return field


def resource_descriptor(table: Table) -> dict:
    """A Frictionless tabular data resource for one table."""
    schema: dict = {
        "fields": [field_descriptor(name, spec) for name, spec in table.schema.columns.items()],
        "missingValues": [""],
    }
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    foreign_keys = [
        {"fields": key.column, "reference": {"resource": key.table, "fields": key.key}}
        for key in table.foreign_keys
        if not key.many  # lists of ids in one cell are checked by components.validate only
    ]
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return {
        "name": table.name,
        "path": table.filename,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": (table.model.__doc__ or "").strip(),
        "schema": schema,
    }


def datapackage() -> dict:
    """The whole data package descriptor."""
    return {
        "profile": "tabular-data-package",
        "name": "tren-de-aragua-tracker",
        "title": "Tren de Aragua tracker: curated data",
        "description": "Sourced figures, time series, events, court rulings and countries of presence "
        "about the Venezuelan gang Tren de Aragua and the US crackdown on it. Every row cites a "
        "source in sources.csv with the exact supporting quote. Generated from components/schemas.py.",
        "resources": [resource_descriptor(table) for table in TABLES.values()],
    }


def _rules(spec: object) -> str:
    parts = []
    if not spec.nullable:
        parts.append("required")
    if any(check.name == "unique_values" for check in spec.checks):
        parts.append("unique")
    if _is_date(spec):
        parts.append("YYYY, YYYY-MM or YYYY-MM-DD; a real date, not in the future")
    for check in spec.checks:
        if check.name == "isin":
            parts.append("one of " + ", ".join(f"`{value}`" for value in check.statistics["allowed_values"]))
        elif check.name == "str_matches":
            parts.append(f"pattern `{check.statistics['pattern']}`")
        elif check.name in ("greater_than_or_equal_to", "in_range", "iso_country"):
            parts.append(describe_rule(check.name, check.statistics or {}))
    return "; ".join(parts)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def dictionary(table: Table) -> pd.DataFrame:
    """One row per column of table: name, type, description and the rules it must follow."""
    links = {key.column: key for key in table.foreign_keys}
    rows = []
    for name, spec in table.schema.columns.items():
        kind = "partial date" if _is_date(spec) else _TYPES.get(str(spec.dtype), "text")
        rules = _rules(spec)
        if name in links:
            rules += f"; each must be a `{links[name].key}` in `{links[name].table}.csv`"
        rows.append({"column": name, "type": kind, "description": spec.description or "", "rules": rules.lstrip("; ")})
    return pd.DataFrame(rows, columns=["column", "type", "description", "rules"])


def codebook() -> str:
    """Markdown: for each file, its description and a column table."""
    blocks = []
    for table in TABLES.values():
        lines = [f"### {table.filename}", "", (table.model.__doc__ or "").strip(), ""]
        if table.primary_key:
            lines += [f"Key: {' + '.join(table.primary_key)}.", ""]
        lines += ["| column | type | description | rules |", "|---|---|---|---|"]
        for row in dictionary(table).itertuples():
            lines.append(f"| `{row.column}` | {row.type} | {_cell(row.description)} | {_cell(row.rules)} |")
        for check in table.schema.checks:
            lines.append(f"\nRow rule `{check.name}`: {describe_rule(check.name, {})}.")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def index_table(package: Package) -> str:
    """Markdown: file | one row is | rows | sources cited."""
    lines = ["| file | one row is | rows | sources cited |", "|---|---|---|---|"]
    for name, table in TABLES.items():
        frame = package.tables[name]
        cited = frame["source_id"].nunique() if "source_id" in frame else "—"
        lines.append(f"| `{table.filename}` | {table.row_is} | {len(frame)} | {cited} |")
    return "\n".join(lines)


def sources_table(package: Package) -> str:
    """Markdown: every source with publisher, title, date and link."""
    sources = package.tables["sources"]
    lines = ["| source_id | publisher | title | published | kind |", "|---|---|---|---|---|"]
    for row in sources.itertuples():
        title = f"[{_cell(row.title)}]({row.url})" if isinstance(row.url, str) else _cell(row.title)
        published = partial_dates.format_partial(row.published, row.published_precision)
        lines.append(f"| `{row.source_id}` | {_cell(row.publisher)} | {title} | {published} | {row.kind} |")
    return "\n".join(lines)


def changes_list(package: Package) -> str:
    """Markdown: the dated change log, newest first."""
    changes = package.tables["changes"].sort_values("date", ascending=False, kind="stable")
    lines = []
    for row in changes.itertuples():
        record = f" `{row.record_id}`" if isinstance(row.record_id, str) else ""
        lines.append(f"- {pd.Timestamp(row.date):%Y-%m-%d} {row.file}{record} ({row.change}): {row.description}")
    return "\n".join(lines)


def render_readme(text: str, package: Package) -> str:
    """README text with each generated section replaced between its markers."""
    sections = {
        "index": index_table(package),
        "codebook": codebook(),
        "sources": sources_table(package),
        "changes": changes_list(package),
    }
    for name in _MARKERS:
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"data/README.md lacks the markers <!-- {name}:start --> and <!-- {name}:end -->")
        text = pattern.sub(lambda match: match.group(1) + sections[name] + "\n" + match.group(2), text)
    return text


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) data/datapackage.json and data/README.md."""
    parser = argparse.ArgumentParser(prog="python -m components.datadocs", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a generated file is out of date")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    package = load_package(args.data_dir)
    if not package.valid:
        print("the data is invalid: run python -m components.validate first", file=sys.stderr)
        return 1
    readme_path, descriptor_path = args.data_dir / "README.md", args.data_dir / "datapackage.json"
    wanted = {
        descriptor_path: json.dumps(datapackage(), indent=2, ensure_ascii=False) + "\n",
        readme_path: render_readme(readme_path.read_text(encoding="utf-8"), package),
    }
    stale = [path for path, text in wanted.items() if not path.exists() or path.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"{path} is out of date: run make docs", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path], encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

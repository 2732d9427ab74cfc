"""Generate data/datapackage.json and the codebook, sources and changes in data/README.md from the schemas.

python -m components.datadocs          rewrite both files
python -m components.datadocs --check  exit 1 if either is out of date (the tests run this)
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from pathlib import Path

import pandas as pd

from components import partial_dates
from components import schemas
from components.schemas import TABLES, Table, describe_rule
from components.validation import Package, data_dir, load_package

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
        elif check.name in ("str_matches", "fullmatch"):
            constraints["pattern"] = stats["pattern"]
        elif check.name == "greater_than_or_equal_to":
            constraints["minimum"] = stats["min_value"]
        elif check.name == "in_range":
            constraints.update(minimum=stats["min_value"], maximum=stats["max_value"])
        elif check.name == "iso_country":
            from components.schemas import ISO3_CODES

            constraints["enum"] = ISO3_CODES
    if field["type"] == "string" and not _is_date(spec) and "enum" not in constraints:
        constraints["maxLength"] = schemas.max_length(name)
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


def _rules(name: str, spec: object) -> str:
    parts = []
    if not spec.nullable:
        parts.append("required")
    if any(check.name == "unique_values" for check in spec.checks):
        parts.append("unique")
    if _is_date(spec):
        earliest = (spec.metadata or {}).get("earliest_year")
        parts.append(f"YYYY, YYYY-MM or YYYY-MM-DD; a real date from {earliest} to today" if earliest else "YYYY, YYYY-MM or YYYY-MM-DD; a real date, not in the future")
    has_list = False
    for check in spec.checks:
        if check.name == "isin":
            has_list = True
            parts.append("one of " + ", ".join(f"`{value}`" for value in check.statistics["allowed_values"]))
        elif check.name in ("str_matches", "fullmatch"):
            parts.append(f"pattern `{check.statistics['pattern']}` (the whole value)")
        elif check.name in ("greater_than_or_equal_to", "in_range", "iso_country"):
            has_list = has_list or check.name == "iso_country"
            parts.append(describe_rule(check.name, check.statistics or {}))
    if str(spec.dtype).startswith(("str", "object")) and not _is_date(spec) and not has_list:
        parts.append(f"at most {schemas.max_length(name):,} characters")
    return "; ".join(parts)


# Rules that look at more than one column or table, documented under the tables they apply to.
_CROSS_RULES = {
    **{name: ["confidence_rule"] for name in schemas.CONFIDENCE_TABLES},
    "presence": ["confidence_rule", "confirmed_needs_authority"],
    "events": ["confidence_rule", "ambiguous_place"],
    "changes": ["duplicate_row"],
}


def _cell(text: object) -> str:
    """Our own text (schema descriptions and rules) in a table cell: one line, pipes escaped."""
    return re.sub(r"[\r\n]+", " ", str(text)).replace("|", "\\|")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~$])")


def _data_text(text: object) -> str:
    """Text from the data in generated markdown: one line, every markdown and HTML character
    escaped, so a value can never start a heading, a list, a table cell, a link or a tag."""
    flat = re.sub(r"\s+", " ", str(text)).strip()
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))


def _link_target(url: str) -> str:
    """A URL as a markdown link target: no spaces, angle brackets or parentheses that end it early."""
    return re.sub(r"[\s<>()\\]", lambda match: f"%{ord(match.group(0)):02X}", url)


def _code(text: object) -> str:
    """An identifier in a code span, or escaped text when it could break out of one."""
    text = str(text)
    return f"`{text}`" if re.fullmatch(r"[A-Za-z0-9_.;:/ -]+", text) else _data_text(text)


def dictionary(table: Table) -> pd.DataFrame:
    """One row per column of table: name, type, description and the rules it must follow."""
    links = {key.column: key for key in table.foreign_keys}
    rows = []
    for name, spec in table.schema.columns.items():
        kind = "partial date" if _is_date(spec) else _TYPES.get(str(spec.dtype), "text")
        rules = _rules(name, spec)
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
        for rule in dict.fromkeys(_CROSS_RULES.get(table.name, [])):
            lines.append(f"\nRule `{rule}`: {describe_rule(rule, {})}.")
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
        title = f"[{_data_text(row.title)}]({_link_target(row.url)})" if isinstance(row.url, str) else _data_text(row.title)
        published = partial_dates.format_partial(row.published, row.published_precision)
        lines.append(f"| {_code(row.source_id)} | {_data_text(row.publisher)} | {title} | {published} | {_data_text(row.kind)} |")
    return "\n".join(lines)


def changes_list(package: Package) -> str:
    """Markdown: the dated change log, newest first."""
    changes = package.tables["changes"].sort_values("date", ascending=False, kind="stable")
    lines = []
    for row in changes.itertuples():
        record = f" {_code(row.record_id)}" if isinstance(row.record_id, str) else ""
        lines.append(f"- {pd.Timestamp(row.date):%Y-%m-%d} {_data_text(row.file)}{record} ({_data_text(row.change)}): {_data_text(row.description)}")
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


def _read_readme(path: Path) -> str:
    """data/README.md as text, or ValueError with a sentence an editor can act on."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"{path} is missing: restore it (it holds the hand-written documentation and the generated sections)") from None
    except OSError as exc:
        raise ValueError(f"{path} cannot be read ({exc.strerror or type(exc).__name__})") from None
    try:
        return data.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValueError(f"{path} is not UTF-8 (line {line}, byte {data[exc.start:exc.start + 1]!r}; Latin-1 or Windows-1252?): save it as UTF-8") from None


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) data/datapackage.json and data/README.md."""
    parser = argparse.ArgumentParser(prog="python -m components.datadocs", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a generated file is out of date")
    parser.add_argument("--data-dir", type=Path, default=None, help="the data directory (default: TDA_DATA_DIR or data/)")
    args = parser.parse_args(argv)
    directory = (args.data_dir or data_dir()).resolve()
    print(f"data folder: {directory}", file=sys.stderr)
    if not directory.is_dir():
        print(f"error: {directory} is not a readable directory", file=sys.stderr)
        return 2
    package = load_package(directory)
    if not package.valid:
        print(f"the data in {directory} is invalid: run python -m components.validate {directory} first", file=sys.stderr)
        return 1
    readme_path, descriptor_path = directory / "README.md", directory / "datapackage.json"
    try:
        wanted = {
            descriptor_path: json.dumps(datapackage(), indent=2, ensure_ascii=False) + "\n",
            readme_path: render_readme(_read_readme(readme_path), package),
        }
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    def current(path: Path) -> str | None:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    stale = [path for path, text in wanted.items() if current(path) != text]
    if args.check:
        for path in stale:
            print(f"{path} is out of date: run make docs", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path], encoding="utf-8")
        print(f"wrote {path}")
    if not stale:
        print(f"{directory}: datapackage.json and README.md are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())

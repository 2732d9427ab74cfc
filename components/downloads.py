"""Machine-friendly downloads: the rows a page shows as a program reads them, each with its source, quote and licence.

Pure pandas (no streamlit). The on-screen tables stay reader-friendly ('October 2024', '5,000');
these frames are for spreadsheets and scripts: numbers as numbers (5000, never 5000.0), dates in
ISO form as precise as the source (2024, 2024-10, 2024-10-23) beside a `<column>_precision`
column, booleans as true/false like the CSVs, and empty cells empty. Every row carries its
source's publisher, title, original URL and exact quote, and a `licence` column. Editor-only
columns never leave the data folder. Spreadsheet formulas are neutralised later, by
safety.csv_download.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from components import partial_dates, transforms

ROOT = Path(__file__).resolve().parents[1]
LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); quotes remain their publishers' (short excerpts)"
CODE_LICENCE = "MIT"
LICENCE_FILES = ("LICENSE", "LICENSE-DATA.md")
EDITOR_ONLY = ("editor_notes",)
PACKAGE_FOLDER = "tren-de-aragua-data"
PACKAGE_FILENAME = f"{PACKAGE_FOLDER}.zip"
DERIVED = " (derived)"
SOURCE_COLUMNS = (
    "source_id", "source_publisher", "source_title", "source_title_kind", "source_url", "source_published",
    "source_published_precision", "source_read_via", "source_read_via_url",
)  # fmt: skip
# What the Sources page says under "Licences" (markdown typed here, nothing from the data).
LICENCES_MARKDOWN = (
    "**Data:** the curated data (every CSV, `datapackage.json`, the data's README and every download from this site) is "
    "licensed under [Creative Commons Attribution 4.0 (CC BY 4.0)](https://creativecommons.org/licenses/by/4.0/), as Our World "
    "in Data licenses its data: reuse it for any purpose, crediting *Tren de Aragua tracker* and the original source of each row.\n\n"
    "**Quotes** remain their publishers' and authors': they are short excerpts, shown so that every number can be checked "
    "against its source's own words, and are not relicensed. Cite the publisher when you reuse one.\n\n"
    "**Code:** the dashboard's code is licensed under the [MIT licence](https://opensource.org/license/mit).\n\n"
    "The full texts are in the repository (`LICENSE-DATA.md` and `LICENSE`) and in the data package below. Every CSV download "
    "names the licence in its `licence` column."
)
PACKAGE_CAPTION = (
    "One zip: every CSV of the data package, datapackage.json (Frictionless Data), the data's README (codebook, method, sources, "
    "changes) and both licences. Editor-only columns are left out."
)
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # fixed, so the same files always make the same zip


# '2024', '2024-10' or '2024-10-23': as precise as the source; empty when undated.
iso_date = partial_dates.format_partial


def _precision(start: object, precision: object) -> str:
    if start is None or pd.isna(start):
        return ""
    return "day" if precision is None or pd.isna(precision) else str(precision)


def dated(frame: pd.DataFrame, column: str, precision_column: str | None = None, lang: str = "en") -> pd.DataFrame:
    """frame with column as ISO text and a `<column>_precision` column right after it."""
    precision_column = precision_column or f"{column}_precision"
    precisions = frame[precision_column] if precision_column in frame else pd.Series("day", index=frame.index)
    out = frame.drop(columns=[precision_column], errors="ignore")
    position = out.columns.get_loc(column)
    texts = [iso_date(start, precision) for start, precision in zip(frame[column], precisions)]
    kept = [_precision(start, precision) for start, precision in zip(frame[column], precisions)]
    out[column] = pd.Series(texts, index=frame.index, dtype=object)
    out.insert(position + 1, f"{column}_precision", pd.Series(kept, index=frame.index, dtype=object))
    return out


def _clean_column(values: pd.Series) -> pd.Series:
    """One column as a program reads it: whole numbers as integers, true/false, empty for missing."""
    if pd.api.types.is_bool_dtype(values):
        return values.map(lambda flag: "" if pd.isna(flag) else ("true" if flag else "false")).astype(object)
    if pd.api.types.is_integer_dtype(values):
        return values.astype("Int64")
    if pd.api.types.is_float_dtype(values):
        present = values.dropna()
        if (present == present.round()).all():
            return values.round().astype("Int64")
        return values.round(4)
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.map(lambda day: "" if pd.isna(day) else pd.Timestamp(day).strftime("%Y-%m-%d")).astype(object)
    present = values.dropna()
    if values.dtype == object and len(present) and all(isinstance(cell, (bool, np.bool_)) for cell in present):
        return _clean_column(values.astype("boolean"))
    if values.dtype == object and len(present) and all(isinstance(cell, (int, float, np.number)) and not isinstance(cell, (bool, np.bool_)) for cell in present):
        return _clean_column(pd.to_numeric(values))
    cleaned = values.astype(object)
    return cleaned.map(lambda cell: "" if cell is None or (not isinstance(cell, (str, bool)) and pd.isna(cell)) else cell)


def machine_frame(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Every column cleaned for a program (see _clean_column); editor-only columns left out."""
    kept = frame.drop(columns=[column for column in EDITOR_ONLY if column in frame], errors="ignore")
    return pd.DataFrame({column: _clean_column(kept[column]) for column in kept.columns}, index=kept.index).reset_index(drop=True)


def with_source(frame: pd.DataFrame, sources: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """frame with its source's publisher, title, original URL, date and the copy read, then its quote and the licence."""
    cited = sources.rename(
        columns={
            "publisher": "source_publisher", "title": "source_title", "title_kind": "source_title_kind", "url": "source_url",
            "published": "source_published", "published_precision": "source_published_precision", "via": "source_read_via",
            "via_url": "source_read_via_url",
        }
    )  # fmt: skip
    cited = cited[[column for column in SOURCE_COLUMNS if column in cited]]
    body = frame.drop(columns=[column for column in SOURCE_COLUMNS[1:] if column in frame])
    quote = body.pop("quote") if "quote" in body else pd.Series("", index=body.index)
    merged = body.reset_index(drop=True).merge(cited, on="source_id", how="left", validate="many_to_one")
    if "source_published" in merged:
        merged = dated(merged, "source_published")
    merged["quote"] = quote.to_numpy()
    merged["licence"] = LICENCE
    return merged


def value_label(row: pd.Series, lang: str = "en") -> str:
    """The value as a reader reads it, with the derived mark: '2,500 (derived)', 'more than 600'."""
    words = transforms.figure_value_label(row)
    return words + DERIVED if bool(row.get("computed")) and words else words


FIGURE_COLUMNS = (
    "figure_id", "metric", "label", "value", "low", "high", "unit", "value_label", "computed", "as_of", "as_of_precision",
    "geography", "estimator", "status", "confidence", "series", "definition", "per_10000", "source_id", "quote", "notes",
)  # fmt: skip


def figures(rows: pd.DataFrame, sources: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Figures rows (as a chart or table draws them) for download, derived values marked in `computed` and `value_label`."""
    frame = rows.assign(value_label=[value_label(row) for _, row in rows.iterrows()] if len(rows) else pd.Series(dtype=object))
    frame = frame[[column for column in FIGURE_COLUMNS if column in frame]]
    return machine_frame(with_source(dated(frame, "as_of"), sources))


SERIES_COLUMNS = ("series_id", "period", "period_kind", "period_start", "period_end", "value", "unit", "geography", "period_complete", "computed", "source_id", "quote", "notes")


def series(rows: pd.DataFrame, sources: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Encounter counts (one period each) for download: integer counts, period bounds as ISO days."""
    frame = rows[[column for column in SERIES_COLUMNS if column in rows]]
    return machine_frame(with_source(frame, sources))


def marked_dates(dates: pd.DataFrame, sources: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The dates a chart marks (charts.marked_dates) for download, with the number shown on the chart."""
    columns = [column for column in ("number", "date", "date_precision", "what", "label", "record_id", "source_id", "quote") if column in dates]
    return machine_frame(with_source(dated(dates[columns], "date"), sources))


RULING_COLUMNS = (
    "ruling_id", "date", "date_precision", "case_name", "case_group", "proceeding", "aea_case", "about_tda", "docket", "court_url",
    "court", "court_level", "judge", "decision", "outcome", "favoured", "related_event_ids", "confidence", "source_id", "quote", "notes",
)  # fmt: skip


def rulings(rows: pd.DataFrame, sources: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Court rulings for download, with the court's own document (court_url) beside the news source."""
    frame = rows[[column for column in RULING_COLUMNS if column in rows]]
    return machine_frame(with_source(dated(frame, "date"), sources))


EVENT_COLUMNS = (
    "event_id", "date", "date_precision", "title", "summary", "event_type", "status", "place", "admin1", "country", "location_note",
    "lat", "lon", "geocode", "geonameid", "people_count", "people_count_kind", "people_count_label", "confidence", "source_id", "quote", "notes",
)  # fmt: skip


def events(rows: pd.DataFrame, sources: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Events (as the map shows them, event_id a column or the index) for download: counts as integers, coordinates as numbers."""
    frame = rows.reset_index() if "event_id" not in rows and rows.index.name == "event_id" else rows
    frame = frame[[column for column in EVENT_COLUMNS if column in frame]]
    return machine_frame(with_source(dated(frame, "date"), sources))


def sources_list(sources: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The sources table for download: ISO published dates with their precision, the licence, no editor-only columns."""
    frame = dated(sources, "published") if "published" in sources else sources
    return machine_frame(frame.assign(licence=LICENCE))


def _without_editor_columns(text: str) -> str:
    """A CSV's text with the editor-only columns removed, every other cell as written."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return text
    keep = [index for index, name in enumerate(rows[0]) if name not in EDITOR_ONLY]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([[row[index] for index in keep if index < len(row)] for row in rows])
    return out.getvalue()


def _package_descriptor(text: str) -> str:
    """datapackage.json without the editor-only fields, naming the data licence."""
    descriptor = json.loads(text)
    for resource in descriptor.get("resources", []):
        schema = resource.get("schema", {})
        schema["fields"] = [field for field in schema.get("fields", []) if field.get("name") not in EDITOR_ONLY]
    descriptor["licenses"] = [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}]
    return json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"


def package_files(directory: Path, licences_dir: Path = ROOT) -> dict[str, bytes]:
    """name -> bytes of the data package as readers get it: the CSVs, datapackage.json, README.md and both licences."""
    files: dict[str, bytes] = {}
    for path in sorted(directory.glob("*.csv")):
        files[path.name] = _without_editor_columns(path.read_text(encoding="utf-8")).encode("utf-8")
    descriptor = directory / "datapackage.json"
    if descriptor.exists():
        files[descriptor.name] = _package_descriptor(descriptor.read_text(encoding="utf-8")).encode("utf-8")
    readme = directory / "README.md"
    if readme.exists():
        files[readme.name] = readme.read_bytes()
    for name in LICENCE_FILES:
        if (licences_dir / name).exists():
            files[name] = (licences_dir / name).read_bytes()
    return files


def data_package_zip(directory: Path, licences_dir: Path = ROOT) -> bytes:
    """One zip of the whole data package (package_files) in a folder named tren-de-aragua-data/."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in package_files(directory, licences_dir).items():
            info = zipfile.ZipInfo(f"{PACKAGE_FOLDER}/{name}", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()

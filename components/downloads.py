"""Machine-friendly downloads: the rows a page shows as a program reads them, each with its source, quote and licence.

Pure pandas (no streamlit). The on-screen tables stay reader-friendly ('October 2024', '5,000');
these frames are for spreadsheets and scripts: numbers as numbers (5000, never 5000.0), dates in
ISO form as precise as the source (2024, 2024-10, 2024-10-23) beside a `<column>_precision`
column, booleans as true/false like the CSVs, and empty cells empty. Every row carries its
source's publisher, title, original URL and exact quote, and a `licence` column. Editor-only
columns never leave the data folder. Spreadsheet formulas are neutralised later, by
safety.csv_download.

In another language (lang="es") the column headers are translated (csv_headers) and so are the
tracker's own words in the cells (the licence line, a value as read, the derived mark); the machine
values stay as they are: ISO dates, unformatted numbers, codes, precisions. Text from the data comes
already in the reader's language from the loaders, with the tracker's translation of each quote in
`quote_translation` beside the verbatim `quote`. The data package zip is the canonical English files.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from components import i18n, partial_dates, transforms
from components.i18n import N_

ROOT = Path(__file__).resolve().parents[1]
LICENCE = N_("CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); quotes remain their publishers' (short excerpts)")
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
LICENCES_MARKDOWN = N_(
    "**Data:** the curated data (every CSV, `datapackage.json`, the data's README and every download from this site) is "
    "licensed under [Creative Commons Attribution 4.0 (CC BY 4.0)](https://creativecommons.org/licenses/by/4.0/), as Our World "
    "in Data licenses its data: reuse it for any purpose, crediting *Tren de Aragua tracker* and the original source of each row.\n\n"
    "**Quotes** remain their publishers' and authors': they are short excerpts, shown so that every number can be checked "
    "against its source's own words, and are not relicensed. Cite the publisher when you reuse one.\n\n"
    "**Code:** the dashboard's code is licensed under the [MIT licence](https://opensource.org/license/mit).\n\n"
    "The full texts are in the repository (`LICENSE-DATA.md` and `LICENSE`) and in the data package below. Every CSV download "
    "names the licence in its `licence` column."
)
PACKAGE_CAPTION = N_(
    "One zip: every CSV of the data package, datapackage.json (Frictionless Data), the data's README (codebook, method, sources, "
    "changes) and both licences. Editor-only columns are left out."
)
QUOTE_TRANSLATION = "quote_translation"  # the tracker's translation of a quote (components.i18n.data), beside the verbatim quote
QUOTE_LANGUAGE = "quote_language"
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


def csv_headers(lang: str = "en") -> dict[str, str]:
    """The downloads' column headers in a language, keyed by the English (canonical) column names.

    Headers stay one word each (snake_case) so scripts can use them; a `<column>_precision` column
    keeps its column's name with '_precisión' after it in Spanish.
    """
    pgettext = i18n.pgettext_for(lang)
    # TRANSLATORS: CSV column headers: keep them one word each, words joined by '_' (no spaces).
    return {
        "figure_id": pgettext("CSV column", "figure_id"),
        "metric": pgettext("CSV column", "metric"),
        "label": pgettext("CSV column", "label"),
        "value": pgettext("CSV column", "value"),
        "low": pgettext("CSV column", "low"),
        "high": pgettext("CSV column", "high"),
        "unit": pgettext("CSV column", "unit"),
        "value_label": pgettext("CSV column", "value_label"),
        "computed": pgettext("CSV column", "computed"),
        "as_of": pgettext("CSV column", "as_of"),
        "as_of_precision": pgettext("CSV column", "as_of_precision"),
        "geography": pgettext("CSV column", "geography"),
        "estimator": pgettext("CSV column", "estimator"),
        "status": pgettext("CSV column", "status"),
        "confidence": pgettext("CSV column", "confidence"),
        "series": pgettext("CSV column", "series"),
        "definition": pgettext("CSV column", "definition"),
        "per_10000": pgettext("CSV column", "per_10000"),
        "series_id": pgettext("CSV column", "series_id"),
        "period": pgettext("CSV column", "period"),
        "period_kind": pgettext("CSV column", "period_kind"),
        "period_start": pgettext("CSV column", "period_start"),
        "period_end": pgettext("CSV column", "period_end"),
        "period_complete": pgettext("CSV column", "period_complete"),
        "number": pgettext("CSV column", "number"),
        "date": pgettext("CSV column", "date"),
        "date_precision": pgettext("CSV column", "date_precision"),
        "what": pgettext("CSV column", "what"),
        "record_id": pgettext("CSV column", "record_id"),
        "ruling_id": pgettext("CSV column", "ruling_id"),
        "case_name": pgettext("CSV column", "case_name"),
        "case_group": pgettext("CSV column", "case_group"),
        "proceeding": pgettext("CSV column", "proceeding"),
        "aea_case": pgettext("CSV column", "aea_case"),
        "about_tda": pgettext("CSV column", "about_tda"),
        "docket": pgettext("CSV column", "docket"),
        "court_url": pgettext("CSV column", "court_url"),
        "court": pgettext("CSV column", "court"),
        "court_level": pgettext("CSV column", "court_level"),
        "judge": pgettext("CSV column", "judge"),
        "decision": pgettext("CSV column", "decision"),
        "outcome": pgettext("CSV column", "outcome"),
        "favoured": pgettext("CSV column", "favoured"),
        "related_event_ids": pgettext("CSV column", "related_event_ids"),
        "event_id": pgettext("CSV column", "event_id"),
        "title": pgettext("CSV column", "title"),
        "summary": pgettext("CSV column", "summary"),
        "event_type": pgettext("CSV column", "event_type"),
        "place": pgettext("CSV column", "place"),
        "admin1": pgettext("CSV column", "admin1"),
        "country": pgettext("CSV column", "country"),
        "location_note": pgettext("CSV column", "location_note"),
        "lat": pgettext("CSV column", "lat"),
        "lon": pgettext("CSV column", "lon"),
        "geocode": pgettext("CSV column", "geocode"),
        "geonameid": pgettext("CSV column", "geonameid"),
        "people_count": pgettext("CSV column", "people_count"),
        "people_count_kind": pgettext("CSV column", "people_count_kind"),
        "people_count_label": pgettext("CSV column", "people_count_label"),
        "source_id": pgettext("CSV column", "source_id"),
        "source_publisher": pgettext("CSV column", "source_publisher"),
        "source_title": pgettext("CSV column", "source_title"),
        "source_title_kind": pgettext("CSV column", "source_title_kind"),
        "source_url": pgettext("CSV column", "source_url"),
        "source_published": pgettext("CSV column", "source_published"),
        "source_published_precision": pgettext("CSV column", "source_published_precision"),
        "source_read_via": pgettext("CSV column", "source_read_via"),
        "source_read_via_url": pgettext("CSV column", "source_read_via_url"),
        "publisher": pgettext("CSV column", "publisher"),
        "title_kind": pgettext("CSV column", "title_kind"),
        "url": pgettext("CSV column", "url"),
        "published": pgettext("CSV column", "published"),
        "published_precision": pgettext("CSV column", "published_precision"),
        "kind": pgettext("CSV column", "kind"),
        "language": pgettext("CSV column", "language"),
        "access": pgettext("CSV column", "access"),
        "via": pgettext("CSV column", "via"),
        "via_url": pgettext("CSV column", "via_url"),
        "notes": pgettext("CSV column", "notes"),
        "quote": pgettext("CSV column", "quote"),
        "quote_translation": pgettext("CSV column", "quote_translation"),
        "quote_language": pgettext("CSV column", "quote_language"),
        "licence": pgettext("CSV column", "licence"),
    }


def licence(lang: str = "en") -> str:
    """The licence line every download carries, in a language (English: LICENCE)."""
    return i18n.gettext_for(lang)(LICENCE)


def machine_frame(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Every column cleaned for a program (see _clean_column); editor-only columns left out; headers in lang."""
    kept = frame.drop(columns=[column for column in EDITOR_ONLY if column in frame], errors="ignore")
    cleaned = pd.DataFrame({column: _clean_column(kept[column]) for column in kept.columns}, index=kept.index).reset_index(drop=True)
    if i18n.normalize(lang) == i18n.DEFAULT_LANG:
        return cleaned
    return cleaned.rename(columns=csv_headers(lang))


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
    translation = body.pop(QUOTE_TRANSLATION) if QUOTE_TRANSLATION in body else None
    body = body.drop(columns=[QUOTE_LANGUAGE], errors="ignore")
    merged = body.reset_index(drop=True).merge(cited, on="source_id", how="left", validate="many_to_one")
    if "source_published" in merged:
        merged = dated(merged, "source_published")
    merged["quote"] = quote.to_numpy()
    if translation is not None:  # the tracker's translation beside the verbatim quote (a column the loaders add)
        merged[QUOTE_TRANSLATION] = translation.to_numpy()
    merged["licence"] = licence(lang)
    return merged


def value_label(row: pd.Series, lang: str = "en") -> str:
    """The value as a reader reads it, with the derived mark: '2,500 (derived)', 'more than 600' ('2.500 (derivado)' in Spanish)."""
    words = transforms.figure_value_label(row, lang=lang)
    if not (bool(row.get("computed")) and words):
        return words
    if i18n.normalize(lang) == i18n.DEFAULT_LANG:
        return words + DERIVED
    _ = i18n.gettext_for(lang)
    return words + " " + _("(derived)")


FIGURE_COLUMNS = (
    "figure_id", "metric", "label", "value", "low", "high", "unit", "value_label", "computed", "as_of", "as_of_precision",
    "geography", "estimator", "status", "confidence", "series", "definition", "per_10000", "source_id", "quote", "quote_translation", "notes",
)  # fmt: skip


def figures(rows: pd.DataFrame, sources: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Figures rows (as a chart or table draws them) for download, derived values marked in `computed` and `value_label`."""
    frame = rows.assign(value_label=[value_label(row, lang) for _, row in rows.iterrows()] if len(rows) else pd.Series(dtype=object))
    frame = frame[[column for column in FIGURE_COLUMNS if column in frame]]
    return machine_frame(with_source(dated(frame, "as_of"), sources, lang), lang)


SERIES_COLUMNS = ("series_id", "period", "period_kind", "period_start", "period_end", "value", "unit", "geography", "period_complete", "computed", "source_id", "quote", "quote_translation", "notes")


def series(rows: pd.DataFrame, sources: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Encounter counts (one period each) for download: integer counts, period bounds as ISO days."""
    frame = rows[[column for column in SERIES_COLUMNS if column in rows]]
    return machine_frame(with_source(frame, sources, lang), lang)


def marked_dates(dates: pd.DataFrame, sources: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The dates a chart marks (charts.marked_dates) for download, with the number shown on the chart."""
    columns = [column for column in ("number", "date", "date_precision", "what", "label", "record_id", "source_id", "quote", QUOTE_TRANSLATION) if column in dates]
    return machine_frame(with_source(dated(dates[columns], "date"), sources, lang), lang)


RULING_COLUMNS = (
    "ruling_id", "date", "date_precision", "case_name", "case_group", "proceeding", "aea_case", "about_tda", "docket", "court_url",
    "court", "court_level", "judge", "decision", "outcome", "favoured", "related_event_ids", "confidence", "source_id", "quote", "quote_translation", "notes",
)  # fmt: skip


def rulings(rows: pd.DataFrame, sources: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Court rulings for download, with the court's own document (court_url) beside the news source."""
    frame = rows[[column for column in RULING_COLUMNS if column in rows]]
    return machine_frame(with_source(dated(frame, "date"), sources, lang), lang)


EVENT_COLUMNS = (
    "event_id", "date", "date_precision", "title", "summary", "event_type", "status", "place", "admin1", "country", "location_note",
    "lat", "lon", "geocode", "geonameid", "people_count", "people_count_kind", "people_count_label", "confidence", "source_id", "quote", "quote_translation", "notes",
)  # fmt: skip


def events(rows: pd.DataFrame, sources: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Events (as the map shows them, event_id a column or the index) for download: counts as integers, coordinates as numbers."""
    frame = rows.reset_index() if "event_id" not in rows and rows.index.name == "event_id" else rows
    frame = frame[[column for column in EVENT_COLUMNS if column in frame]]
    return machine_frame(with_source(dated(frame, "date"), sources, lang), lang)


def sources_list(sources: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The sources table for download: ISO published dates with their precision, the licence, no editor-only columns."""
    frame = dated(sources, "published") if "published" in sources else sources
    return machine_frame(frame.assign(licence=licence(lang)), lang)


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

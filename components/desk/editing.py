"""The editor's table, pure: column editors from the schema, edits applied as text, problems by cell, what readers would see.

A table is edited as text, the way it is in its CSV: components.desk.store opens it with every cell
as a string ("" for empty), and a save writes those strings back. The data editor shows numbers,
yes/no columns and closed lists as typed cells (editor_frame), and the edits it reports (its edit
state: edited_rows, added_rows, deleted_rows) are applied back onto the text (apply_edit_state), so
a cell nobody touched keeps its exact characters. Nothing here draws a widget.
"""

from __future__ import annotations

import bisect
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from streamlit import column_config as cc

from components import claims, datadocs, headlines, i18n
from components.errors import DataError
from components.i18n import N_
from components.i18n.data import english_marked, localize
from components.i18n.formats import is_missing
from components.publishing import registry
from components.schemas import DATA_FILES, ISO3_CODES, ROW_ID_SEPARATOR, TABLES, row_keys
from components.validation import Package, load_package

# Kinds of column editor.
TEXT, DATE, NUMBER, INTEGER, FLAG, CHOICE = "text", "date", "number", "integer", "flag", "choice"
TRUE, FALSE = "true", "false"  # how the CSVs write yes/no
_TYPED = {"float64": NUMBER, "Float64": NUMBER, "Int64": INTEGER, "int64": INTEGER, "bool": FLAG, "boolean": FLAG}


@dataclass(frozen=True)
class ColumnSpec:
    """How one column is edited: its kind, whether it is required, its allowed values or range, and its help."""

    name: str
    kind: str
    required: bool = False
    unique: bool = False
    options: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    help: str = ""

    @property
    def label(self) -> str:
        """The column's header in the editor: its name, with * when a value is required."""
        return f"{self.name} *" if self.required else self.name


def _plain(text: str) -> str:
    return text.replace("`", "")


def _references(table: str) -> dict[str, tuple[str, str]]:
    """column -> (table, key column) for the columns of table holding one id of another table."""
    return {key.column: (key.table, key.key) for key in TABLES[table].foreign_keys if not key.many}


def column_specs(
    table: str, lang: str = "en", frame: pd.DataFrame | None = None, choices: Mapping[str, Sequence[str]] | None = None
) -> list[ColumnSpec]:
    """One ColumnSpec per column of table, in the file's order, from its schema (components.schemas).

    choices gives the ids a reference column may take (source_id: the ids in sources.csv); frame,
    the table as text, makes a number column whose cells are not all numbers a text column, so a
    wrong value stays visible (and the validator names it) instead of showing as empty.
    """
    schema = TABLES[table].schema
    dictionary = datadocs.dictionary(TABLES[table], lang).set_index("column")
    choices = choices or {}
    specs = []
    for name, column in schema.columns.items():
        checks = {check.name: check.statistics for check in column.checks}
        kind = _TYPED.get(str(column.dtype), TEXT)
        options: tuple[str, ...] = ()
        if (column.metadata or {}).get("partial_date"):
            kind = DATE
        if "isin" in checks:
            kind, options = CHOICE, tuple(str(value) for value in checks["isin"]["allowed_values"])
        elif "iso_country" in checks:
            kind, options = CHOICE, tuple(ISO3_CODES)
        elif name in choices and name in _references(table):
            kind, options = CHOICE, tuple(dict.fromkeys(str(value) for value in choices[name]))
        low = high = None
        if "in_range" in checks:
            low, high = checks["in_range"].get("min_value"), checks["in_range"].get("max_value")
        low = checks.get("greater_than_or_equal_to", {}).get("min_value", low)
        high = checks.get("less_than_or_equal_to", {}).get("max_value", high)
        if frame is not None and name in frame and kind in (NUMBER, INTEGER, FLAG) and not _all_typed(frame[name], kind):
            kind = TEXT
        words = dictionary.loc[name] if name in dictionary.index else None
        help_text = "" if words is None else " · ".join(part for part in (_plain(str(words["description"])), _plain(str(words["rules"]))) if part)
        specs.append(ColumnSpec(name, kind, not column.nullable, "unique_values" in checks, options, low, high, help_text))
    return specs


def _all_typed(values: pd.Series, kind: str) -> bool:
    text = values.fillna("").astype(str)
    filled = text[text != ""]
    if kind == FLAG:
        return bool(filled.isin([TRUE, FALSE]).all())
    numbers = pd.to_numeric(filled, errors="coerce")
    if numbers.isna().any():
        return False
    return kind == NUMBER or bool((numbers == numbers.round()).all())


def column_config(specs: Sequence[ColumnSpec]) -> dict[str, dict]:
    """st.data_editor's column_config for the specs: select boxes, numbers with their ranges, check boxes, text."""
    config: dict[str, dict] = {}
    for spec in specs:
        common = {"label": spec.label, "help": spec.help or None}
        if spec.kind == CHOICE:
            config[spec.name] = cc.SelectboxColumn(options=list(spec.options), **common)
        elif spec.kind in (NUMBER, INTEGER):
            config[spec.name] = cc.NumberColumn(min_value=spec.low, max_value=spec.high, step=1 if spec.kind == INTEGER else None, **common)
        elif spec.kind == FLAG:
            config[spec.name] = cc.CheckboxColumn(**common)
        else:
            config[spec.name] = cc.TextColumn(**common)
    return config


def editor_frame(frame: pd.DataFrame, specs: Sequence[ColumnSpec]) -> pd.DataFrame:
    """The text table as the data editor shows it: numbers as numbers, yes/no as booleans, the rest as text (str, never categories)."""
    shown = {}
    for spec in specs:
        text = frame[spec.name].fillna("").astype(str) if spec.name in frame else pd.Series("", index=frame.index, dtype="str")
        if spec.kind == NUMBER:
            shown[spec.name] = pd.to_numeric(text.where(text != ""), errors="coerce").astype("Float64")
        elif spec.kind == INTEGER:
            shown[spec.name] = pd.to_numeric(text.where(text != ""), errors="coerce").astype("Float64").round().astype("Int64")
        elif spec.kind == FLAG:
            shown[spec.name] = text.map({TRUE: True, FALSE: False}).astype("boolean")
        else:  # missing text comes back from the editor as NaN, the str dtype's missing value
            shown[spec.name] = text.where(text != "").astype("str")
    return pd.DataFrame(shown, index=pd.RangeIndex(len(frame)))


def cell_text(value: object, spec: ColumnSpec | None = None) -> str:
    """A value from the data editor as the CSV writes it: '' for empty, true/false, 137 (not 137.0), 39.72943."""
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return TRUE if value else FALSE
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if spec is not None and spec.kind == INTEGER:
            return str(int(value)) if value.is_integer() else repr(value)
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if hasattr(value, "item"):  # numpy scalars
        return cell_text(value.item(), spec)
    return str(value)


def _positions(keys: Iterable[object]) -> list[int]:
    found = []
    for key in keys:
        try:
            found.append(int(key))
        except (TypeError, ValueError):
            continue
    return found


def apply_edit_state(frame: pd.DataFrame, state: Mapping | None, specs: Sequence[ColumnSpec]) -> pd.DataFrame:
    """The text table after the data editor's edits: cells changed, rows deleted, rows added (all-empty added rows dropped).

    state is the editor's edit state ({"edited_rows": {position: {column: value}}, "added_rows":
    [{column: value}], "deleted_rows": [position]}), positions counting rows of frame from 0.
    Columns the table does not have are ignored. The result has a fresh 0.. index.
    """
    by_name = {spec.name: spec for spec in specs}
    columns = list(frame.columns)
    rows = frame.fillna("").astype(str).to_dict("records")
    state = state or {}
    for position, cells in (state.get("edited_rows") or {}).items():
        index = _positions([position])
        if not index or not 0 <= index[0] < len(rows) or not isinstance(cells, Mapping):
            continue
        for column, value in cells.items():
            if column in by_name and column in rows[index[0]]:
                rows[index[0]][column] = cell_text(value, by_name[column])
    deleted = set(_positions(state.get("deleted_rows") or []))
    kept = [row for position, row in enumerate(rows) if position not in deleted]
    for added in state.get("added_rows") or []:
        if not isinstance(added, Mapping):
            continue
        row = {column: cell_text(added.get(column), by_name.get(column)) if column in by_name else "" for column in columns}
        if any(value.strip() for value in row.values()):
            kept.append(row)
    out = pd.DataFrame(kept, columns=columns, dtype="str").reset_index(drop=True) if kept else pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    out.attrs = dict(frame.attrs)  # the file's style (line ends, lines written another way), kept for the save
    return out


def same_text(one: pd.DataFrame, other: pd.DataFrame) -> bool:
    """Whether two text tables hold the same cells in the same order."""
    if list(one.columns) != list(other.columns) or len(one) != len(other):
        return False
    return bool((one.fillna("").astype(str).to_numpy() == other.fillna("").astype(str).to_numpy()).all())


# --------------------------------------------------------------------------------------------
# Rows, lines and record ids


def record_lines(frame: pd.DataFrame) -> list[int]:
    """The line (header = 1) on which each row of the text table starts once written as CSV (a cell may hold line breaks)."""
    lines, start = [], 2
    breaks = frame.fillna("").astype(str).apply(lambda column: column.str.count("\n")).sum(axis=1) if len(frame.columns) else pd.Series(0, index=frame.index)
    for extra in breaks.tolist():
        lines.append(start)
        start += 1 + int(extra)
    return lines


def record_ids(frame: pd.DataFrame, table: str) -> list[str]:
    """Each row's id as the change log names it: its id column (series_id/period for a series), else its line."""
    key = TABLES[table].primary_key
    if not key or not set(key) <= set(frame.columns):
        return [f"line {line}" for line in record_lines(frame)]
    text = frame[list(key)].fillna("").astype(str)
    return [ROW_ID_SEPARATOR.join(values) for values in text.itertuples(index=False, name=None)]


@dataclass(frozen=True)
class Problem:
    """One validation error where the editor can find it: file, CSV line, row of the table, record id and column."""

    file: str
    line: int
    position: int | None  # row of the edited table (0 = first data row), None in another file or for the whole file
    record_id: str
    column: str | None
    value: str | None
    rule: str
    message: str

    @property
    def in_table(self) -> bool:
        return self.position is not None


def problems(errors: Sequence[DataError], table: str, frames: Mapping[str, pd.DataFrame]) -> list[Problem]:
    """The validator's errors placed on rows: frames holds the text tables (the edited one and any other to name ids in)."""
    placed: dict[str, tuple[list[int], list[str]]] = {}
    found = []
    for error in errors:
        name = error.file[:-4] if error.file.endswith(".csv") else error.file
        position, record = None, ""
        if name in frames and name in TABLES and error.row > 1:
            if name not in placed:
                placed[name] = (record_lines(frames[name]), record_ids(frames[name], name))
            lines, ids = placed[name]
            index = bisect.bisect_right(lines, error.row) - 1
            if 0 <= index < len(lines):
                position, record = index, ids[index]
        found.append(Problem(error.file, error.row, position if name == table else None, record, error.column, error.value, error.rule, error.message))
    return found


def problem_cells(found: Iterable[Problem]) -> dict[int, set[str]]:
    """Row of the edited table -> the columns with a problem ('' when a problem is about the whole row)."""
    cells: dict[int, set[str]] = {}
    for problem in found:
        if problem.in_table:
            cells.setdefault(problem.position, set()).add(problem.column or "")
    return cells


MARK = "⚠ "  # before a wrong cell in the highlighted table: the colour is not the only sign
HIGHLIGHT = "background-color: #fde2e1; color: #7a1010; font-weight: 600"


def highlighted(frame: pd.DataFrame, found: Iterable[Problem], table: str, lang: str = "en"):
    """The rows with problems, their wrong cells marked (⚠ and a red background), with their CSV line and record id first.

    Returns a pandas Styler (st.dataframe draws its colours) over a text table, or None when no row has a problem.
    """
    cells = problem_cells(found)
    if not cells:
        return None
    pgettext = i18n.pgettext_for(lang)
    line_header, record_header = pgettext("editor table header", "line"), pgettext("editor table header", "record")
    positions = sorted(position for position in cells if 0 <= position < len(frame))
    lines, ids = record_lines(frame), record_ids(frame, table)
    shown = frame.iloc[positions].fillna("").astype(str).reset_index(drop=True)
    for row, position in enumerate(positions):
        for column in cells[position]:
            if column in shown.columns:
                shown.at[row, column] = MARK + shown.at[row, column]
    shown.insert(0, record_header, [ids[position] for position in positions])
    shown.insert(0, line_header, [lines[position] for position in positions])

    def paint(row: pd.Series) -> list[str]:
        wrong = cells[positions[row.name]]
        whole = "" in wrong
        return [HIGHLIGHT if column in wrong or (whole and column in (line_header, record_header)) else "" for column in row.index]

    return shown.style.apply(paint, axis=1)


# Short words for the validator's rules (its messages stay in English: they are the command line's too).
RULE_WORDS = {
    "required": N_("required value missing"),
    "type": N_("wrong type of value"),
    "date": N_("not a valid date"),
    "future_date": N_("date in the future"),
    "allowed_values": N_("not one of the allowed values"),
    "pattern": N_("wrong form"),
    "range": N_("out of range"),
    "unique": N_("repeated: must be unique"),
    "reference": N_("points to a row that does not exist"),
    "duplicate_row": N_("the same row twice"),
    "confidence_rule": N_("confidence higher than the source allows"),
    "max_length": N_("too long"),
}


def rule_words(rule: str, lang: str = "en") -> str:
    """A rule in a few words in lang (the rule's code when it has none)."""
    return i18n.gettext_for(lang)(RULE_WORDS[rule]) if rule in RULE_WORDS else rule


def message_text(message: str, lang: str = "en") -> str:
    """The validator's sentence, marked as English in another language."""
    if not message or i18n.normalize(lang) == i18n.DEFAULT_LANG:
        return message or ""
    return english_marked(message, lang)


# --------------------------------------------------------------------------------------------
# Reapplying an editor's changes on a version another editor saved meanwhile


@dataclass(frozen=True)
class Overlap:
    """A cell (or row) both editors changed: what it was when opened, what the other editor saved, what this editor wants."""

    record_id: str
    column: str | None  # None: the whole row
    opened: str | None
    theirs: str | None
    mine: str | None


def _keyed(frame: pd.DataFrame, table: str) -> dict[str, dict[str, str]] | None:
    ids = record_ids(frame, table)
    if not TABLES[table].primary_key or len(set(ids)) != len(ids):
        return None
    return dict(zip(ids, frame.fillna("").astype(str).to_dict("records")))


def reapply(opened: pd.DataFrame, mine: pd.DataFrame, current: pd.DataFrame, table: str) -> tuple[pd.DataFrame, list[Overlap]]:
    """This editor's changes (opened -> mine) made again on the current file, and the cells where the other editor changed the same thing.

    Rows are matched by id. A cell both changed takes this editor's value (the overlap lists the
    other's); a row the other editor removed is not brought back (listed, so nothing is lost
    silently). Tables without an id (changes.csv) are compared row by row: this editor's added
    rows are appended to the current file and its removed rows removed from it.
    """
    columns = list(current.columns)
    before, after, now = _keyed(opened, table), _keyed(mine, table), _keyed(current, table)
    overlaps: list[Overlap] = []
    if before is None or after is None or now is None:
        return _reapply_rows(opened, mine, current), overlaps
    result = dict(now)
    for record, row in after.items():
        if record in before:
            changed = [column for column in columns if row.get(column, "") != before[record].get(column, "")]
            if not changed:
                continue
            if record not in result:
                overlaps.append(Overlap(record, None, "", None, ""))
                continue
            result[record] = dict(result[record])
            for column in changed:
                theirs = result[record].get(column, "")
                if theirs not in (before[record].get(column, ""), row.get(column, "")):
                    overlaps.append(Overlap(record, column, before[record].get(column, ""), theirs, row.get(column, "")))
                result[record][column] = row.get(column, "")
        else:
            if record in result and result[record] != row:
                overlaps.append(Overlap(record, None, None, "", ""))
            result[record] = {column: row.get(column, "") for column in columns}
    for record in before:
        if record not in after and record in result:
            if result[record] != before[record]:
                overlaps.append(Overlap(record, None, "", "", None))
            del result[record]
    merged = pd.DataFrame(list(result.values()), columns=columns, dtype="str")
    merged.attrs = dict(current.attrs)
    return merged, overlaps


def _reapply_rows(opened: pd.DataFrame, mine: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    columns = list(current.columns)

    def rows(frame: pd.DataFrame) -> list[tuple]:
        return [tuple(row) for row in frame.reindex(columns=columns).fillna("").astype(str).itertuples(index=False, name=None)]

    base, wanted, now = rows(opened), rows(mine), rows(current)
    removed = list(base)
    added = []
    for row in wanted:
        if row in removed:
            removed.remove(row)
        else:
            added.append(row)
    kept = list(now)
    for row in removed:
        if row in kept:
            kept.remove(row)
    merged = pd.DataFrame(kept + added, columns=columns, dtype="str")
    merged.attrs = dict(current.attrs)
    return merged


# --------------------------------------------------------------------------------------------
# What readers would see


# The charts that may change when a table changes (the map also shows presence; the encounters chart marks rulings and milestones).
CHARTS_BY_TABLE: dict[str, tuple[str, ...]] = {
    "figures": ("membership-estimates", "annual-profits", "venezuelan-population-us", "gang-linked-migrants-in-context"),
    "series": ("cbp-venezuelan-encounters",),
    "events": ("map",),
    "presence": ("map",),
    "rulings": ("rulings-timeline", "cbp-venezuelan-encounters"),
    "milestones": ("cbp-venezuelan-encounters",),
    "claims": ("claims-by-topic",),
    "assessments": ("claims-by-topic",),
    "sources": tuple(registry.CHARTS),  # source lines
    "translations": tuple(registry.CHARTS),  # words in Spanish
    "changes": (),
}


def preview_lang(table: str, lang: str) -> str:
    """The language a preview is drawn in: the editor's, but Spanish for a change of translations."""
    return "es" if table == "translations" else i18n.normalize(lang)


def package_with(data_dir: Path, table: str, data: bytes) -> Package:
    """The whole package as it would be with table's file replaced by data: read and validated in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="tda-preview-") as folder:
        target = Path(folder)
        for name in DATA_FILES:
            source = Path(data_dir) / TABLES[name].filename
            if name == table:
                (target / TABLES[name].filename).write_bytes(data)
            elif source.is_file():
                shutil.copyfile(source, target / TABLES[name].filename)
        return load_package(target)


def localized(tables: Mapping[str, pd.DataFrame], lang: str) -> dict[str, pd.DataFrame]:
    """Every table as a reader of lang reads it."""
    return {name: localize(frame, name, lang, tables.get("translations"), tables.get("sources")) for name, frame in tables.items()}


def _figure_key(figure) -> str:
    return figure.to_json()


@dataclass(frozen=True)
class ChartPreview:
    chart_id: str
    title: str
    before: object  # plotly figures (None when the chart cannot be drawn from that side's data)
    after: object


def draw_charts(chart_ids: Iterable[str], tables: Mapping[str, pd.DataFrame], lang: str) -> dict[str, object]:
    """chart id -> the chart as readers of lang see it drawn from tables (None when it cannot be drawn from them)."""
    shown = localized(tables, lang) if i18n.normalize(lang) != i18n.DEFAULT_LANG else dict(tables)
    drawn = {}
    for chart_id in chart_ids:
        try:
            drawn[chart_id] = registry.draw(chart_id, shown, dict(tables), lang).figure
        except Exception:  # noqa: BLE001 - a chart that cannot be drawn from one side is shown as missing there
            drawn[chart_id] = None
    return drawn


def changed_charts(
    table: str, before: Mapping[str, pd.DataFrame], after: Mapping[str, pd.DataFrame], lang: str, drawn_before: Mapping[str, object] | None = None
) -> list[ChartPreview]:
    """The charts of table (CHARTS_BY_TABLE) that readers would see differently: drawn from both packages and compared.

    drawn_before, when given, holds the charts already drawn from before (draw_charts, in preview_lang): the
    tables readers see now are the same for every edit, so a page draws them once.
    """
    lang = preview_lang(table, lang)
    chart_ids = CHARTS_BY_TABLE.get(table, ())
    old_charts = dict(drawn_before) if drawn_before is not None else draw_charts(chart_ids, before, lang)
    new_charts = draw_charts(chart_ids, after, lang)
    found = []
    for chart_id in chart_ids:
        old, new = old_charts.get(chart_id), new_charts[chart_id]
        if (old is None) != (new is None) or (old is not None and _figure_key(old) != _figure_key(new)):
            found.append(ChartPreview(chart_id, registry.title(chart_id, lang), old, new))
    return found


def _cards(tables: Mapping[str, pd.DataFrame], lang: str) -> dict[str, headlines.Card]:
    shown = localized(tables, lang) if lang != i18n.DEFAULT_LANG else tables
    cards = headlines.headline_cards(shown["figures"], shown["series"], shown["rulings"], shown["sources"], lang=lang, english=tables["figures"])
    card = claims.claims_card(shown["claims"], shown["assessments"], lang=lang)
    cards += [card] if card is not None else []
    return {card.heading: card for card in cards}


@dataclass(frozen=True)
class CardChange:
    heading: str
    before: headlines.Card | None
    after: headlines.Card | None


def changed_cards(before: Mapping[str, pd.DataFrame], after: Mapping[str, pd.DataFrame], lang: str) -> list[CardChange]:
    """The overview's cards that would change (or appear, or go)."""
    old, new = _cards(before, lang), _cards(after, lang)
    return [CardChange(heading, old.get(heading), new.get(heading)) for heading in dict.fromkeys([*old, *new]) if old.get(heading) != new.get(heading)]


EDITORS_ONLY = ("editor_notes",)  # columns that never reach readers


def reader_rows(table: str, tables: Mapping[str, pd.DataFrame], record_ids: Iterable[str], lang: str) -> pd.DataFrame:
    """The rows with these ids as the loaders give them to pages (dates parsed, places geocoded, words in lang), without editors' columns."""
    frame = tables[table]
    if not TABLES[table].primary_key or frame.empty:
        return frame.iloc[0:0]
    wanted = set(record_ids)
    keys = row_keys(frame, table)
    rows = frame.loc[keys.isin(wanted).to_numpy()]
    if lang != i18n.DEFAULT_LANG:
        rows = localize(rows, table, lang, tables.get("translations"), tables.get("sources"))
    return rows.drop(columns=[column for column in EDITORS_ONLY if column in rows.columns]).reset_index(drop=True)


@dataclass
class Preview:
    """What readers would see with the change: the charts and overview cards that differ, and the changed rows as pages get them."""

    charts: list[ChartPreview] = field(default_factory=list)
    cards: list[CardChange] = field(default_factory=list)
    rows: pd.DataFrame | None = None


def preview(
    table: str, before: Mapping[str, pd.DataFrame], after: Mapping[str, pd.DataFrame], lang: str, record_ids: Iterable[str] = (), drawn_before: Mapping[str, object] | None = None
) -> Preview:
    shown = preview_lang(table, lang)
    return Preview(changed_charts(table, before, after, lang, drawn_before), changed_cards(before, after, shown), reader_rows(table, after, record_ids, shown))


def changes_frame(changes: Sequence, lang: str = "en") -> pd.DataFrame:
    """CellChanges as a table: record, column, kind, before, after (kinds in words)."""
    pgettext = i18n.pgettext_for(lang)
    kinds = {"changed": pgettext("cell change", "changed"), "added": pgettext("cell change", "added"), "removed": pgettext("cell change", "removed")}
    rows = [
        {
            "record": change.record_id,
            "column": change.column or "",
            "change": kinds.get(change.kind, change.kind),
            "before": "" if change.before is None else str(change.before),
            "after": "" if change.after is None else str(change.after),
        }
        for change in changes
    ]
    return pd.DataFrame(rows, columns=["record", "column", "change", "before", "after"])


def reference_choices(frames: Mapping[str, pd.DataFrame], table: str) -> dict[str, list[str]]:
    """For each column of table holding one id of another table, the ids that table has now (frames: text tables)."""
    found = {}
    for column, (other, key) in _references(table).items():
        if other in frames and key in frames[other]:
            found[column] = sorted(set(frames[other][key].fillna("").astype(str)) - {""})
    return found


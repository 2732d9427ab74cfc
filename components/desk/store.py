"""The editor's desk store: the CSVs of the data folder as editors open and save them, their versions and the change log.

The CSVs in the data folder stay the published truth (readers, the validator and `make site` read them).
The store keeps beside them, in a database reached through SQLAlchemy Core:
- every version of every table it has seen (the file as first seen, every save and restore), compressed with
  zlib and kept once per content (sha256);
- the change log: one row per changed cell (who, when, table, record, column, before, after, reason, version);
- the saves in progress (an intent written before any file is touched, so `recover` can finish or undo a save
  a killed process left half done);
- the sign-in throttling of components.desk.auth.

The database is SQLite in TDA_STATE_DIR (default .state/desk.sqlite3) unless TDA_DATABASE_URL names another
(postgresql://… for several app servers sharing one data folder). A save holds a lock on the whole data
package (an fcntl lock in the state folder, and a PostgreSQL advisory lock when the database is PostgreSQL)
from the check of the file's digest to the end of the write, so two saves can never both pass that check,
and the package is validated as it will be on disk.

Extra keyword arguments and fields beyond the desk's first API: SaveResult.message (why a save was refused when
it was not a validation error or a conflict), csv_bytes(..., like=bytes) and Store.open_bytes / record_seen.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from components.desk import csvfile
from components.desk.csvfile import UnreadableTable
from components.errors import DataError
from components.schemas import DATA_FILES, ROW_ID_SEPARATOR, TABLES
from components.validation import data_dir as default_data_dir
from components.validation import load_package

ROOT = Path(__file__).resolve().parents[2]
# Tables whose rows are not "published" records: editing them never asks for a public correction note.
NO_CORRECTION_TABLES = frozenset({"changes", "translations"})
# Columns readers never see: a change only there is not a correction.
EDITOR_ONLY_COLUMNS = frozenset({"editor_notes"})
# Fault injection for the crash tests: TDA_DESK_CRASH_AT=<point> ends the process at that point of a save.
CRASH_POINTS = ("after_intent", "after_temp", "after_rename", "after_log")
# Files bigger than this are kept as a version in the background when opened, and compressed faster.
RECORD_IN_BACKGROUND_BYTES = 16 * 1024 * 1024
_ADVISORY_KEY = 7_203_311_042  # the PostgreSQL advisory lock of the data package's saves

# Why a save or restore was refused (besides validation errors and conflicts): plain English sentences the Editor page translates.
NO_REASON = "Say why you made this change: the reason goes into the change log."
NO_CORRECTION = "Write the public correction note: readers have already seen these rows."
NO_CHANGES = "Nothing changed: there is nothing to save."
SAME_VERSION = "The file on disk is already this version: there is nothing to restore."
UNKNOWN_VERSION = "There is no such version of this table."
UNKNOWN_TABLE = "There is no such table in the data package."


@dataclass(frozen=True)
class Opened:
    """A table as the editor opened it."""

    table: str
    digest: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class CellChange:
    record_id: str
    column: str
    before: str | None
    after: str | None
    kind: str  # "changed" | "added" | "removed"


@dataclass(frozen=True)
class Conflict:
    current_digest: str
    theirs: list[CellChange]


@dataclass(frozen=True)
class SaveResult:
    ok: bool
    errors: list
    conflict: Conflict | None
    version_id: int | None
    changes: list[CellChange]
    message: str = ""


@dataclass(frozen=True)
class Version:
    id: int
    table: str
    digest: str
    saved_at: datetime
    editor: str
    reason: str
    size: int
    kind: str = "save"  # "first_seen" | "found_on_disk" | "save" | "restore" | "recovered"


def csv_bytes(table: str, frame: pd.DataFrame, *, like: bytes | None = None) -> bytes:
    """frame as a CSV file of table in the project's style.

    Lines of the file the frame was opened from (open_table) that were written in another style stay as
    they were while their values are unchanged; like= gives that file's bytes when the frame lost them.
    """
    style = csvfile.style_hint(like, TABLES[table].filename if table in TABLES else table) if like is not None else frame.attrs.get(csvfile.ATTRS_KEY)
    return csvfile.write(frame, style)


def _compress(data: bytes) -> bytes:
    """zlib; a big file at a faster level (3 times faster, a fifth bigger)."""
    return zlib.compress(data, 6 if len(data) <= RECORD_IN_BACKGROUND_BYTES else 1)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _crash_point(point: str) -> None:
    if os.environ.get("TDA_DESK_CRASH_AT") == point:
        os._exit(int(os.environ.get("TDA_DESK_CRASH_CODE", "75")))


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _temp_name(path: Path, save_id: int) -> Path:
    return path.with_name(f".{path.name}.desk-{save_id}.tmp")


def _write_file(path: Path, data: bytes, temp: Path, after_temp=None) -> None:
    """data to path atomically: temp file in the same folder, fsync, rename, fsync the folder."""
    with open(temp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    if after_temp:
        after_temp()
    os.replace(temp, path)
    _fsync_folder(path.parent)


def _database_url(url: str | None) -> str:
    url = url or os.environ.get("TDA_DATABASE_URL") or ""
    if not url:
        state = Path(os.environ.get("TDA_STATE_DIR") or ROOT / ".state")
        state.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{state.resolve() / 'desk.sqlite3'}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):  # psycopg 3 is the driver this project installs
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


metadata = sa.MetaData()
blobs = sa.Table(
    "desk_blobs",
    metadata,
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),  # zlib
)
versions_table = sa.Table(
    "desk_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("table_name", sa.String(64), nullable=False, index=True),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("editor", sa.String(200), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
)
changes_table = sa.Table(
    "desk_changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("editor", sa.String(200), nullable=False, index=True),
    sa.Column("table_name", sa.String(64), nullable=False, index=True),
    sa.Column("record_id", sa.Text, nullable=False),
    sa.Column("column_name", sa.String(200), nullable=False),
    sa.Column("before", sa.Text, nullable=True),
    sa.Column("after", sa.Text, nullable=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("version_id", sa.Integer, nullable=True),
    sa.Column("save_id", sa.Integer, nullable=True),
)
saves_table = sa.Table(
    "desk_saves",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("state", sa.String(20), nullable=False, index=True),  # pending | done | rolled_back | abandoned
    sa.Column("editor", sa.String(200), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # save | restore
    sa.Column("payload", sa.Text, nullable=False),  # JSON: files and change rows
)
signin_table = sa.Table(
    "desk_signin",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False, default=0),
    sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
)


_ENGINES: dict[str, sa.Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _engine(url: str) -> sa.Engine:
    with _ENGINES_LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            if url.startswith("sqlite"):
                engine = sa.create_engine(url, connect_args={"timeout": 60})

                @sa.event.listens_for(engine, "connect")
                def _sqlite_pragmas(connection, _record):
                    cursor = connection.cursor()
                    cursor.execute("PRAGMA journal_mode=WAL")
                    cursor.execute("PRAGMA synchronous=FULL")
                    cursor.close()

            else:
                engine = sa.create_engine(url, pool_pre_ping=True)
            metadata.create_all(engine)
            _ENGINES[url] = engine
        return engine


def dispose_engines() -> None:
    """Close every pooled database connection (tests stopping a database server call it)."""
    with _ENGINES_LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


def _record_ids(frame: pd.DataFrame, table: str) -> list[str]:
    """Each row's id as the change log names it: its id column (series_id/period for a series), else "line N"."""
    key = TABLES[table].primary_key if table in TABLES else ()
    if key and set(key) <= set(frame.columns):
        parts = [frame[column].tolist() for column in key]
        return [ROW_ID_SEPARATOR.join(values) for values in zip(*parts)]
    lines, start = [], 2
    breaks = [sum(cell.count("\n") for cell in row) for row in frame.itertuples(index=False, name=None)]
    for extra in breaks:
        lines.append(f"line {start}")
        start += 1 + extra
    return lines


def _row_changes(record: str, columns: list[str], before: tuple | None, after: tuple | None, before_columns: list[str] | None = None) -> list[CellChange]:
    if before is None:
        return [CellChange(record, column, None, value, "added") for column, value in zip(columns, after) if value != ""]
    if after is None:
        return [CellChange(record, column, value, None, "removed") for column, value in zip(before_columns or columns, before) if value != ""]
    old = dict(zip(before_columns or columns, before))
    return [CellChange(record, column, old.get(column, ""), value, "changed") for column, value in zip(columns, after) if old.get(column, "") != value]


def _key_series(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.Series:
    ids = frame[key[0]].astype("str")
    for column in key[1:]:
        ids = ids + ROW_ID_SEPARATOR + frame[column].astype("str")
    return ids.reset_index(drop=True)


def _keyed_diff(before: pd.DataFrame, after: pd.DataFrame, key: tuple[str, ...]) -> list[CellChange] | None:
    """The diff of two text tables with the same columns and unique ids, compared column by column in bulk
    (a big table's diff costs a few vectorised passes, and Python only for the rows that changed); None otherwise."""
    columns = list(after.columns)
    if columns != list(before.columns) or len(set(columns)) != len(columns):
        return None
    old_ids, new_ids = _key_series(before, key), _key_series(after, key)
    if not (old_ids.is_unique and new_ids.is_unique):
        return None
    old_position = pd.Series(np.arange(len(old_ids)), index=pd.Index(old_ids.to_numpy(dtype=object)))
    matched = old_position.reindex(pd.Index(new_ids.to_numpy(dtype=object))).to_numpy()
    found = ~np.isnan(matched)
    taken = pa.array(matched[found].astype(np.int64))
    found_positions = pa.array(np.flatnonzero(found))
    differs = np.zeros(len(new_ids), dtype=bool)
    if len(taken):
        mask = np.zeros(len(taken), dtype=bool)
        for column in columns:
            old_values = pc.take(csvfile.arrow_text(before[column]), taken)
            new_values = pc.take(csvfile.arrow_text(after[column]), found_positions)
            mask |= pc.not_equal(old_values, new_values).to_numpy(zero_copy_only=False)
        differs[np.flatnonzero(found)[mask]] = True
    changes: list[CellChange] = []
    for position in np.flatnonzero(differs | ~found).tolist():
        record = new_ids.iat[position]
        row = tuple(after.iloc[position].tolist())
        if found[position]:
            changes += _row_changes(record, columns, tuple(before.iloc[int(matched[position])].tolist()), row)
        else:
            changes += _row_changes(record, columns, None, row)
    gone = ~pc.is_in(csvfile.arrow_text(old_ids), value_set=csvfile.arrow_text(new_ids)).to_numpy(zero_copy_only=False)
    for position in np.flatnonzero(gone).tolist():
        changes += _row_changes(old_ids.iat[position], columns, tuple(before.iloc[position].tolist()), None)
    return changes


def diff_frames(table: str, before: pd.DataFrame, after: pd.DataFrame) -> list[CellChange]:
    """Every cell that differs, by record id (row order for a table without an id column)."""
    before, after = csvfile.text_frame(before), csvfile.text_frame(after)
    columns, before_columns = list(after.columns), list(before.columns)
    key = TABLES[table].primary_key if table in TABLES else ()
    changes: list[CellChange] = []
    if key and set(key) <= set(before.columns) and set(key) <= set(after.columns):
        fast = _keyed_diff(before, after, key)
        if fast is not None:
            return fast
    old_rows = list(before.itertuples(index=False, name=None))
    new_rows = list(after.itertuples(index=False, name=None))
    if key and set(key) <= set(before.columns) and set(key) <= set(after.columns):
        old_ids, new_ids = _record_ids(before, table), _record_ids(after, table)

        def occurrences(ids):
            seen: dict[str, int] = {}
            keyed = []
            for record in ids:
                seen[record] = seen.get(record, 0) + 1
                keyed.append((record, seen[record]))
            return keyed

        old = dict(zip(occurrences(old_ids), old_rows))
        new_keys = occurrences(new_ids)
        for keyed, row in zip(new_keys, new_rows):
            previous = old.get(keyed)
            if previous is None:
                changes += _row_changes(keyed[0], columns, None, row)
            elif previous != row or columns != before_columns:
                changes += _row_changes(keyed[0], columns, previous, row, before_columns)
        present = set(new_keys)
        for keyed, row in old.items():
            if keyed not in present:
                changes += _row_changes(keyed[0], columns, row, None, before_columns)
        return changes
    old_ids, new_ids = _record_ids(before, table), _record_ids(after, table)
    matcher = SequenceMatcher(None, old_rows, new_rows, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal" and columns == before_columns:
            continue
        paired = min(old_end - old_start, new_end - new_start)
        for offset in range(paired):
            changes += _row_changes(new_ids[new_start + offset], columns, old_rows[old_start + offset], new_rows[new_start + offset], before_columns)
        for position in range(new_start + paired, new_end):
            changes += _row_changes(new_ids[position], columns, None, new_rows[position])
        for position in range(old_start + paired, old_end):
            changes += _row_changes(old_ids[position], columns, old_rows[position], None, before_columns)
    return changes


class _PackageLock:
    """The lock around check-digest-validate-write: an fcntl lock in the state folder (every process and thread of
    this machine) and, on PostgreSQL, an advisory lock (every app server sharing the database)."""

    def __init__(self, store: "Store"):
        self.store = store
        self.handle = None
        self.connection = None

    def __enter__(self):
        held = getattr(self.store._held, "depth", 0)
        if held:  # this thread holds it already (a nested call): nothing more to take
            self.store._held.depth = held + 1
            return self
        path = self.store.lock_path
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            if self.store.engine.dialect.name == "postgresql":
                self.connection = self.store.engine.connect()
                self.connection.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": _ADVISORY_KEY})
                self.connection.commit()
        except BaseException:
            if self.connection is not None:
                self.connection.close()
                self.connection = None
            handle.close()  # closing the file releases the flock
            raise
        self.handle = handle
        self.store._held.depth = 1
        return self

    def __exit__(self, *exc):
        self.store._held.depth -= 1
        if self.handle is None:
            return False
        try:
            if self.connection is not None:
                with contextlib.suppress(Exception):
                    self.connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": _ADVISORY_KEY})
                    self.connection.commit()
                self.connection.close()
        finally:
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None
        return False


def _refused(message: str, file: str = "", rule: str = "refused", changes: list | None = None, errors: list | None = None) -> SaveResult:
    return SaveResult(False, list(errors or []), None, None, list(changes or []), message)


PARSED_TABLES = 24  # text tables kept parsed per store, by content
PARSED_BYTES = 512 * 1024 * 1024  # at most this much CSV behind them (the newest is always kept)


def _shallow(frame: pd.DataFrame) -> pd.DataFrame:
    copy = frame.copy(deep=False)
    copy.attrs = {csvfile.ATTRS_KEY: frame.attrs[csvfile.ATTRS_KEY]}
    return copy


class Store:
    """The desk's store for one data folder and one database (see the module docstring)."""

    def __init__(self, url: str | None = None, data_dir: Path | None = None):
        self.url = _database_url(url)
        self.data_dir = Path(data_dir).resolve() if data_dir is not None else default_data_dir()
        self.engine = _engine(self.url)
        state = Path(os.environ.get("TDA_STATE_DIR") or ROOT / ".state")
        folder_key = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:16]
        self.state_dir = state
        self.lock_path = state / "locks" / f"data-{folder_key}.lock"
        self._parsed: OrderedDict[tuple[str, str], tuple[pd.DataFrame, dict]] = OrderedDict()
        self._parsed_lock = threading.Lock()
        self._held = threading.local()  # how deep this thread is in the package lock

    # ---------------------------------------------------------------- files

    def path(self, table: str) -> Path:
        self._known(table)
        return self.data_dir / TABLES[table].filename

    @staticmethod
    def _known(table: str) -> None:
        if table not in TABLES:
            raise KeyError(f"{table!r} is not a table of the data package (one of {', '.join(DATA_FILES)})")

    def open_bytes(self, table: str) -> bytes:
        """The table's file as it is on disk now."""
        return self.path(table).read_bytes()

    def _frame_of(self, table: str, data: bytes, digest: str) -> pd.DataFrame:
        """The text table of these bytes, parsed once per content (pandas copy-on-write keeps the cached one intact)."""
        key = (table, digest)
        with self._parsed_lock:
            entry = self._parsed.get(key)
            if entry is not None:
                self._parsed.move_to_end(key)
                return _shallow(entry[0])
        frame = csvfile.read_frame(data, TABLES[table].filename)
        with self._parsed_lock:
            self._parsed[key] = (frame, len(data))
            while len(self._parsed) > 1 and (len(self._parsed) > PARSED_TABLES or sum(size for _, size in self._parsed.values()) > PARSED_BYTES):
                self._parsed.popitem(last=False)
        return _shallow(frame)

    def open_table(self, table: str) -> Opened:
        """The table as on disk now: every cell as text, its digest the base of a later save's conflict check.

        Raises csvfile.UnreadableTable (naming file, line and problem) when the file is not a readable CSV table.
        """
        data = self.open_bytes(table)
        digest = csvfile.digest(data)
        frame = self._frame_of(table, data, digest)
        if len(data) <= RECORD_IN_BACKGROUND_BYTES:
            self.record_seen(table, data, digest)
        else:  # a big file is kept as a version without making the editor wait (a save keeps it anyway before writing)
            threading.Thread(target=self._record_quietly, args=(table, data, digest), daemon=True, name=f"desk-record-{table}").start()
        return Opened(table, digest, frame)

    def _record_quietly(self, table: str, data: bytes, digest: str) -> None:
        with contextlib.suppress(Exception):
            self.record_seen(table, data, digest)

    def _cached_frame(self, table: str, digest: str) -> pd.DataFrame | None:
        with self._parsed_lock:
            entry = self._parsed.get((table, digest))
            return None if entry is None else entry[0]

    def diff(self, table: str, before: pd.DataFrame, after: pd.DataFrame) -> list[CellChange]:
        self._known(table)
        return diff_frames(table, before, after)

    # ---------------------------------------------------------------- validation

    def _check_files(self, replacements: dict[str, bytes]) -> list[DataError]:
        """The validator's errors for the package with these tables' bytes replaced (nothing written in the data folder)."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="check-", dir=self.state_dir) as folder:
            folder = Path(folder)
            for name, table in TABLES.items():
                target = folder / table.filename
                if name in replacements:
                    target.write_bytes(replacements[name])
                    continue
                source = self.data_dir / table.filename
                if not source.exists():
                    continue
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copyfile(source, target)
            return list(load_package(folder).errors)

    def check(self, table: str, frame: pd.DataFrame) -> list:
        """The validator's errors for the whole package with this table replaced by frame; [] when valid. Writes nothing."""
        self._known(table)
        data = self.path(table).read_bytes() if self.path(table).exists() else None
        return self._check_files({table: csv_bytes(table, frame, like=data) if data is not None else csv_bytes(table, frame)})

    # ---------------------------------------------------------------- corrections

    def needs_correction(self, table: str, changes: list[CellChange]) -> bool:
        """True when a changed or removed row readers have already seen (in the table as last saved) is among changes."""
        self._known(table)
        if table in NO_CORRECTION_TABLES or not TABLES[table].primary_key:
            return False
        touched = {change.record_id for change in changes if change.kind in ("changed", "removed") and not (change.kind == "changed" and change.column in EDITOR_ONLY_COLUMNS)}
        if not touched:
            return False
        current = self.open_table(table)
        return bool(touched & set(_record_ids(current.frame, table)))

    def _correction_rows(self, table: str, changes: list[CellChange], correction: str, published: set[str]) -> list[list[str]]:
        rows, seen = [], set()
        today = date.today().isoformat()
        for change in changes:
            if change.record_id in seen or change.record_id not in published or change.kind == "added":
                continue
            if change.kind == "changed" and change.column in EDITOR_ONLY_COLUMNS:
                continue
            seen.add(change.record_id)
            removed = all(other.kind == "removed" for other in changes if other.record_id == change.record_id)
            rows.append([today, TABLES[table].filename, change.record_id, "removed" if removed else "corrected", correction])
        return rows

    # ---------------------------------------------------------------- versions

    def _store_blob(self, connection, data: bytes, digest: str, compressed: bytes | None = None) -> None:
        exists = connection.execute(sa.select(blobs.c.digest).where(blobs.c.digest == digest)).first()
        if exists is None:
            try:
                with connection.begin_nested():
                    connection.execute(blobs.insert().values(digest=digest, size=len(data), data=compressed if compressed is not None else _compress(data)))
            except sa.exc.IntegrityError:
                pass  # another process stored the same bytes meanwhile

    def _latest_version(self, connection, table: str):
        return connection.execute(
            sa.select(versions_table).where(versions_table.c.table_name == table).order_by(versions_table.c.id.desc()).limit(1)
        ).first()

    def record_seen(self, table: str, data: bytes | None = None, digest: str | None = None) -> int | None:
        """Keep the file's bytes as a version when the store has not seen them as the table's latest (the shipped file
        on first use, or a file changed outside the desk). Returns the version id, None when already the latest.

        Recorded under the package lock and only while the file still holds these bytes and no save of the table is
        pending, so a save in progress is never mistaken for a change made outside the desk."""
        if data is None:
            path = self.path(table)
            if not path.exists():
                return None
            data = path.read_bytes()
        digest = digest or csvfile.digest(data)
        with self.engine.connect() as connection:
            latest = self._latest_version(connection, table)
            if latest is not None and latest.digest == digest:
                return None
            stored = connection.execute(sa.select(blobs.c.digest).where(blobs.c.digest == digest)).first() is not None
        compressed = None if stored else _compress(data)  # the slow part, before the lock
        with _PackageLock(self):
            path = self.path(table)
            if not path.exists() or csvfile.digest(path.read_bytes()) != digest:
                return None  # changed again meanwhile: the newer bytes are recorded when next seen
            with self.engine.begin() as connection:
                if self._pending_tables(connection) & {table}:
                    return None  # an interrupted save: recover() settles it
                latest = self._latest_version(connection, table)
                if latest is not None and latest.digest == digest:
                    return None
                self._store_blob(connection, data, digest, compressed)
                kind, reason = ("first_seen", "The file as the desk first found it") if latest is None else ("found_on_disk", "The file as found on disk, changed outside the desk")
                result = connection.execute(
                    versions_table.insert().values(table_name=table, digest=digest, saved_at=_now(), editor="", reason=reason, size=len(data), kind=kind)
                )
                return int(result.inserted_primary_key[0])

    def _pending_tables(self, connection) -> set[str]:
        rows = connection.execute(sa.select(saves_table.c.payload).where(saves_table.c.state == "pending")).all()
        return {entry["table"] for row in rows for entry in json.loads(row.payload)["files"]}

    def versions(self, table: str) -> list[Version]:
        """Every version of the table the store keeps, newest first (the file as first seen included)."""
        self._known(table)
        self.record_seen(table)
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(versions_table).where(versions_table.c.table_name == table).order_by(versions_table.c.id.desc())).all()
        return [Version(row.id, row.table_name, row.digest, _utc(row.saved_at), row.editor, row.reason, int(row.size), row.kind) for row in rows]

    def _blob(self, connection, digest: str) -> bytes | None:
        row = connection.execute(sa.select(blobs.c.data).where(blobs.c.digest == digest)).first()
        return None if row is None else zlib.decompress(row.data)

    def version_bytes(self, version_id: int) -> bytes:
        """The exact bytes of a version (KeyError when there is none)."""
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(versions_table.c.digest).where(versions_table.c.id == int(version_id))).first()
            if row is None:
                raise KeyError(f"no version {version_id}")
            data = self._blob(connection, row.digest)
        if data is None:
            raise KeyError(f"the bytes of version {version_id} are missing")
        return data

    def bytes_of_digest(self, digest: str) -> bytes | None:
        with self.engine.connect() as connection:
            return self._blob(connection, digest)

    # ---------------------------------------------------------------- history

    def history(self, *, table=None, record_id=None, editor=None, since=None, until=None, limit=1000) -> pd.DataFrame:
        """The change log, newest first: one row per changed cell."""
        query = sa.select(changes_table)
        if table:
            query = query.where(changes_table.c.table_name == table)
        if record_id:
            query = query.where(changes_table.c.record_id == str(record_id))
        if editor:
            query = query.where(changes_table.c.editor == str(editor))
        if since is not None:
            start = since if isinstance(since, datetime) else datetime.combine(since, time.min, timezone.utc)
            query = query.where(changes_table.c.at >= _as_bound(self, _utc(start)))
        if until is not None:
            end = until if isinstance(until, datetime) else datetime.combine(until, time.min, timezone.utc) + timedelta(days=1)
            operator = changes_table.c.at <= _as_bound(self, _utc(end)) if isinstance(until, datetime) else changes_table.c.at < _as_bound(self, _utc(end))
            query = query.where(operator)
        query = query.order_by(changes_table.c.id.desc()).limit(int(limit) if limit else None)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        columns = ["change_id", "at", "editor", "table", "record_id", "column", "before", "after", "kind", "reason", "version_id"]
        frame = pd.DataFrame(
            [(row.id, _utc(row.at), row.editor, row.table_name, row.record_id, row.column_name, row.before, row.after, row.kind, row.reason, row.version_id) for row in rows],
            columns=columns,
        )
        frame["at"] = pd.to_datetime(frame["at"], utc=True)
        frame["change_id"] = frame["change_id"].astype("Int64")
        frame["version_id"] = frame["version_id"].astype("Int64")
        for column in ("editor", "table", "record_id", "column", "kind", "reason"):
            frame[column] = frame[column].astype("str")
        for column in ("before", "after"):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
        return frame

    # ---------------------------------------------------------------- saving

    def save(self, table: str, frame: pd.DataFrame, *, base_digest: str, editor: str, reason: str, correction: str | None = None) -> SaveResult:
        """Save frame as the table's file (see the module docstring); refused, writing nothing, when anything is wrong."""
        self._known(table)
        reason = (reason or "").strip()
        correction = (correction or "").strip() or None
        if not reason:
            return _refused(NO_REASON)
        with _PackageLock(self):
            path = self.path(table)
            current = path.read_bytes()
            current_digest = csvfile.digest(current)
            if current_digest != base_digest:
                return SaveResult(False, [], self._conflict(table, base_digest, current, current_digest), None, [])
            base = self._frame_of(table, current, current_digest)
            changes = diff_frames(table, base, frame)
            if not changes:
                return _refused(NO_CHANGES)
            new = csv_bytes(table, frame, like=current)
            files = {table: (current, new)}
            published = set(_record_ids(base, table))
            correction_needed = table not in NO_CORRECTION_TABLES and bool(TABLES[table].primary_key) and any(
                change.record_id in published and change.kind in ("changed", "removed") and not (change.kind == "changed" and change.column in EDITOR_ONLY_COLUMNS)
                for change in changes
            )
            if correction_needed and not correction:
                return _refused(NO_CORRECTION, changes=changes)
            log = [(table, change) for change in changes]
            if correction_needed:
                rows = self._correction_rows(table, changes, correction, published)
                old_changes = self.path("changes").read_bytes()
                new_changes = csvfile.append_rows(old_changes, rows)
                files["changes"] = (old_changes, new_changes)
                old_frame = self._frame_of("changes", old_changes, csvfile.digest(old_changes))
                new_frame = csvfile.read_frame(new_changes, "changes.csv")
                log += [("changes", change) for change in diff_frames("changes", old_frame, new_frame)]
            errors = self._check_files({name: pair[1] for name, pair in files.items()})
            if errors:
                return SaveResult(False, errors, None, None, changes)
            version_ids = self._commit(files, log, editor=editor, reason=reason, kind="save")
        return SaveResult(True, [], None, version_ids[table], changes)

    def _conflict(self, table: str, base_digest: str, current: bytes, current_digest: str) -> Conflict:
        base_frame = self._cached_frame(table, base_digest)
        if base_frame is None:
            base = self.bytes_of_digest(base_digest)
            if base is None:
                return Conflict(current_digest, [])
            base_frame = self._frame_of(table, base, base_digest)
        try:
            theirs = diff_frames(table, base_frame, self._frame_of(table, current, current_digest))
        except UnreadableTable:
            theirs = []
        return Conflict(current_digest, theirs)

    def restore(self, table: str, version_id: int, *, editor: str, reason: str) -> SaveResult:
        """The exact bytes of an earlier version back on disk, validated first, logged as a change."""
        self._known(table)
        reason = (reason or "").strip()
        if not reason:
            return _refused(NO_REASON)
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(versions_table).where(versions_table.c.id == int(version_id))).first()
        if row is None or row.table_name != table:
            return _refused(UNKNOWN_VERSION)
        data = self.version_bytes(version_id)
        with _PackageLock(self):
            current = self.path(table).read_bytes()
            current_digest = csvfile.digest(current)
            if current_digest == row.digest:
                return _refused(SAME_VERSION)
            try:
                changes = diff_frames(table, self._frame_of(table, current, current_digest), self._frame_of(table, data, row.digest))
            except UnreadableTable:
                changes = []
            errors = self._check_files({table: data})
            if errors:
                return SaveResult(False, errors, None, None, changes)
            log = [(table, change) for change in changes] or [(table, CellChange("", "", current_digest[:12], row.digest[:12], "restored"))]
            version_ids = self._commit({table: (current, data)}, log, editor=editor, reason=reason, kind="restore", restored_from=int(version_id))
        return SaveResult(True, [], None, version_ids[table], changes)

    def _commit(self, files: dict[str, tuple[bytes, bytes]], log: list[tuple[str, CellChange]], *, editor: str, reason: str, kind: str, restored_from: int | None = None) -> dict[str, int]:
        """Intent, files, log: the part of a save that writes. Called with the package lock held."""
        at = _now()
        with self.engine.begin() as connection:
            for name, (old, new) in files.items():
                old_digest = csvfile.digest(old)
                latest = self._latest_version(connection, name)
                if latest is None or latest.digest != old_digest:  # the previous bytes are kept before anything changes
                    self._store_blob(connection, old, old_digest)
                    connection.execute(
                        versions_table.insert().values(
                            table_name=name, digest=old_digest, saved_at=at, editor="", size=len(old),
                            reason="The file as the desk first found it" if latest is None else "The file as found on disk, changed outside the desk",
                            kind="first_seen" if latest is None else "found_on_disk",
                        )
                    )
                self._store_blob(connection, new, csvfile.digest(new))
            payload = {
                "files": [
                    {"table": name, "old": csvfile.digest(old), "new": csvfile.digest(new), "size": len(new)} for name, (old, new) in files.items()
                ],
                "changes": [[name, c.record_id, c.column, c.before, c.after, c.kind] for name, c in log],
                "at": at.isoformat(),
                "restored_from": restored_from,
            }
            save_id = int(
                connection.execute(
                    saves_table.insert().values(created_at=at, state="pending", editor=editor, reason=reason, kind=kind, payload=json.dumps(payload))
                ).inserted_primary_key[0]
            )
        _crash_point("after_intent")
        for name, (_, new) in files.items():
            path = self.path(name)
            _write_file(path, new, _temp_name(path, save_id), after_temp=lambda: _crash_point("after_temp"))
            _crash_point("after_rename")
        version_ids = self._complete(save_id, payload, editor, reason, kind)
        _crash_point("after_log")
        return version_ids

    def _complete(self, save_id: int, payload: dict, editor: str, reason: str, kind: str, state: str = "done") -> dict[str, int]:
        """The new versions and the change log of a save whose files are on disk, and its intent marked done, in one transaction."""
        at = datetime.fromisoformat(payload["at"])
        version_ids: dict[str, int] = {}
        with self.engine.begin() as connection:
            still = connection.execute(sa.select(saves_table.c.state).where(saves_table.c.id == save_id)).scalar_one()
            if still != "pending":
                rows = connection.execute(sa.select(changes_table.c.table_name, changes_table.c.version_id).where(changes_table.c.save_id == save_id).distinct()).all()
                return {row.table_name: row.version_id for row in rows}
            for entry in payload["files"]:
                version_kind = "recovered" if state == "recovered" else ("restore" if kind == "restore" else "save")
                version_ids[entry["table"]] = int(
                    connection.execute(
                        versions_table.insert().values(
                            table_name=entry["table"], digest=entry["new"], saved_at=at, editor=editor, reason=reason, size=int(entry["size"]), kind=version_kind
                        )
                    ).inserted_primary_key[0]
                )
            rows = [
                {
                    "at": at, "editor": editor, "table_name": name, "record_id": record, "column_name": column,
                    "before": before, "after": after, "kind": change_kind, "reason": reason,
                    "version_id": version_ids.get(name), "save_id": save_id,
                }
                for name, record, column, before, after, change_kind in payload["changes"]
            ]
            for start in range(0, len(rows), 1000):
                connection.execute(changes_table.insert(), rows[start : start + 1000])
            connection.execute(saves_table.update().where(saves_table.c.id == save_id).values(state="done"))
        return version_ids

    # ---------------------------------------------------------------- recovery

    def recover(self) -> list[str]:
        """Finish or roll back every save a stopped process left half done, so the files on disk and the log agree.

        Returns one plain sentence for each thing it did ([] when there was nothing to do).
        """
        said: list[str] = []
        with _PackageLock(self):
            with self.engine.connect() as connection:
                pending = connection.execute(sa.select(saves_table).where(saves_table.c.state == "pending").order_by(saves_table.c.id)).all()
            for intent in pending:
                said.append(self._recover_one(intent))
            said += self._remove_stray_temp_files()
            self._remove_old_check_folders()
        return said

    def _remove_old_check_folders(self, older_than: float = 3600.0) -> None:
        """The validation folders of checks a stopped process left behind (copies only, never the data)."""
        import time as clock

        for folder in self.state_dir.glob("check-*"):
            with contextlib.suppress(OSError):
                if folder.is_dir() and clock.time() - folder.stat().st_mtime > older_than:
                    shutil.rmtree(folder, ignore_errors=True)

    def _recover_one(self, intent) -> str:
        payload = json.loads(intent.payload)
        files = payload["files"]
        names = ", ".join(TABLES[entry["table"]].filename for entry in files)
        on_disk = {}
        for entry in files:
            path = self.path(entry["table"])
            on_disk[entry["table"]] = csvfile.digest(path.read_bytes()) if path.exists() else ""
        new = [entry for entry in files if on_disk[entry["table"]] == entry["new"]]
        old = [entry for entry in files if on_disk[entry["table"]] == entry["old"]]
        count = len(payload["changes"])
        who = intent.editor or "an editor"
        if new and len(new) + len(old) == len(files):
            for entry in old:  # a save of two files stopped between them: the second is written from the stored bytes
                data = self.bytes_of_digest(entry["new"])
                path = self.path(entry["table"])
                _write_file(path, data, _temp_name(path, intent.id))
            self._complete(intent.id, payload, intent.editor, intent.reason, intent.kind, state="recovered")
            self._remove_temp_files(intent.id, files)
            return f"A save of {names} by {who} was interrupted after the new file was written; it was completed and its {count} changes are in the change log."
        self._remove_temp_files(intent.id, files)
        if len(old) == len(files):
            self._mark(intent.id, "rolled_back")
            return f"A save of {names} by {who} was interrupted before the file was replaced; the file on disk is still the version before it, and nothing of that save is in the change log."
        self._mark(intent.id, "abandoned")
        return f"A save of {names} by {who} was interrupted, and the file on disk has changed since in another way; the file was left as it is and that save is not in the change log."

    def _mark(self, save_id: int, state: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(saves_table.update().where(saves_table.c.id == save_id).values(state=state))

    def _remove_temp_files(self, save_id: int, files: list[dict]) -> None:
        for entry in files:
            temp = _temp_name(self.path(entry["table"]), save_id)
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()

    def _remove_stray_temp_files(self) -> list[str]:
        said = []
        with self.engine.connect() as connection:
            pending = {row.id for row in connection.execute(sa.select(saves_table.c.id).where(saves_table.c.state == "pending")).all()}
        for temp in sorted(self.data_dir.glob(".*.desk-*.tmp")):
            try:
                save_id = int(temp.name.rsplit(".desk-", 1)[1].split(".", 1)[0])
            except (IndexError, ValueError):
                continue
            if save_id in pending:
                continue
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
                said.append(f"A leftover temporary file of an interrupted save ({temp.name}) was removed; the data files were not touched.")
        return said

    # ---------------------------------------------------------------- sign-in throttling (components.desk.auth)

    def signin_claim(self, name: str, now: datetime, wait_if_failed: float) -> tuple[bool, int, datetime | None, datetime | None]:
        """Take the right to check one password for name now: (allowed, failures so far, next_try_at, locked_until).

        When allowed, the next try is already pushed back as if this one fails (so parallel tries are throttled too);
        signin_result settles it.
        """
        name = name[:200]
        with self.engine.begin() as connection:
            try:
                with connection.begin_nested():
                    connection.execute(signin_table.insert().values(name=name, failures=0, next_try_at=None, locked_until=None))
            except sa.exc.IntegrityError:
                pass
            row = connection.execute(sa.select(signin_table).where(signin_table.c.name == name)).first()
            failures, next_try, locked = int(row.failures), _utc(row.next_try_at), _utc(row.locked_until)
            if locked is not None and locked > now:
                return False, failures, next_try, locked
            if next_try is not None and next_try > now:
                return False, failures, next_try, None
            if locked is not None:
                failures = 0  # a lock-out that has ended starts the count again
            pushed = now + timedelta(seconds=wait_if_failed * (2 ** failures))
            condition = sa.and_(
                signin_table.c.name == name,
                sa.or_(signin_table.c.next_try_at.is_(None), signin_table.c.next_try_at <= _as_bound(self, now)),
                sa.or_(signin_table.c.locked_until.is_(None), signin_table.c.locked_until <= _as_bound(self, now)),
            )
            claimed = connection.execute(signin_table.update().where(condition).values(next_try_at=_as_bound(self, pushed), failures=failures, locked_until=None)).rowcount
            return bool(claimed), failures, pushed, None

    def signin_result(self, name: str, ok: bool, now: datetime, base_delay: float, max_failures: int, lockout: timedelta) -> tuple[float, datetime | None]:
        """Record the outcome of a checked password: (seconds before the next try, locked until)."""
        name = name[:200]
        with self.engine.begin() as connection:
            if ok:
                connection.execute(signin_table.update().where(signin_table.c.name == name).values(failures=0, next_try_at=None, locked_until=None))
                return 0.0, None
            row = connection.execute(sa.select(signin_table).where(signin_table.c.name == name)).first()
            failures = (int(row.failures) if row else 0) + 1
            if failures >= max_failures:
                until = now + lockout
                connection.execute(signin_table.update().where(signin_table.c.name == name).values(failures=failures, next_try_at=_as_bound(self, until), locked_until=_as_bound(self, until)))
                return lockout.total_seconds(), until
            wait = base_delay * (2 ** (failures - 1))
            connection.execute(signin_table.update().where(signin_table.c.name == name).values(failures=failures, next_try_at=_as_bound(self, now + timedelta(seconds=wait))))
            return wait, None

    def signin_reset(self, name: str | None = None) -> None:
        """Forget the failed sign-ins of name (of every name when None)."""
        with self.engine.begin() as connection:
            query = signin_table.delete()
            if name is not None:
                query = query.where(signin_table.c.name == name[:200])
            connection.execute(query)


def _as_bound(store: Store, value: datetime | None):
    """A UTC datetime as the database compares it (SQLite keeps no time zone: naive UTC)."""
    if value is None:
        return None
    value = value.astimezone(timezone.utc)
    return value.replace(tzinfo=None) if store.engine.dialect.name == "sqlite" else value

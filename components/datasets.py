"""The only code that opens data/: load, validate and cache the package; keep serving the last good data.

The cache follows content: the package is keyed on a sha256 of every table file (its short
form is the data version, see data_version()), re-hashed whenever a file's size, times or
inode change and at least every HASH_TTL_SECONDS otherwise, so an edit that keeps the size and
restores the modification time (``cp -p``, sync tools) still shows on the next rerun.

A changed package is read and validated once, in st.cache_data shared by every session (its
per-key lock makes concurrent sessions wait for the one computing it). A failed load keeps no
frames, only its errors, capped (MAX_ERRORS_PER_FILE, MAX_ERRORS).

When the files on disk are invalid, readers keep seeing the last good data: kept in memory and
in a snapshot on disk, so a restart keeps it too. The snapshot is data only, never code (no
pickle): one Arrow IPC file per prepared table plus a JSON manifest, checked against the schemas
when it is read back and ignored, with a reason for editors (DataState.snapshot_problem), when it
does not pass.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import stat as stat_module
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.ipc as pa_ipc
import streamlit as st

from components import i18n
from components.errors import DataError
from components.i18n.data import localize
from components.schemas import TABLES
from components.validation import ROOT, Package, cross_table_errors, data_dir, empty_tables, load_package

log = logging.getLogger(__name__)

HASH_TTL_SECONDS = 2.0  # an unchanged-looking file is hashed again at least this often ...
HASH_DUTY = 20  # ... or, for a file that takes long to hash, after this many times its hashing time (a 200 MB file: ~8 s)
VERSION_LENGTH = 12  # hex characters of data_version()
MAX_ERRORS_PER_FILE = 200  # errors kept per file after a failed load (then one too_many_errors summary) ...
MAX_ERRORS = 1000  # ... and in all (DataState.error_count has the full count)
ROW_LOSS_SHARE = 0.20  # warn editors when a table loses more than this share of its rows ...
ROW_LOSS_MIN_ROWS = 5  # ... and more than this many rows, compared with the last good data

SNAPSHOT_FORMAT = "tda-last-good"
SNAPSHOT_FORMAT_VERSION = 1
_MAX_MANIFEST_BYTES = 1_000_000


# --------------------------------------------------------------------------------------------
# Content hashes: the cache key and the data version


def _snapshot_dir() -> Path:
    return Path(os.environ.get("TDA_CACHE_DIR") or ROOT / ".cache").resolve()


_digests: dict[str, tuple[tuple, float, str, float]] = {}  # path -> (stat signature, hashed at, digest, seconds it took)
_digests_lock = threading.Lock()
_hashing: dict[str, threading.Lock] = {}  # path -> held while that file is being hashed


def _stat_signature(stat: os.stat_result) -> tuple:
    # ctime moves on every write and on utime, so a restored mtime is still seen at once;
    # the TTL below covers file systems where it does not.
    return (stat.st_mtime_ns, stat.st_size, stat.st_ctime_ns, stat.st_ino, stat.st_dev)


def _file_digest(path: Path) -> str:
    """sha256 of a table file, or a marker for a missing, unreadable or non-regular file.

    Only regular files are read (a FIFO or device named like a table is never opened here).
    """
    try:
        stat = path.stat()
    except OSError:
        return "missing"
    if not stat_module.S_ISREG(stat.st_mode):
        return "not-a-regular-file"
    signature = _stat_signature(stat)
    key = str(path)
    with _digests_lock:
        memo = _digests.get(key)
        file_lock = _hashing.setdefault(key, threading.Lock())
    if _fresh(memo, signature):
        return memo[2]
    with file_lock:  # many sessions rerunning at once hash a big file once, not once each
        with _digests_lock:
            memo = _digests.get(key)
        if _fresh(memo, signature):
            return memo[2]
        started = time.monotonic()
        try:
            # O_NONBLOCK: a file swapped for a FIFO since the stat above does not block the open.
            descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            return "unreadable"
        with os.fdopen(descriptor, "rb") as handle:
            opened = os.fstat(descriptor)
            if not stat_module.S_ISREG(opened.st_mode):
                return "not-a-regular-file"
            signature = _stat_signature(opened)
            try:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
            except OSError:
                return "unreadable"
        with _digests_lock:
            _digests[key] = (signature, started, digest, time.monotonic() - started)
    return digest


def _fresh(memo: tuple | None, signature: tuple) -> bool:
    """Whether a remembered digest still stands: same stat, and hashed less than the TTL ago (longer for a slow file)."""
    if memo is None or memo[0] != signature:
        return False
    return time.monotonic() - memo[1] < max(HASH_TTL_SECONDS, HASH_DUTY * memo[3])


def files_signature(directory: Path) -> tuple:
    """(file name, sha256 of its content) for every table file: the cache key of the package.

    A missing, unreadable or non-regular file has a marker instead of a digest.
    """
    return tuple((table.filename, _file_digest(directory / table.filename)) for table in TABLES.values())


def _version_of(signature: tuple) -> str:
    combined = hashlib.sha256("".join(f"{name}\t{digest}\n" for name, digest in signature).encode())
    return combined.hexdigest()[:VERSION_LENGTH]


def data_version(directory: Path | None = None) -> str:
    """The data version of the table files on disk now: 12 hex characters of a sha256 of their contents.

    Stable: the same contents give the same version in any folder, at any time, whatever the
    files' time stamps; one changed cell gives another. Cheap to call on every rerun (files are
    re-hashed only when their stat changes, or every HASH_TTL_SECONDS). This is the version of
    the files on disk, valid or not; DataState.version is the version of the data served.
    """
    return _version_of(files_signature(Path(directory) if directory is not None else data_dir()))


# --------------------------------------------------------------------------------------------
# Loading, once per content


@dataclass
class _Loaded:
    """One load of one version of the files: the package (no frames when invalid) and the full error count."""

    package: Package
    error_count: int = 0


def _summarised(error: DataError) -> int:
    """How many errors a too_many_errors summary of the validator stands for."""
    found = re.search(r"(\d+) more", error.message)
    return int(found.group(1)) if found else 1


def _error_count(errors: list[DataError]) -> int:
    return sum(_summarised(error) if error.rule == "too_many_errors" else 1 for error in errors)


def _cap_errors(errors: list[DataError]) -> list[DataError]:
    """At most MAX_ERRORS_PER_FILE errors of each file and MAX_ERRORS in all, each file's followed by a summary of the rest."""
    kept: dict[str, list[DataError]] = {}
    more: dict[str, int] = {}
    total = 0
    for error in errors:
        file_errors = kept.setdefault(error.file, [])
        if error.rule == "too_many_errors":
            more[error.file] = more.get(error.file, 0) + _summarised(error)
        elif len(file_errors) < MAX_ERRORS_PER_FILE and total < MAX_ERRORS:
            file_errors.append(error)
            total += 1
        else:
            more[error.file] = more.get(error.file, 0) + 1
    capped = []
    for file, file_errors in kept.items():
        capped += file_errors
        if more.get(file):
            listed = f"only the first {len(file_errors)} are listed here" if file_errors else "none are listed here"
            capped.append(DataError(file, 0, None, None, "too_many_errors", f"…and {more[file]} more errors in this file ({listed}: run make validate to see them all)"))
    return capped


def _load(directory: Path) -> _Loaded:
    """load_package, never raising; a failed load keeps only its (capped) errors."""
    try:
        package = load_package(directory)
    except Exception as exc:  # a bug or a hostile file must not reach readers as a traceback
        log.exception("loading %s failed", directory)
        message = f"the loader stopped with {type(exc).__name__}: run make validate"
        exc.__traceback__ = None  # drop the frames (and the tables they hold)
        package = Package(tables=empty_tables(), errors=[DataError("*", 0, None, None, "load_failed", message)])
    if package.valid:
        _release_memory()  # the validator's working copies
        return _Loaded(package)
    count = _error_count(package.errors)
    failed = _Loaded(Package(tables=empty_tables(), errors=_cap_errors(package.errors), checked_at=package.checked_at, notices=package.notices[:MAX_ERRORS]), count)
    del package
    _release_memory()  # give back the memory of the failed load now, not at some later collection
    return failed


def _libc_trim() -> ctypes._CFuncPtr | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: its allocator keeps no such reserve to give back
        return None


_malloc_trim = _libc_trim()


def _release_memory() -> None:
    """Give the memory a load no longer uses back to the system, so the server's size follows what it holds.

    Python's garbage first; then pyarrow's pool (it keeps freed blocks for reuse) and the C heap (glibc
    keeps freed pages of every thread's arena until malloc_trim): without these a failed 200 MB load
    left the server 100+ MB larger after the file was fixed.
    """
    gc.collect()
    try:
        pa_arrow.default_memory_pool().release_unused()
    except Exception:  # noqa: BLE001 - an allocator without the call
        pass
    if _malloc_trim is not None:
        _malloc_trim(0)


@st.cache_data(show_spinner="Loading data…", max_entries=4)
def _cached_package(directory: str, version: str) -> _Loaded:
    """The package for one content of the files (version is the cache key), validated once for every session."""
    return _load(Path(directory))


# st.cache_data hands out a copy on every call: pages ask for single tables and the notice for
# the errors, so a rerun copies only what it shows rather than the whole package each time.
@st.cache_data(show_spinner=False, max_entries=32)
def _cached_table(directory: str, version: str, name: str) -> pd.DataFrame:
    return _cached_package(directory, version).package.tables[name]


@st.cache_data(show_spinner=False, max_entries=4)
def _cached_errors(directory: str, version: str) -> list[DataError]:
    return _cached_package(directory, version).package.errors


@st.cache_data(show_spinner=False, max_entries=4)
def _cached_notices(directory: str, version: str) -> list[DataError]:
    return _cached_package(directory, version).package.notices


# One table in one language, localized once per data version (translations.csv is part of the version).
# st.cache_resource, not st.cache_data: every session and rerun gets the same frame, never a copy (with
# 1,000,000 events a copy per call cost about 1.4 s and as much memory again per session). Read only:
# pages filter into new frames and never assign into these.
@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_localized(directory: str, version: str, name: str, lang: str) -> pd.DataFrame:
    return localize(
        _cached_table(directory, version, name), name, lang, _cached_table(directory, version, "translations"), _cached_table(directory, version, "sources")
    )


@st.cache_data(show_spinner=False, max_entries=4)
def _cached_summary(directory: str, version: str) -> tuple[bool, int, dict[str, int]]:
    loaded = _cached_package(directory, version)
    return loaded.package.valid, loaded.error_count, {name: len(frame) for name, frame in loaded.package.tables.items()}


def _current() -> tuple[Path, str]:
    directory = data_dir()
    return directory, data_version(directory)


def current_errors() -> list[DataError]:
    """The problems in the data files on disk now (empty when they are valid; capped, see DataState.error_count)."""
    directory, version = _current()
    return _cached_errors(str(directory), version)


@dataclass
class DataState:
    """What readers are shown, and what editors need to know about the files on disk."""

    package: Package  # the data served: current if valid, else the last good
    errors: list[DataError] = field(default_factory=list)  # problems in the files on disk now (capped; a too_many_errors row per file says how many more)
    stale: bool = False  # True when serving last good data instead of the files on disk
    error_count: int = 0  # how many problems there are in all (errors holds at most MAX_ERRORS)
    version: str = ""  # data version of the data served ("" when none)
    files_version: str = ""  # data version of the files on disk now (== version unless stale)
    row_loss_warnings: list[str] = field(default_factory=list)  # tables much shorter than in the last good data
    snapshot_problem: str = ""  # why the last-good snapshot on disk was ignored or not written ("" when fine)

    @property
    def has_data(self) -> bool:
        return self.package.row_count > 0

    @property
    def errors_truncated(self) -> bool:
        """Whether errors lists only some of the problems (error_count has them all)."""
        return any(error.rule == "too_many_errors" for error in self.errors)


# --------------------------------------------------------------------------------------------
# Last good data: in memory, and as a data-only snapshot on disk

_last_good: dict[str, tuple[str, Package]] = {}  # data directory -> (version, package)
_snapshot_problems: dict[tuple[str, str], str] = {}  # (cache dir, data directory) -> reason
_lock = threading.Lock()
_write_lock = threading.Lock()  # one snapshot write at a time (each removes the folders of the others)


def _store_name(directory: Path) -> str:
    return "last-good-" + hashlib.sha256(str(directory).encode()).hexdigest()[:16]


def _manifest_path(directory: Path) -> Path:
    return _snapshot_dir() / f"{_store_name(directory)}.json"


def _store_path(directory: Path) -> Path:
    return _snapshot_dir() / _store_name(directory)


def _legacy_path(directory: Path) -> Path:
    """Where earlier versions kept a pickle: never read, removed when a new snapshot is written."""
    return _snapshot_dir() / f"{_store_name(directory)}.pickle"


def _problem_key(directory: Path) -> tuple[str, str]:
    return (str(_snapshot_dir()), str(directory))


def _set_problem(directory: Path, problem: str) -> None:
    with _lock:
        if problem:
            _snapshot_problems[_problem_key(directory)] = problem
        else:
            _snapshot_problems.pop(_problem_key(directory), None)


def _snapshot_problem(directory: Path) -> str:
    with _lock:
        return _snapshot_problems.get(_problem_key(directory), "")


def _dtype_label(dtype: object) -> str:
    """The dtype as written in the manifest (one of _ARROW_TYPES)."""
    if isinstance(dtype, pd.CategoricalDtype):
        return "category"
    if isinstance(dtype, pd.StringDtype):
        return "str" if dtype.na_value is not pd.NA else "string"
    return str(dtype)


def _family(dtype: object) -> str:
    """What kind of values a column holds, whatever its exact dtype (str and string are both text)."""
    if isinstance(dtype, pd.CategoricalDtype):
        return "category"
    if isinstance(dtype, pd.StringDtype):
        return "text"
    if pd.api.types.is_datetime64_dtype(dtype):
        return "datetime"
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "nullable integer" if isinstance(dtype, pd.api.extensions.ExtensionDtype) else "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    return "other"


def _is_text(kind: pa_arrow.DataType) -> bool:
    return pa_arrow.types.is_string(kind) or pa_arrow.types.is_large_string(kind)


# The only dtypes a snapshot may hold, with the Arrow type each must be stored as.
_ARROW_TYPES = {
    "str": _is_text,
    "string": _is_text,
    "category": lambda kind: pa_arrow.types.is_dictionary(kind) and _is_text(kind.value_type),
    "bool": pa_arrow.types.is_boolean,
    "float64": pa_arrow.types.is_float64,
    "int64": pa_arrow.types.is_int64,
    "Int64": pa_arrow.types.is_int64,
    **{
        f"datetime64[{unit}]": (lambda unit: lambda kind: pa_arrow.types.is_timestamp(kind) and kind.unit == unit and kind.tz is None)(unit)
        for unit in ("s", "ms", "us", "ns")
    },
}


@lru_cache(maxsize=1)
def _expected_columns() -> dict[str, list[tuple[str, str]]]:
    """(column, family) of every prepared table, as components.validation produces them."""
    return {name: [(column, _family(dtype)) for column, dtype in frame.dtypes.items()] for name, frame in empty_tables().items()}


def _schema_fingerprint() -> str:
    text = json.dumps({name: [TABLES[name].filename, columns] for name, columns in _expected_columns().items()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _write_snapshot(directory: Path, version: str, package: Package) -> None:
    """Write package as Arrow IPC files in a new folder, then the manifest naming it (atomic: manifest last)."""
    base = _snapshot_dir()
    store = _store_path(directory)
    if store.is_symlink() or (store.exists() and not store.is_dir()):
        store.unlink()  # never follow a link planted in the cache folder (old snapshots are removed below)
    store.mkdir(parents=True, exist_ok=True)
    folder = f"{version}-{secrets.token_hex(4)}"
    temporary = store / f".tmp-{folder}"
    temporary.mkdir()
    try:
        tables = {}
        options = pa_ipc.IpcWriteOptions(compression="zstd")
        for name, frame in package.tables.items():
            columns = [{"name": str(column), "dtype": _dtype_label(dtype)} for column, dtype in frame.dtypes.items()]
            unknown = [column["dtype"] for column in columns if column["dtype"] not in _ARROW_TYPES]
            if unknown:
                raise ValueError(f"{name} has dtypes a snapshot cannot hold: {unknown}")
            arrow = pa_arrow.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
            path = temporary / f"{name}.arrow"
            with pa_ipc.new_file(str(path), arrow.schema, options=options) as writer:
                writer.write_table(arrow)
            _fsync(path)
            tables[name] = {"file": path.name, "rows": len(frame), "bytes": path.stat().st_size, "sha256": _sha256_file(path), "columns": columns}
        _fsync(temporary)
        os.rename(temporary, store / folder)
        _fsync(store)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    manifest = {
        "format": SNAPSHOT_FORMAT,
        "format_version": SNAPSHOT_FORMAT_VERSION,
        "schema": _schema_fingerprint(),
        "data_version": version,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "checked_at": package.checked_at.isoformat(),
        "folder": folder,
        "tables": tables,
    }
    temporary_manifest = base / f".{_store_name(directory)}.{secrets.token_hex(4)}.json.tmp"
    with temporary_manifest.open("w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary_manifest, _manifest_path(directory))
    _fsync(base)
    for old in store.iterdir():  # earlier snapshots, and temporary folders of interrupted writes
        if old.name != folder:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() and not old.is_symlink() else old.unlink(missing_ok=True)
    _legacy_path(directory).unlink(missing_ok=True)


class SnapshotRejected(Exception):
    """The snapshot on disk is not one this code wrote for these schemas: the message says why."""


_HEX = re.compile(r"[0-9a-f]+")


def _read_manifest(directory: Path) -> dict:
    path = _manifest_path(directory)
    try:
        stat = path.lstat()
    except FileNotFoundError:
        if _legacy_path(directory).exists():
            raise SnapshotRejected("an old pickle snapshot was found and ignored: pickles are never loaded") from None
        raise SnapshotRejected("") from None  # none yet: nothing to tell editors
    if not stat_module.S_ISREG(stat.st_mode):
        raise SnapshotRejected("the snapshot manifest is not a regular file")
    if stat.st_size > _MAX_MANIFEST_BYTES:
        raise SnapshotRejected("the snapshot manifest is too large")
    try:
        manifest = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise SnapshotRejected("the snapshot manifest is not JSON (garbage, truncated, or another format)") from None
    if not isinstance(manifest, dict) or manifest.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotRejected("the snapshot is of another type")
    if manifest.get("format_version") != SNAPSHOT_FORMAT_VERSION:
        raise SnapshotRejected(f"the snapshot format {manifest.get('format_version')!r} is not {SNAPSHOT_FORMAT_VERSION}")
    if manifest.get("schema") != _schema_fingerprint():
        raise SnapshotRejected("the snapshot was written for an older or other schema")
    version, folder, tables = manifest.get("data_version"), manifest.get("folder"), manifest.get("tables")
    if not (isinstance(version, str) and len(version) == VERSION_LENGTH and _HEX.fullmatch(version)):
        raise SnapshotRejected("the snapshot's data version is malformed")
    if not (isinstance(folder, str) and re.fullmatch(r"[0-9a-f]{12}-[0-9a-f]{8}", folder)):
        raise SnapshotRejected("the snapshot's folder name is malformed")
    if not isinstance(tables, dict) or sorted(tables) != sorted(TABLES):
        raise SnapshotRejected("the snapshot does not hold exactly the package's tables")
    for name, entry in tables.items():
        if not isinstance(entry, dict):
            raise SnapshotRejected(f"the snapshot's entry for {name} is malformed")
        rows, size, digest, columns = entry.get("rows"), entry.get("bytes"), entry.get("sha256"), entry.get("columns")
        if not (type(rows) is int and rows >= 0 and type(size) is int and size >= 0):
            raise SnapshotRejected(f"the snapshot's row or byte count for {name} is malformed")
        if not (isinstance(digest, str) and len(digest) == 64 and _HEX.fullmatch(digest)):
            raise SnapshotRejected(f"the snapshot's hash for {name} is malformed")
        if not isinstance(columns, list) or not all(isinstance(c, dict) and isinstance(c.get("name"), str) and c.get("dtype") in _ARROW_TYPES for c in columns):
            raise SnapshotRejected(f"the snapshot's columns for {name} are malformed or of a type it cannot hold")
        expected = _expected_columns()[name]
        if [c["name"] for c in columns] != [column for column, _ in expected]:
            missing = sorted({column for column, _ in expected} - {c["name"] for c in columns})
            raise SnapshotRejected(f"the snapshot's {name} table has other columns than the schema" + (f" (missing {', '.join(missing)})" if missing else ""))
        for c, (column, family) in zip(columns, expected):
            if _family(pd.api.types.pandas_dtype(c["dtype"])) != family:
                raise SnapshotRejected(f"the snapshot's {name}.{column} is {c['dtype']}, not {family}")
    return manifest


def _read_table(path: Path, name: str, entry: dict) -> pd.DataFrame:
    try:
        stat = path.lstat()
    except OSError:
        raise SnapshotRejected(f"the snapshot's {name} file is missing") from None
    if not stat_module.S_ISREG(stat.st_mode) or stat.st_size != entry["bytes"]:
        raise SnapshotRejected(f"the snapshot's {name} file is not the one its manifest describes (truncated or replaced)")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise SnapshotRejected(f"the snapshot's {name} file does not match its hash (changed or damaged)")
    try:
        arrow = pa_ipc.open_file(pa_arrow.BufferReader(data)).read_all()
    except (pa_arrow.ArrowException, ValueError, OSError):
        raise SnapshotRejected(f"the snapshot's {name} file is not an Arrow table") from None
    columns = entry["columns"]
    if arrow.column_names != [c["name"] for c in columns] or arrow.num_rows != entry["rows"]:
        raise SnapshotRejected(f"the snapshot's {name} file does not hold the columns or rows its manifest says")
    series = {}
    for c, chunks in zip(columns, arrow.columns):
        label = c["dtype"]
        if not _ARROW_TYPES[label](chunks.type):
            raise SnapshotRejected(f"the snapshot's {name}.{c['name']} is stored as {chunks.type}, not as {label}")
        if label == "Int64":
            values = chunks.to_pandas(types_mapper={pa_arrow.int64(): pd.Int64Dtype()}.get)
        else:
            values = chunks.to_pandas()
            if label in ("str", "string"):
                values = values.astype(pd.api.types.pandas_dtype(label))
        if _dtype_label(values.dtype) != label:
            raise SnapshotRejected(f"the snapshot's {name}.{c['name']} reads as {values.dtype}, not {label}")
        series[c["name"]] = values
    return pd.DataFrame(series, index=pd.RangeIndex(arrow.num_rows))


def _as_written(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The prepared table turned back into the CSV's columns (dates as the text they were), for the pandera model."""
    table = TABLES[name]
    columns = list(table.schema.columns)
    written = frame[columns].copy()
    for column, spec in table.schema.columns.items():
        if (spec.metadata or {}).get("partial_date"):
            precision = frame[f"{column}_precision"].astype("str")
            start = frame[column]
            text = pd.Series(np.nan, index=frame.index, dtype="str")
            for kind, pattern in (("year", "%Y"), ("month", "%Y-%m"), ("day", "%Y-%m-%d")):
                chosen = (precision == kind) & start.notna()
                text[chosen] = start[chosen].dt.strftime(pattern)
            written[column] = text
    return written


def _revalidate(name: str, frame: pd.DataFrame) -> None:
    try:
        TABLES[name].model.validate(_as_written(name, frame), lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases
        # As components.validation judges the CSVs: a failure on no row (a check that could not
        # run) is not held against the data; columns and dtypes were checked before this.
        failures = failures[failures["index"].notna() | failures["check"].astype(str).str.startswith("column_in")]
        if len(failures):
            first = failures.iloc[0]
            raise SnapshotRejected(f"the snapshot's {name} table does not pass the schema ({first['column']}: {first['check']})") from None


_CROSS_TABLE_MEANINGS = {
    "reference": "refers to a row the snapshot does not hold",
    "confidence_rule": "gives a row more confidence than its source allows",
    "confirmed_needs_authority": "marks presence confirmed without an authority as the source",
    "translation_of_headline": "translates a headline, which stays as published",
    "translation_language": "translates a quote into its own language",
}


def _check_references(tables: dict[str, pd.DataFrame]) -> None:
    """The validator's rules across tables (components.validation.cross_table_errors) on the snapshot's tables.

    The reason names the table, column and rule, never a value from the snapshot.
    """
    problems = cross_table_errors(tables)
    if problems:
        first = problems[0]
        table = first.file.removesuffix(".csv")
        where = f" in {first.column}" if first.column else ""
        more = f", and {len(problems) - 1} more" if len(problems) > 1 else ""
        meaning = _CROSS_TABLE_MEANINGS.get(first.rule, "breaks a rule that links tables")
        raise SnapshotRejected(f"the snapshot's {table} table {meaning} ({first.rule}{where}{more}), so it was ignored")


def _read_snapshot(directory: Path) -> tuple[str, Package]:
    """The snapshot on disk as (version, package), or SnapshotRejected saying why not. Never runs code from it."""
    manifest = _read_manifest(directory)
    folder = _store_path(directory) / manifest["folder"]
    tables = {}
    for name in TABLES:
        entry = manifest["tables"][name]
        tables[name] = _read_table(folder / f"{name}.arrow", name, entry)
        _revalidate(name, tables[name])
    _check_references(tables)
    try:
        checked_at = datetime.fromisoformat(manifest.get("checked_at"))
    except (TypeError, ValueError):
        checked_at = datetime.now(timezone.utc)
    return manifest["data_version"], Package(tables=tables, checked_at=checked_at)


def _remember(directory: Path, version: str, package: Package) -> None:
    """Keep package as the last good data, in memory and (atomically) on disk."""
    key = str(directory)
    with _lock:
        if key in _last_good and _last_good[key][0] == version:
            return
        _last_good[key] = (version, package)
    try:
        with _write_lock:
            with _lock:
                superseded = _last_good.get(key, (version,))[0] != version
            if not superseded:  # another thread remembered a newer package meanwhile: leave its snapshot
                _write_snapshot(directory, version, package)
                with _lock:  # written from data that passed the validator: no need to read it back to judge it
                    _verdicts[_problem_key(directory)] = (_manifest_signature(directory), "")
    except Exception as exc:  # a read-only checkout still serves from memory
        log.warning("could not write the last-good snapshot: %s", exc)
        _set_problem(directory, f"the last good data could not be saved to disk ({type(exc).__name__}): a restart would lose it")
    else:
        _set_problem(directory, "")


_rejected: dict[tuple[str, str], tuple | None] = {}  # (cache dir, data directory) -> manifest stat when ignored


def _manifest_signature(directory: Path) -> tuple | None:
    try:
        return _stat_signature(_manifest_path(directory).lstat())
    except OSError:
        return None


def _recall(directory: Path) -> tuple[str, Package] | None:
    """The last good (version, package): from memory, else from the snapshot a previous run left."""
    key = str(directory)
    with _lock:
        if key in _last_good:
            return _last_good[key]
    manifest = _manifest_signature(directory)
    with _lock:
        if _rejected.get(_problem_key(directory), "never") == manifest:
            return None  # the snapshot that was ignored is still there: do not read it on every rerun
    try:
        remembered = _read_snapshot(directory)
    except Exception as exc:  # whatever a damaged file does, readers get no traceback
        if isinstance(exc, SnapshotRejected):
            _set_problem(directory, str(exc))
        else:
            log.warning("ignoring the last-good snapshot: %r", exc)
            _set_problem(directory, f"the snapshot could not be read ({type(exc).__name__}) and was ignored")
        with _lock:
            _rejected[_problem_key(directory)] = manifest
        return None
    with _lock:
        remembered = _last_good.setdefault(key, remembered)
    _set_problem(directory, "")
    return remembered


def _last_good_rows(directory: Path) -> dict[str, int] | None:
    """Row counts of the last good data: from memory, else from the snapshot's manifest (cheap)."""
    with _lock:
        remembered = _last_good.get(str(directory))
    if remembered is not None:
        return {name: len(frame) for name, frame in remembered[1].tables.items()}
    try:
        manifest = _read_manifest(directory)
    except SnapshotRejected as exc:
        if str(exc):
            _set_problem(directory, str(exc))
        return None
    except Exception:
        return None
    return {name: entry["rows"] for name, entry in manifest["tables"].items()}


def _row_losses(directory: Path, package: Package | dict[str, int]) -> list[str]:
    """One sentence per table with far fewer rows than in the last good data."""
    rows = package if isinstance(package, dict) else {name: len(frame) for name, frame in package.tables.items()}
    before = _last_good_rows(directory)
    if not before:
        return []
    warnings = []
    for name, now in rows.items():
        was = before.get(name, 0)
        lost = was - now
        if lost > ROW_LOSS_MIN_ROWS and lost > ROW_LOSS_SHARE * was:
            warnings.append(f"{TABLES[name].filename} has {now} rows, {lost} fewer ({lost / was:.0%}) than the last good data ({was})")
    return warnings


# (cache dir, data directory) -> (version, last good version then) of a valid version that was not kept
_promotion_checked: dict[tuple[str, str], tuple[str, str]] = {}


def _promote(directory: Path, version: str, loaded: _Loaded | None = None) -> None:
    """Make the valid files on disk the last good data, unless a table lost many rows.

    Done on every rerun that sees a version not checked yet, not only when the package is first
    loaded: going back to a version still in the cache (a revert with cp -p) must replace a last
    good that was wrong.
    """
    key = str(directory)
    with _lock:
        current = _last_good.get(key)
        baseline = current[0] if current is not None else ""
        if baseline == version or _promotion_checked.get(_problem_key(directory)) == (version, baseline):
            return
    loaded = loaded or _cached_package(key, version)
    if loaded.package.valid and not _row_losses(directory, loaded.package):
        _remember(directory, version, loaded.package)
    else:  # invalid, or much shorter: checked once, not on every rerun
        with _lock:
            _promotion_checked[_problem_key(directory)] = (version, baseline)


def confirm_current_data() -> bool:
    """An editor confirms that the files on disk, valid but much shorter, are right: they become the last good data.

    Returns False when the files on disk are not valid (nothing changes then).
    """
    directory, version = _current()
    loaded = _cached_package(str(directory), version)
    if not loaded.package.valid:
        return False
    with _lock:
        _last_good.pop(str(directory), None)
    _remember(directory, version, loaded.package)
    return True


def load_state() -> DataState:
    """The data to show now, with the errors of the files on disk if they are invalid.

    A valid package that loses more than ROW_LOSS_SHARE (and more than ROW_LOSS_MIN_ROWS) of
    some table's rows compared with the last good data is served to readers (deleting rows may
    be the editor's intent, and readers should see what the files say), but it does not replace
    the last good data, in memory or on disk, until the rows come back or an editor calls
    confirm_current_data(): so the warning (row_loss_warnings) stays visible to editors, also
    after a restart, and if a later edit fails validation readers fall back to the fuller data
    rather than to a truncated file that happened to validate.
    """
    directory, version = _current()
    loaded = _cached_package(str(directory), version)
    if loaded.package.valid:
        _promote(directory, version, loaded)
        warnings = _row_losses(directory, loaded.package)
        return DataState(loaded.package, version=version, files_version=version, row_loss_warnings=warnings, snapshot_problem=_snapshot_problem(directory))
    remembered = _recall(directory)
    last_version, last_good = remembered if remembered is not None else ("", Package(tables=empty_tables()))
    return DataState(
        last_good,
        errors=loaded.package.errors,
        stale=True,
        error_count=loaded.error_count,
        version=last_version,
        files_version=version,
        snapshot_problem=_snapshot_problem(directory),
    )


def row_loss_warnings() -> list[str]:
    """DataState.row_loss_warnings without copying the tables (cheap enough for every rerun)."""
    directory, version = _current()
    valid, _, rows = _cached_summary(str(directory), version)
    return _row_losses(directory, rows) if valid else []


def last_good_info(directory: Path | str | None = None) -> dict | None:
    """Which last good data row counts are compared with: {"kept": "memory" or "snapshot", "data_version",
    and for a snapshot "manifest" (its path) and "saved" (ISO time)}; None when there is none yet.

    The one in memory (this process loaded it), else the snapshot a run of the app left in the cache
    folder it uses for directory (TDA_CACHE_DIR, default .cache/).
    """
    directory = Path(directory).resolve() if directory is not None else data_dir()
    with _lock:
        remembered = _last_good.get(str(directory))
    if remembered is not None:
        return {"kept": "memory", "data_version": remembered[0]}
    try:
        manifest = _read_manifest(directory)
    except Exception:  # noqa: BLE001 - none, or one that is ignored (editor_warnings says why)
        return None
    created = manifest.get("created")
    return {"kept": "snapshot", "data_version": manifest["data_version"], "manifest": str(_manifest_path(directory)), "saved": created[:40] if isinstance(created, str) else None}


def last_good_description(directory: Path | str | None = None) -> str:
    """last_good_info as a phrase for editors ("" when there is none yet)."""
    info = last_good_info(directory)
    if info is None:
        return ""
    if info["kept"] == "memory":
        return f"the last good data in memory (data version {info['data_version']})"
    return f"the last good data saved in {info['manifest']} (data version {info['data_version']}, saved {info['saved'] or '?'})"


_verdicts: dict[tuple[str, str], tuple[tuple | None, str]] = {}  # (cache dir, data directory) -> (manifest stat, problem)


def _snapshot_verdict(directory: Path) -> str:
    """Why the snapshot on disk would be ignored at the next start ("" when it would be used, or there is none).

    Read and checked in full (schemas, then the rules across tables) once per version of its manifest.
    """
    signature = _manifest_signature(directory)
    key = _problem_key(directory)
    with _lock:
        known = _verdicts.get(key)
    if known is not None and known[0] == signature:
        return known[1]
    if signature is None:
        problem = "an old pickle snapshot was found and ignored: pickles are never loaded" if _legacy_path(directory).exists() else ""
    else:
        try:
            _read_snapshot(directory)
            problem = ""
        except SnapshotRejected as exc:
            problem = str(exc)
        except Exception as exc:  # noqa: BLE001 - whatever a damaged file does, a sentence, not a traceback
            problem = f"the snapshot could not be read ({type(exc).__name__}) and would be ignored"
    with _lock:
        _verdicts[key] = (signature, problem)
    return problem


def editor_warnings(directory: Path | str | None = None, package: Package | None = None) -> list[str]:
    """What editors should know about the data in directory beyond its errors, as plain English sentences.

    Tables that lost more than ROW_LOSS_SHARE (and ROW_LOSS_MIN_ROWS) of their rows against the last good
    data (naming which: last_good_description), and why the last good data on disk was ignored, could
    not be saved, or would be ignored at the next start. The sentences quote nothing from the data files
    or the snapshot (file and table names, counts, rule names, the cache path), so any page can show
    them; escape them as any text when they go into markdown. Warnings never make the data invalid.

    directory defaults to the folder the app serves; package is the package validated from it (the
    validator passes its own); without one, the app's cached load of the files on disk now is used.
    """
    directory = Path(directory).resolve() if directory is not None else data_dir()
    if package is None:
        package = _cached_package(str(directory), data_version(directory)).package
    warnings = []
    if package.valid:
        losses = _row_losses(directory, package)
        if losses:
            compared = last_good_description(directory)
            warnings += [f"{loss}, compared with {compared}: if rows were deleted on purpose, confirm the shorter table" for loss in losses]
    problems = [_snapshot_problem(directory), _snapshot_verdict(directory)]
    for problem in dict.fromkeys(problem for problem in problems if problem):
        warnings.append(f"last good data: {problem}")
    return warnings


def stale_translations() -> list[DataError]:
    """The translations in the files on disk now whose cell has changed since they were translated.

    Notices for editors (file, line, column original), not errors: readers see the current English,
    marked, until the cell is translated again. make validate prints the same list.
    """
    directory, version = _current()
    return _cached_notices(str(directory), version)


def _table(name: str, lang: str = "en") -> pd.DataFrame:
    """A table in the reader's language (components.i18n.data.localize), cached per data version and language.

    When the files on disk are invalid, the last good data is localized with the last good
    translations (translations.csv is part of the package: an invalid one keeps the last good data).
    """
    lang = i18n.normalize(lang)
    directory, version = _current()
    valid, _, _ = _cached_summary(str(directory), version)
    if not valid:
        return _stale_table(directory, name, lang)
    _promote(directory, version)
    # A shallow copy: no data is copied (pandas copies on write), yet a page that assigns into its frame changes
    # nothing in the frame every other session shares.
    return _cached_localized(str(directory), version, name, lang).copy(deep=False)


_stale_localized: dict[tuple[str, str, str, str], pd.DataFrame] = {}  # (directory, last good version, table, lang) -> localized
_STALE_ENTRIES = 64


def _stale_table(directory: Path, name: str, lang: str) -> pd.DataFrame:
    """A table of the last good data in the reader's language, localized once per last good version (a copy: pages may not change it).

    While the files on disk are invalid every page asks for these, so they are kept ready rather than
    localized on every rerun; nothing of the invalid files is kept.
    """
    remembered = _recall(directory)
    if remembered is None:  # nothing good yet: typed empty tables
        tables = empty_tables()
        return localize(tables[name], name, lang, tables["translations"], tables["sources"])
    last_version, package = remembered
    key = (str(directory), last_version, name, lang)
    with _lock:
        frame = _stale_localized.get(key)
    if frame is None:
        tables = package.tables
        frame = localize(tables[name].copy(), name, lang, tables["translations"], tables["sources"])
        with _lock:
            if len(_stale_localized) >= _STALE_ENTRIES:
                _stale_localized.clear()
            _stale_localized[key] = frame
    return frame.copy()


_zips: dict[tuple[str, str], bytes] = {}  # (directory, data version) -> the data package as one zip


def package_zip() -> bytes | None:
    """The whole data package as readers download it (components.downloads.data_package_zip), built once per data version.

    When the files on disk are invalid, the zip of the last good data if this process built one, else
    None (readers never download the files an editor is fixing). Built only from files that passed
    the validator, so a file refused there (a link out of the data folder, a FIFO) is never read into it.
    """
    from components import downloads  # the reader-facing package: imported when a page asks for it

    directory, version = _current()
    valid, _, _ = _cached_summary(str(directory), version)
    if valid:
        _promote(directory, version)
    with _lock:
        if valid:
            built = _zips.get((str(directory), version))
        else:
            last = _last_good.get(str(directory))
            return _zips.get((str(directory), last[0])) if last is not None else None
    if built is None:
        built = downloads.data_package_zip(directory)
        if data_version(directory) != version:  # the files changed while being zipped: not this version's zip
            return built
        with _lock:
            for key in [key for key in _zips if key[0] == str(directory) and key[1] != version and key[1] != _last_good.get(str(directory), ("",))[0]]:
                del _zips[key]  # keep this version's and the last good one's
            _zips[(str(directory), version)] = built
    return built


def package_zip_ready() -> bool:
    """Whether package_zip() has a package to give: the files on disk pass the validator, or this process has the
    zip of the last good data. Cheap: nothing is zipped (a page can offer the download and build it on the click)."""
    directory, version = _current()
    valid, _, _ = _cached_summary(str(directory), version)
    if valid:
        return True
    with _lock:
        last = _last_good.get(str(directory))
        return last is not None and (str(directory), last[0]) in _zips


def load_sources(lang: str = "en") -> pd.DataFrame:
    """Every source (data/sources.csv), validated."""
    return _table("sources", lang)


def load_figures(lang: str = "en") -> pd.DataFrame:
    """Headline figures and disputed estimates (data/figures.csv), validated."""
    return _table("figures", lang)


def load_series(lang: str = "en") -> pd.DataFrame:
    """Time series such as CBP encounters (data/series.csv), validated, with period_start and period_end."""
    return _table("series", lang)


def load_events(lang: str = "en") -> pd.DataFrame:
    """Dated, located events (data/events.csv), validated and geocoded."""
    return _table("events", lang)


def load_rulings(lang: str = "en") -> pd.DataFrame:
    """Court rulings (data/rulings.csv), validated."""
    return _table("rulings", lang)


def load_presence(lang: str = "en") -> pd.DataFrame:
    """Countries where the gang is reported (data/presence.csv), validated."""
    return _table("presence", lang)


def load_milestones(lang: str = "en") -> pd.DataFrame:
    """Policy milestones for chart annotations (data/milestones.csv), validated."""
    return _table("milestones", lang)


def load_claims(lang: str = "en") -> pd.DataFrame:
    """Official claims about the gang and the deportees (data/claims.csv), validated."""
    return _table("claims", lang)


def load_assessments(lang: str = "en") -> pd.DataFrame:
    """Evidence on each claim, with its kind and stance (data/assessments.csv), validated."""
    return _table("assessments", lang)


def load_changes(lang: str = "en") -> pd.DataFrame:
    """The public change and corrections log (data/changes.csv), validated."""
    return _table("changes", lang)


def load_translations(lang: str = "en") -> pd.DataFrame:
    """The tracker's translations of the data's own words (data/translations.csv), validated, in every language.

    The loaders above already apply them (localize); lang is taken like every loader's and changes nothing.
    """
    return _table("translations", lang)


# --------------------------------------------------------------------------------------------
# data/README.md sections for the Sources page

_MAX_README_BYTES = 4_000_000
_BLOCK_START = re.compile(r"<!--\s*([A-Za-z0-9_-]+):start\s*-->")


# Generated only from the schemas and row counts: no data text can be in them.
_SCHEMA_BLOCKS = ("index", "codebook")


def _hand_written(lines: list[str]) -> list[str]:
    """The lines data text cannot have written: those before the first generated block that holds data text.

    Generated blocks are marked <!-- name:start --> … <!-- name:end -->. The sources and changes
    blocks (and any block not known to hold only schema text) carry text from the data, which may
    itself look like a marker or a heading, so nothing from the first of them on counts. The
    schema-only blocks (index, codebook) before it are skipped. The hand-written sections
    (Editing, Editorial rules, Method and caveats, Licences) all come before the data blocks.
    """
    kept, position = [], 0
    while position < len(lines):
        start = _BLOCK_START.fullmatch(lines[position].strip())
        if start is None:
            kept.append(lines[position])
            position += 1
            continue
        if start.group(1) not in _SCHEMA_BLOCKS:
            break
        end_marker = re.compile(rf"<!--\s*{re.escape(start.group(1))}:end\s*-->")
        ends = [index for index in range(position + 1, len(lines)) if end_marker.fullmatch(lines[index].strip())]
        position = (ends[0] if ends else len(lines)) + 1
    return kept


@st.cache_data(show_spinner=False, max_entries=4)
def _readme_sections(text: str) -> dict[str, str]:
    """The '## ' sections of the hand-written part of data/README.md by heading; the first of a heading wins."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in _hand_written(text.splitlines()):
        if line.startswith("## "):
            heading = line[3:].strip()
            current = sections.setdefault(heading, []) if heading not in sections else None
        elif current is not None:
            current.append(line)
    return {heading: "\n".join(lines).strip() for heading, lines in sections.items()}


def load_data_notes(heading: str) -> str:
    """A section of data/README.md (e.g. 'Editorial rules', 'Method and caveats'), so the page and the README agree.

    Only the hand-written part counts (data text in the generated blocks cannot add or replace
    a section: see _hand_written) and the first section of a heading wins. An unreadable, oversized or non-UTF-8
    README gives "".
    """
    path = data_dir() / "README.md"
    try:
        stat = path.stat()
        if not stat_module.S_ISREG(stat.st_mode) or stat.st_size > _MAX_README_BYTES:
            return ""
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""
    return _readme_sections(text).get(heading, "")

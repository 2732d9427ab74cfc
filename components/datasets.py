"""The only code that opens data/: load, validate and cache the package; keep serving the last good data.

The cache is keyed on the files' modification times and sizes, so an editor's change shows
on the next rerun without a restart. When the files on disk are invalid, readers keep seeing
the last good data (kept in memory and in a snapshot on disk, so a restart keeps it too) and
editors get the list of errors.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

from components.errors import DataError
from components.schemas import TABLES
from components.validation import ROOT, Package, data_dir, empty_tables, load_package

def _snapshot_dir() -> Path:
    return Path(os.environ.get("TDA_CACHE_DIR") or ROOT / ".cache").resolve()


def files_signature(directory: Path) -> tuple:
    """(file name, mtime in ns, size) for every table file: the cache key of the package."""
    signature = []
    for table in TABLES.values():
        try:
            stat = (directory / table.filename).stat()
            signature.append((table.filename, stat.st_mtime_ns, stat.st_size))
        except OSError:
            signature.append((table.filename, None, None))
    return tuple(signature)


@st.cache_data(show_spinner="Loading data…", max_entries=4)
def _cached_package(directory: str, signature: tuple) -> Package:
    """Validated package for one state of the files (signature is only the cache key)."""
    package = load_package(Path(directory))
    if package.valid:
        _remember(Path(directory), signature, package)
    return package


# st.cache_data hands out a copy on every call: pages ask for single tables and the notice for
# the errors, so a rerun copies only what it shows rather than the whole package each time.
@st.cache_data(show_spinner=False, max_entries=32)
def _cached_table(directory: str, signature: tuple, name: str) -> pd.DataFrame:
    return _cached_package(directory, signature).tables[name]


@st.cache_data(show_spinner=False, max_entries=4)
def _cached_errors(directory: str, signature: tuple) -> list[DataError]:
    return _cached_package(directory, signature).errors


def current_errors() -> list[DataError]:
    """The problems in the data files on disk now (empty when they are valid)."""
    directory = data_dir()
    return _cached_errors(str(directory), files_signature(directory))


@dataclass
class DataState:
    """What readers are shown, and what editors need to know about the files on disk."""

    package: Package  # the data served: current if valid, else the last good
    errors: list[DataError] = field(default_factory=list)  # problems in the files on disk now
    stale: bool = False  # True when serving last good data instead of the files on disk

    @property
    def has_data(self) -> bool:
        return self.package.row_count > 0


_last_good: dict[str, tuple[tuple, Package]] = {}
_lock = threading.Lock()


def _snapshot_path(directory: Path) -> Path:
    digest = hashlib.sha256(str(directory).encode()).hexdigest()[:16]
    return _snapshot_dir() / f"last-good-{digest}.pickle"


def _remember(directory: Path, signature: tuple, package: Package) -> None:
    """Keep package as the last good data, in memory and (atomically) on disk."""
    key = str(directory)
    with _lock:
        if key in _last_good and _last_good[key][0] == signature:
            return
        _last_good[key] = (signature, package)
    path = _snapshot_path(directory)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
            pickle.dump((signature, package), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except OSError:
        pass  # a read-only checkout still serves from memory


def _recall(directory: Path) -> Package | None:
    """The last good package: from memory, else from the snapshot a previous run left."""
    key = str(directory)
    with _lock:
        if key in _last_good:
            return _last_good[key][1]
    try:
        with _snapshot_path(directory).open("rb") as handle:
            signature, package = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        return None
    with _lock:
        _last_good.setdefault(key, (signature, package))
    return package


def load_state() -> DataState:
    """The data to show now, with the errors of the files on disk if they are invalid."""
    directory = data_dir()
    signature = files_signature(directory)
    package = _cached_package(str(directory), signature)
    if package.valid:
        return DataState(package)
    last_good = _recall(directory) or Package(tables=empty_tables())
    return DataState(last_good, errors=package.errors, stale=True)


def _table(name: str) -> pd.DataFrame:
    directory = data_dir()
    signature = files_signature(directory)
    if _cached_errors(str(directory), signature):
        return load_state().package.tables[name]  # the last good data
    return _cached_table(str(directory), signature, name)


def load_sources() -> pd.DataFrame:
    """Every source (data/sources.csv), validated."""
    return _table("sources")


def load_figures() -> pd.DataFrame:
    """Headline figures and disputed estimates (data/figures.csv), validated."""
    return _table("figures")


def load_series() -> pd.DataFrame:
    """Time series such as CBP encounters (data/series.csv), validated, with period_start and period_end."""
    return _table("series")


def load_events() -> pd.DataFrame:
    """Dated, located events (data/events.csv), validated and geocoded."""
    return _table("events")


def load_rulings() -> pd.DataFrame:
    """Court rulings (data/rulings.csv), validated."""
    return _table("rulings")


def load_presence() -> pd.DataFrame:
    """Countries where the gang is reported (data/presence.csv), validated."""
    return _table("presence")


def load_milestones() -> pd.DataFrame:
    """Policy milestones for chart annotations (data/milestones.csv), validated."""
    return _table("milestones")


def load_changes() -> pd.DataFrame:
    """The public change and corrections log (data/changes.csv), validated."""
    return _table("changes")


@st.cache_data(show_spinner=False)
def _readme_sections(path: str, mtime_ns: int) -> dict[str, str]:
    """The '## ' sections of data/README.md by heading (mtime_ns is the cache key)."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return {heading: "\n".join(lines).strip() for heading, lines in sections.items()}


def load_data_notes(heading: str) -> str:
    """A section of data/README.md (e.g. 'Editorial rules', 'Method and caveats'), so the page and the README agree."""
    path = data_dir() / "README.md"
    try:
        return _readme_sections(str(path), path.stat().st_mtime_ns).get(heading, "")
    except OSError:
        return ""

"""Synthetic events for the benchmarks, valid under the project's schemas.

    synthetic_events(rows, source_ids)  -> a pyarrow table of `rows` events, every column filled
    make_package(rows, directory)       -> a copy of data/ whose events are `rows` synthetic ones
    append_events(rows, directory)      -> a copy of data/ with `rows` synthetic events after the shipped ones

The rows are filled the way editors fill them (coordinates given, a source cited, confidence never
above what the cited source allows), so the package validates and the pages draw them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]

from components.schemas import CONFIDENCE_CAP_BY_ACCESS, CONFIDENCE_CAP_BY_KIND, EVENT_STATUSES, EVENT_TYPES, TABLES  # noqa: E402

CONFIDENCE = np.array(["low", "medium", "high"])  # in rank order


def confidence_caps(source_ids: list[str], sources_csv: Path = ROOT / "data" / "sources.csv") -> np.ndarray:
    """The highest confidence rank (0 low .. 2 high) each source allows under the validator's rules."""
    rank = {name: position for position, name in enumerate(CONFIDENCE)}
    sources = pacsv.read_csv(sources_csv, convert_options=pacsv.ConvertOptions(column_types={"access": pa.string(), "kind": pa.string()})).to_pylist()
    allowed = {}
    for source in sources:
        caps = [CONFIDENCE_CAP_BY_ACCESS.get(source["access"], "high"), CONFIDENCE_CAP_BY_KIND.get(source["kind"], "high")]
        allowed[source["source_id"]] = min(rank[cap] for cap in caps)
    return np.array([allowed.get(source_id, 2) for source_id in source_ids])


def synthetic_events(rows: int, source_ids: list[str], seed: int = 7, id_prefix: str = "ev-") -> pa.Table:
    """Events with every column filled the way editors fill them (coordinates given).

    Confidence is random but never above what the cited source allows (a copy at most medium).
    """
    rng = np.random.default_rng(seed)
    cited = rng.integers(0, len(source_ids), rows)
    ids = np.char.add(id_prefix, np.arange(rows).astype(str))
    days = rng.integers(0, 365 * 6, rows)
    dates = (np.datetime64("2020-01-01") + days).astype(str)
    countries = np.array(["VEN", "COL", "PER", "CHL", "USA", "ESP", "ARG", "ECU", "BRA", "SLV"])
    words = np.array(["Arrest", "Raid", "Kidnapping", "Extortion", "Removal", "Charge"])
    text = lambda prefix: np.char.add(prefix, rng.integers(0, 10**6, rows).astype(str))  # noqa: E731
    columns = {
        "event_id": ids,
        "date": dates,
        "title": np.char.add(words[rng.integers(0, len(words), rows)], text(" of alleged members, case ")),
        "summary": text("Synthetic summary sentence for load testing, number "),
        "event_type": np.array(EVENT_TYPES)[rng.integers(0, len(EVENT_TYPES), rows)],
        "status": np.array(EVENT_STATUSES)[rng.integers(0, len(EVENT_STATUSES), rows)],
        "place": text("Town "),
        "admin1": np.array([""] * rows),
        "country": countries[rng.integers(0, len(countries), rows)],
        "location_note": np.array([""] * rows),
        "lat": np.round(rng.uniform(-55, 60, rows), 5),
        "lon": np.round(rng.uniform(-120, 30, rows), 5),
        "geocode": np.array(["manual"] * rows),
        "people_count": rng.integers(0, 50, rows),
        "people_count_kind": np.array(["arrested_or_charged"] * rows),
        "people_count_label": np.array(["people"] * rows),
        "source_id": np.array(source_ids)[cited],
        "quote": text("Synthetic quote that supports the row, with a number "),
        "confidence": CONFIDENCE[np.minimum(rng.integers(0, 3, rows), confidence_caps(source_ids)[cited])],
        "notes": np.array([""] * rows),
        "editor_notes": np.array([""] * rows),
    }
    assert list(columns) == TABLES["events"].columns
    return pa.table(columns)


def make_package(rows: int, directory: Path) -> Path:
    """Copy data/ and replace its events with `rows` synthetic ones, which the rulings (and any other linking table) then cite."""
    shutil.copytree(ROOT / "data", directory, dirs_exist_ok=True)
    sources = pacsv.read_csv(directory / "sources.csv").column("source_id").to_pylist()
    pacsv.write_csv(synthetic_events(rows, sources), directory / "events.csv")
    # Every row that links events (rulings, and any other table with a key into events) cites two
    # synthetic events, so the reference check runs against all of them.
    for table in TABLES.values():
        for key in table.foreign_keys:
            if key.table != "events" or not (directory / table.filename).exists():
                continue
            linking = pacsv.read_csv(directory / table.filename, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
            links = [f"ev-{i};ev-{rows - 1 - i}" if key.many else f"ev-{i}" for i in range(linking.num_rows)]
            linking = linking.set_column(linking.schema.get_field_index(key.column), key.column, pa.array(links))
            pacsv.write_csv(linking, directory / table.filename)
    # The shipped events' translations point at events that are no longer there: drop them.
    translations = pacsv.read_csv(directory / "translations.csv", convert_options=pacsv.ConvertOptions(column_types={name: pa.string() for name in TABLES["translations"].columns}))
    translations = translations.filter(pc.not_equal(translations.column("table"), "events"))
    pacsv.write_csv(translations, directory / "translations.csv")
    return directory


def append_events(rows: int, directory: Path, seed: int = 11) -> Path:
    """Copy data/ to `directory` and append `rows` synthetic events after the shipped ones (which stay, with
    their links and translations), so every page shows the shipped stories plus a large event table."""
    shutil.copytree(ROOT / "data", directory, dirs_exist_ok=True)
    if rows <= 0:
        return directory
    sources = pacsv.read_csv(directory / "sources.csv").column("source_id").to_pylist()
    events = synthetic_events(rows, sources, seed=seed, id_prefix="synthetic-ev-")
    staged = directory / "events.synthetic.csv"
    pacsv.write_csv(events, staged, write_options=pacsv.WriteOptions(include_header=False))
    path = directory / "events.csv"
    with path.open("rb+") as target:
        target.seek(0, 2)
        if target.tell():
            target.seek(-1, 2)
            if target.read(1) != b"\n":
                target.write(b"\n")
        with staged.open("rb") as source:
            shutil.copyfileobj(source, target, 1 << 20)
    staged.unlink()
    return directory

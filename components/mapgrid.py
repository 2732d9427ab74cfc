"""Many events on one map: above a point budget, events are counted in squares of a longitude/latitude grid.

Pure numpy/pandas (nothing here imports streamlit). The browser then receives one square per
occupied cell (a few thousand at most), never the events themselves: deck.gl's own aggregation
layers would ship every point. Every event that matches the filters and has coordinates is counted
in exactly one cell, so the squares' counts add up to what the caption says.

A cell is named by a code 'size:ix:iy' (its size in degrees and its column and row on the grid of
that size), which the page keeps in the URL as the area the reader zoomed into.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from components import i18n, labels, theme
from components.i18n import formats

POINT_BUDGET = 5_000  # more located events than this (after filtering) are drawn as squares
TARGET_CELLS_ACROSS = 60  # about this many squares across the wider side of the events' extent
CELL_SIZES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0)  # degrees
# Squares are shaded by how many events they hold, by powers of ten (1–9, 10–99, …): a light to dark blue
# ramp that does not compete with the event types' colours or the countries' shading.
SHADE_BINS = (1, 10, 100, 1_000, 10_000)
SHADES = ("#c6dbef", "#7fb2da", "#3b86c4", "#12549a", "#08285c")
SHADE_ALPHA = 215
CELL_OUTLINE = theme.rgb(theme.PAPER, 200)
CELLS_LAYER = "cells"

_CODE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})?):(-?\d{1,6}):(-?\d{1,6})$")


def cell_size(west: float, south: float, east: float, north: float, target: int = TARGET_CELLS_ACROSS) -> float:
    """The smallest of CELL_SIZES that keeps about `target` squares across the wider side of the extent."""
    span = max(float(east) - float(west), float(north) - float(south), 0.0)
    wanted = span / max(target, 1)
    return next((size for size in CELL_SIZES if size >= wanted), CELL_SIZES[-1])


def cell_index(values: np.ndarray, size: float) -> np.ndarray:
    """The grid column (longitudes) or row (latitudes) of each value: floor(value / size)."""
    return np.floor(np.asarray(values, dtype=float) / size).astype(np.int64)


def cell_code(size: float, ix: int, iy: int) -> str:
    return f"{format_size(size)}:{int(ix)}:{int(iy)}"


def format_size(size: float) -> str:
    return f"{size:g}"


def parse_cell(code: object) -> tuple[float, int, int] | None:
    """(size, ix, iy) of a cell code, or None when it is not one (sizes outside CELL_SIZES included)."""
    match = _CODE.match(str(code)) if isinstance(code, str) else None
    if not match:
        return None
    size = float(match.group(1))
    if not any(math.isclose(size, allowed) for allowed in CELL_SIZES):
        return None
    ix, iy = int(match.group(2)), int(match.group(3))
    west, south = ix * size, iy * size
    if not (-180.0 - size < west <= 180.0 and -90.0 - size < south <= 90.0):
        return None
    return size, ix, iy


def cell_bounds(code: str) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of a cell code; None when it is not a cell."""
    parsed = parse_cell(code)
    if parsed is None:
        return None
    size, ix, iy = parsed
    return ix * size, iy * size, (ix + 1) * size, (iy + 1) * size


def in_cell(lon: np.ndarray, lat: np.ndarray, code: str) -> np.ndarray:
    """Which coordinates fall in the cell (the same floor rule as aggregate, so the counts agree)."""
    parsed = parse_cell(code)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if parsed is None:
        return np.zeros(len(lon), dtype=bool)
    size, ix, iy = parsed
    with np.errstate(invalid="ignore"):
        return (cell_index(np.nan_to_num(lon, nan=1e9), size) == ix) & (cell_index(np.nan_to_num(lat, nan=1e9), size) == iy) & ~np.isnan(lon) & ~np.isnan(lat)


@dataclass(frozen=True)
class Grid:
    """The squares of one view: one row per occupied cell, and what was counted."""

    size: float
    cells: pd.DataFrame  # code, ix, iy, west, south, east, north, n, n_low, dominant, one n_<type> column per type present
    types: tuple[str, ...]  # the event type codes counted, in label order
    total: int  # events counted (located ones): cells["n"].sum()


def aggregate(lon: np.ndarray, lat: np.ndarray, kinds: np.ndarray, low: np.ndarray | None = None, size: float | None = None) -> Grid:
    """Count located events per cell of a size-degree grid (chosen from their extent when size is None).

    lon, lat: floats (NaN = no coordinates, not counted); kinds: the event type code of each event;
    low: True where the event's confidence is low. Deterministic: cells come sorted by (ix, iy), and a
    tie for the dominant type goes to the type first in label order.
    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    located = ~(np.isnan(lon) | np.isnan(lat))
    all_located = bool(located.all())
    if not all_located:
        lon, lat = lon[located], lat[located]
    codes, kind_index = _factorized(kinds)
    if not all_located:
        kind_index = kind_index[located]
    low = np.zeros(len(lon), dtype=bool) if low is None else np.asarray(low, dtype=bool)
    if not all_located and len(low) != len(lon):
        low = low[located]
    if size is None:
        size = cell_size(lon.min(), lat.min(), lon.max(), lat.max()) if len(lon) else CELL_SIZES[-1]
    ix, iy = cell_index(lon, size), cell_index(lat, size)
    rows = int(math.ceil(180 / size)) + 2  # iy lies in [-rows, rows]
    keys = (ix + 4 * rows) * (4 * rows) + (iy + 2 * rows)
    unique, inverse = _distinct(keys)
    cell_ix = unique // (4 * rows) - 4 * rows
    cell_iy = unique % (4 * rows) - 2 * rows
    known = list(labels.LABELS["event_type"])
    order = sorted(range(len(codes)), key=lambda i: (known.index(codes[i]) if codes[i] in known else len(known), codes[i]))
    types = tuple(str(codes[i]) for i in order)
    kinds_count = max(len(codes), 1)
    counts = np.bincount(inverse * kinds_count + kind_index, minlength=len(unique) * kinds_count).reshape(len(unique), kinds_count)
    counts = counts[:, order] if len(codes) else counts[:, :0]
    frame = pd.DataFrame(
        {
            "ix": cell_ix, "iy": cell_iy,
            "west": cell_ix * size, "south": cell_iy * size, "east": (cell_ix + 1) * size, "north": (cell_iy + 1) * size,
            "n": np.bincount(inverse, minlength=len(unique)).astype(np.int64),
            "n_low": np.bincount(inverse[low], minlength=len(unique)).astype(np.int64),
        }
    )
    for position, code in enumerate(types):
        frame[f"n_{code}"] = counts[:, position]
    frame["dominant"] = np.array(types, dtype=object)[counts.argmax(axis=1)] if types else ""
    frame.insert(0, "code", [cell_code(size, x, y) for x, y in zip(cell_ix, cell_iy)])
    return Grid(size=size, cells=frame, types=types, total=int(frame["n"].sum()))


def _distinct(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(keys, return_inverse=True), by counting instead of sorting when the keys span a small range."""
    if len(keys) == 0:
        return keys[:0], keys[:0]
    low, high = int(keys.min()), int(keys.max())
    if high - low > 8_000_000:
        return np.unique(keys, return_inverse=True)
    shifted = keys - low
    present = np.bincount(shifted, minlength=high - low + 1) > 0
    unique = np.flatnonzero(present)
    lookup = np.cumsum(present) - 1
    return unique + low, lookup[shifted]


def _factorized(kinds) -> tuple[list[str], np.ndarray]:
    """(distinct type codes, the index of each event's code among them); a Categorical is used as it is."""
    if isinstance(kinds, pd.Series) and isinstance(kinds.dtype, pd.CategoricalDtype):
        kinds = kinds.array
    if isinstance(kinds, pd.Categorical):
        codes = np.asarray(kinds.codes, dtype=np.int64)
        names = [str(name) for name in kinds.categories]
        if (codes < 0).any():  # a missing type counts under ''
            names.append("")
            codes = np.where(codes < 0, len(names) - 1, codes)
        return names, codes
    index, uniques = pd.factorize(pd.Series(kinds, dtype=object).fillna(""), sort=False)
    return [str(name) for name in uniques], np.asarray(index, dtype=np.int64)


def shade_index(counts: np.ndarray) -> np.ndarray:
    """0 for 1–9 events, 1 for 10–99, … (the last bin open-ended)."""
    return np.searchsorted(np.asarray(SHADE_BINS), np.asarray(counts), side="right") - 1


def shade(counts: np.ndarray) -> list[list[int]]:
    return [theme.rgb(SHADES[int(index)], SHADE_ALPHA) for index in shade_index(counts)]


def bin_label(index: int, lang: str = "en") -> str:
    """'1–9', '10–99', … '10,000 or more' in the reader's number format."""
    pgettext = i18n.pgettext_for(lang)
    low = SHADE_BINS[index]
    if index == len(SHADE_BINS) - 1:
        # TRANSLATORS: the last step of the map's square shading: {count} events or more in a square.
        return pgettext("map squares legend", "{count} or more").format(count=formats.number(low, lang))
    # TRANSLATORS: a step of the map's square shading: from {low} to {high} events in a square.
    return pgettext("map squares legend", "{low}–{high}").format(low=formats.number(low, lang), high=formats.number(SHADE_BINS[index + 1] - 1, lang))


def legend_items(grid: Grid, lang: str = "en") -> list[tuple[list[int], str]]:
    """(colour, label) for each shading step the squares use, lightest first."""
    used = sorted(set(shade_index(grid.cells["n"].to_numpy()).tolist())) if len(grid.cells) else []
    return [(theme.rgb(SHADES[index], SHADE_ALPHA), bin_label(index, lang)) for index in used]


@lru_cache(maxsize=4096)
def _degree_number(magnitude: float, lang: str) -> str:
    return formats.number(magnitude, lang, decimals=2)


def _degrees(value: float, positive: str, negative: str, lang: str) -> str:
    number = _degree_number(round(abs(float(value)), 6), lang)
    return f"{number}° {positive if value >= 0 else negative}"


def place_words(west: float, south: float, east: float, north: float, lang: str = "en") -> str:
    """'10° N–12.5° N, 67.5° W–65° W': where a square is, in plain degrees."""
    pgettext = i18n.pgettext_for(lang)
    # TRANSLATORS: compass letters for latitudes and longitudes on the map: north, south, east, west.
    north_letter, south_letter = pgettext("compass", "N"), pgettext("compass", "S")
    east_letter, west_letter = pgettext("compass", "E"), pgettext("compass", "W")
    lat = f"{_degrees(south, north_letter, south_letter, lang)}–{_degrees(north, north_letter, south_letter, lang)}"
    lon = f"{_degrees(west, east_letter, west_letter, lang)}–{_degrees(east, east_letter, west_letter, lang)}"
    return f"{lat}, {lon}"


def cell_records(grid: Grid, lang: str = "en") -> list[dict]:
    """The squares as the map's layer draws them: polygon, shade, and the tooltip's lines (text only, no data text)."""
    ngettext = i18n.ngettext_for(lang)
    _ = i18n.gettext_for(lang)
    cells = grid.cells
    colours = shade(cells["n"].to_numpy())
    type_names = {code: labels.label("event_type", code, lang) for code in grid.types}
    # TRANSLATORS: the last line of a map square's tooltip.
    hint = _("Tap or click the square to zoom in to its events.")
    numbers: dict[int, str] = {}

    def number(value: int) -> str:
        if value not in numbers:
            numbers[value] = formats.number(value, lang)
        return numbers[value]

    records = []
    type_counts = {code: cells[f"n_{code}"].to_numpy() for code in grid.types}
    for row, (code, west, south, east, north, count, low) in enumerate(
        zip(cells["code"], cells["west"], cells["south"], cells["east"], cells["north"], cells["n"].to_numpy(), cells["n_low"].to_numpy())
    ):
        parts = sorted(((int(type_counts[kind][row]), kind) for kind in grid.types if type_counts[kind][row]), key=lambda item: (-item[0], grid.types.index(item[1])))
        # TRANSLATORS: the first line of a map square's tooltip: how many events the square holds.
        title = ngettext("{n} event in this square", "{n} events in this square", int(count)).format(n=number(int(count)))
        breakdown = " · ".join(f"{type_names[kind]} {number(amount)}" for amount, kind in parts)
        # TRANSLATORS: a line of a map square's tooltip: how many of its events have low confidence.
        weak = ngettext("{n} of low confidence", "{n} of low confidence", int(low)).format(n=number(int(low))) if low else ""
        records.append(
            {
                "cell": code,
                "polygon": [[float(west), float(south)], [float(east), float(south)], [float(east), float(north)], [float(west), float(north)]],
                "color": colours[row],
                "cell_title": title,
                "cell_place": place_words(float(west), float(south), float(east), float(north), lang),
                "cell_types": breakdown + ("; " + weak if weak else ""),
                "cell_hint": hint,
            }
        )
    return records


def busiest(grid: Grid, limit: int = 30) -> pd.DataFrame:
    """The cells holding the most events, most first (ties in grid order): the 'zoom in to' choices."""
    return grid.cells.sort_values(["n", "ix", "iy"], ascending=[False, True, True], kind="stable").head(limit)

"""No value the validator accepts can break a page: each odd but valid value is either rejected or every page renders it."""

from __future__ import annotations

import pytest

from components.schemas import DEFAULT_MAX_LENGTH, EARLIEST_EVENT_YEAR
from components.validation import load_package
from tests.helpers import open_page, read_rows, set_cell, write_rows

OVERVIEW, MAP, FIGURES, RULINGS = "app_pages/overview.py", "app_pages/map.py", "app_pages/figures.py", "app_pages/rulings.py"
RTL_TITLE = "اعتقال عضو مزعوم في العصابة"  # right-to-left script is text, not a bidi control


def first(path, column, wanted):
    return next(position for position, row in enumerate(read_rows(path)[1]) if row[column] == wanted)


def longest_title(data):
    set_cell(data / "events.csv", 0, "title", "W" * DEFAULT_MAX_LENGTH)


def earliest_dates(data):
    set_cell(data / "events.csv", 0, "date", f"{EARLIEST_EVENT_YEAR}")
    set_cell(data / "rulings.csv", 0, "date", "2025-01-01")


def one_event_only(data):
    header, rows = read_rows(data / "events.csv")
    write_rows(data / "events.csv", header, rows[:1])
    header, rulings = read_rows(data / "rulings.csv")
    write_rows(data / "rulings.csv", header, [dict(row, related_event_ids="") for row in rulings])


def zero_figures(data):
    header, rows = read_rows(data / "figures.csv")
    for row in rows:
        if row["metric"] in ("membership", "annual_profits_usd", "reward_usd") and row["value"]:
            row.update(value="0", low="", high="", label=f"{row['metric']} estimate by {row['estimator']}")
    write_rows(data / "figures.csv", header, rows)


def edge_coordinates(data):
    position = first(data / "events.csv", "geocode", "manual")
    set_cell(data / "events.csv", position, "lat", "-90")
    set_cell(data / "events.csv", position, "lon", "180")


def huge_people_count(data):
    position = first(data / "events.csv", "people_count_kind", "arrested_or_charged")
    set_cell(data / "events.csv", position, "people_count", "2000000000")


def right_to_left_and_emoji(data):
    set_cell(data / "events.csv", 0, "title", RTL_TITLE + " 🚔")
    set_cell(data / "rulings.csv", 0, "case_name", "Ñandú v. Trump 🏛️ " + RTL_TITLE)


def no_rulings_in_one_case(data):
    header, rows = read_rows(data / "rulings.csv")
    write_rows(data / "rulings.csv", header, rows[:1])


# Each odd value with the pages that draw the table it changes.
ODD_VALUES = [
    (longest_title, [MAP, RULINGS]),
    (earliest_dates, [OVERVIEW, MAP, RULINGS, FIGURES]),
    (one_event_only, [OVERVIEW, MAP, RULINGS]),
    (zero_figures, [OVERVIEW, FIGURES]),
    (edge_coordinates, [MAP]),
    (huge_people_count, [MAP]),
    (right_to_left_and_emoji, [MAP, RULINGS]),
    (no_rulings_in_one_case, [OVERVIEW, RULINGS, FIGURES]),
]


@pytest.mark.parametrize("change, pages", ODD_VALUES, ids=lambda item: getattr(item, "__name__", ""))
def test_every_page_renders_an_accepted_odd_value(change, pages, data_copy, monkeypatch):
    change(data_copy)
    package = load_package(data_copy)
    if not package.valid:  # rejected with file, line and column is also a right answer
        assert all(error.file and error.rule for error in package.errors)
        return
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    for page in pages:
        at = open_page(page)
        assert not at.exception, (page, [item.value for item in at.exception])

"""Issue 12, heavy files: a changed file is read and validated once for every session and page, a failed load
gives its memory back, pages on the last good data do not redo work per rerun, and a slow file is not re-hashed
on every rerun."""

import io
import zipfile

import pytest

from components import datasets, validation
from components.i18n import data as i18n_data
from tests.helpers import read_rows, set_cell, write_rows


@pytest.fixture
def live_copy(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    return data_copy


def break_every_row(directory):
    header, rows = read_rows(directory / "events.csv")
    for row in rows:
        row["confidence"] = "certain"
    write_rows(directory / "events.csv", header, rows)


def test_a_failed_load_gives_its_memory_back(live_copy, monkeypatch):
    released = []
    monkeypatch.setattr(datasets, "_release_memory", lambda: released.append(True))
    datasets.load_events()
    break_every_row(live_copy)
    state = datasets.load_state()
    assert state.stale and state.error_count == len(read_rows(live_copy / "events.csv")[1])
    assert len(released) == 2  # after the good load and after the failed one
    loaded = datasets._cached_package(str(live_copy.resolve()), datasets.data_version())
    assert all(frame.empty for frame in loaded.package.tables.values())


def test_releasing_memory_works_here():
    datasets._release_memory()  # gc, pyarrow's pool, glibc's malloc_trim: none raises
    assert datasets._malloc_trim is not None  # Debian's glibc has it: the server can shrink after a failed load


def test_pages_on_the_last_good_data_are_localized_once_per_table_and_language(live_copy, monkeypatch):
    calls = []
    real = datasets.localize
    monkeypatch.setattr(datasets, "localize", lambda frame, name, lang, *rest: calls.append((name, lang)) or real(frame, name, lang, *rest))
    good = datasets.load_events("es")
    break_every_row(live_copy)
    calls.clear()
    for _ in range(4):  # four reruns of a page, in both languages
        assert datasets.load_events("es").equals(good)
        datasets.load_events("en")
        datasets.load_sources("es")
    assert sorted(calls) == [("events", "en"), ("events", "es"), ("sources", "es")]
    shown = datasets.load_events("es")
    shown.loc[0, "title"] = "changed by a page"  # a page changing its copy changes nothing for the next
    assert datasets.load_events("es").equals(good)


def test_a_file_that_takes_long_to_hash_is_hashed_again_after_a_multiple_of_that_time(live_copy, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(datasets.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(datasets, "_stat_signature", lambda stat: (stat.st_mtime_ns, stat.st_size))
    real = datasets.hashlib.file_digest

    def slow(handle, name):
        clock[0] += 1.0  # this file takes a second to hash
        return real(handle, name)

    monkeypatch.setattr(datasets.hashlib, "file_digest", slow)
    datasets._digests.clear()
    path = live_copy / "events.csv"
    first = datasets._file_digest(path)
    hashed = []
    monkeypatch.setattr(datasets.hashlib, "file_digest", lambda handle, name: hashed.append(1) or slow(handle, name))
    clock[0] += datasets.HASH_TTL_SECONDS + 1  # past the plain TTL, well within HASH_DUTY seconds
    assert datasets._file_digest(path) == first and hashed == []
    clock[0] += datasets.HASH_DUTY
    datasets._file_digest(path)
    assert hashed == [1]


def test_the_data_package_zip_is_built_once_per_version_and_never_from_invalid_files(live_copy, monkeypatch):
    built = []
    from components import downloads

    real = downloads.data_package_zip
    monkeypatch.setattr(downloads, "data_package_zip", lambda directory, *rest: built.append(directory) or real(directory, *rest))
    first = datasets.package_zip()
    assert datasets.package_zip() == first and len(built) == 1
    names = zipfile.ZipFile(io.BytesIO(first)).namelist()
    assert any(name.endswith("/events.csv") for name in names)
    break_every_row(live_copy)
    assert datasets.package_zip() == first and len(built) == 1  # readers keep the last good package
    datasets._last_good.clear()
    datasets._zips.clear()
    assert datasets.package_zip() is None  # a restart on invalid files: no package rather than the broken files


def test_a_changed_file_is_validated_once_for_every_page_language_and_session(live_copy, monkeypatch):
    calls = []
    real = validation.load_package
    monkeypatch.setattr(datasets, "load_package", lambda directory: calls.append(directory) or real(directory))
    datasets.load_events()
    set_cell(live_copy / "events.csv", 0, "lat", "123.5")
    for lang in ("en", "es", "en"):
        datasets.current_errors()
        datasets.load_state()
        datasets.editor_warnings()
        datasets.package_zip()
        for load in (datasets.load_events, datasets.load_sources, datasets.load_rulings, datasets.load_figures):
            load(lang)
    assert len(calls) == 2  # the good version, then the invalid one: once each


def test_the_sources_page_offers_the_last_good_package_never_the_files_being_fixed(live_copy, offered):
    from tests.helpers import open_page

    def package_button(at):
        return next((button for button in at.get("download_button") if button.proto.id.endswith("sources_package_zip")), None)

    at = open_page("app_pages/sources.py")
    assert package_button(at) is not None
    good = offered.pop("sources_package_zip")()
    break_every_row(live_copy)
    at = open_page("app_pages/sources.py")
    assert not at.exception and package_button(at) is not None
    assert offered.pop("sources_package_zip")() == good  # the zip of the last good data, not the broken events.csv
    datasets._last_good.clear()
    datasets._zips.clear()
    at = open_page("app_pages/sources.py")  # as after a restart on the broken files
    assert not at.exception and package_button(at) is None and "sources_package_zip" not in offered
    assert any("can be downloaded again once the data being updated has been checked" in info.value for info in at.info)
    assert "certain" not in "\n".join(block.value for block in at.markdown)


def test_a_page_changing_its_table_changes_nothing_for_other_sessions(live_copy):
    first = datasets.load_events("en")
    before = first.copy()
    first.loc[first.index[0], "title"] = "changed by a page"
    first["added_by_a_page"] = 1
    again = datasets.load_events("en")
    assert again.equals(before) and "added_by_a_page" not in again

"""A save killed at any point leaves the old or the new file, whole and valid, and recover() makes the log agree.
Two processes saving the same table from the same base: one wins, the other gets the conflict.

Real processes: a child Python runs Store.save and is ended at a point of the save by TDA_DESK_CRASH_AT (os._exit,
as a kill would leave it: no clean-up, no finally), or by SIGKILL at a random moment. Both databases.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from components.desk import csvfile
from components.desk.store import CRASH_POINTS, Store
from components.validation import load_package
from tests.desk_db import desk_url, postgres_server  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
from pathlib import Path
from components.desk.store import Store
url, folder, mode = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
store = Store(url, data_dir=folder)
if mode == "race":
    base, go = sys.argv[4], Path(sys.argv[5])
    opened = store.open_table("events")
    assert opened.digest == base
    frame = opened.frame.copy()
    frame.loc[int(sys.argv[6]), "editor_notes"] = "from process " + sys.argv[6]
    while not go.exists():
        time.sleep(0.005)
    result = store.save("events", frame, base_digest=base, editor="p" + sys.argv[6], reason="race")
    print(json.dumps({"ok": result.ok, "conflict": result.conflict is not None, "theirs": [c.record_id for c in result.conflict.theirs] if result.conflict else []}))
    sys.exit(0)
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 1
for turn in range(rounds):
    opened = store.open_table("events")
    frame = opened.frame.copy()
    frame.loc[0, "title"] = frame.loc[0, "title"].split(" #")[0] + f" #{time.time_ns()}"
    correction = "The title was wrong." if mode == "correction" else None
    if mode == "notes":
        frame = opened.frame.copy()
        frame.loc[1, "editor_notes"] = f"note {time.time_ns()}"
    result = store.save("events", frame, base_digest=opened.digest, editor="ana", reason="crash test", correction=correction)
    assert result.ok, result
print("saved")
"""


def _child(desk_url: str, folder: Path, *args: str, crash: str | None = None, **kwargs) -> subprocess.Popen:
    env = {**os.environ}
    env.pop("TDA_DESK_CRASH_AT", None)
    if crash:
        env["TDA_DESK_CRASH_AT"] = crash
    return subprocess.Popen([sys.executable, "-c", CHILD, desk_url, str(folder), *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def _consistent(store: Store, folder: Path) -> None:
    """Every file valid, no temp file, no pending save, and the latest version of each table the store knows is the file on disk."""
    assert load_package(folder).errors == []
    assert not list(folder.glob(".*.tmp"))
    from components.desk.store import saves_table
    import sqlalchemy as sa

    with store.engine.connect() as connection:
        assert connection.execute(sa.select(saves_table.c.id).where(saves_table.c.state == "pending")).all() == []
    for table in ("events", "changes"):
        latest = store.versions(table)[0]  # versions() records a file changed outside the desk, never one the log misses:
        assert latest.digest == csvfile.digest((folder / f"{table}.csv").read_bytes())
        assert latest.kind in ("first_seen", "save", "recovered")


@pytest.mark.parametrize("point", CRASH_POINTS)
@pytest.mark.parametrize("mode", ["notes", "correction"])
def test_a_save_killed_at_each_point_leaves_old_or_new_and_the_log_agrees(desk_url, data_copy, point, mode):
    store = Store(desk_url, data_dir=data_copy)
    store.versions("events"), store.versions("changes")  # the shipped files as first seen
    old = {name: (data_copy / f"{name}.csv").read_bytes() for name in ("events", "changes")}
    child = _child(desk_url, data_copy, mode, crash=point)
    _, err = child.communicate(timeout=120)
    assert child.returncode == 75, err[-2000:]
    if point == "after_temp":
        assert list(data_copy.glob(".events.csv.desk-*.tmp"))  # killed with its temp file written, not renamed
    if point == "after_rename":  # before recovery, the half-done save is not taken for a change made outside the desk
        assert "found_on_disk" not in [version.kind for version in store.versions("events")]
    said = store.recover()
    new = {name: (data_copy / f"{name}.csv").read_bytes() for name in ("events", "changes")}
    log = store.history()
    if point in ("after_intent", "after_temp"):
        assert new == old and log.empty
        assert len(said) == 1 and "still the version before it" in said[0]
    else:
        assert new["events"] != old["events"]
        assert (new["changes"] != old["changes"]) == (mode == "correction")  # a two-file save is finished, never half done
        assert "title" in set(log["column"]) or "editor_notes" in set(log["column"])
        if mode == "correction":
            assert "changes" in set(log["table"])
        if point == "after_rename":
            assert len(said) == 1 and "completed" in said[0]
        else:
            assert said == []
    _consistent(store, data_copy)
    assert store.recover() == []  # nothing left to do


def test_saves_killed_at_random_moments_never_leave_a_broken_file(desk_url, data_copy):
    store = Store(desk_url, data_dir=data_copy)
    chance = random.Random(20261202)
    for _ in range(4):
        child = _child(desk_url, data_copy, "correction", "50")
        time.sleep(chance.uniform(2.5, 5.0))  # past the imports, somewhere in the saves
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
        store.recover()
        _consistent(store, data_copy)
        on_disk = csvfile.read_frame((data_copy / "events.csv").read_bytes(), "events.csv")
        titles = store.history(table="events")
        if not titles.empty:
            assert titles.iloc[0]["after"] == on_disk.loc[0, "title"]  # the newest logged title is the one on disk


def test_two_processes_saving_the_same_table_from_the_same_base_one_wins(desk_url, data_copy, tmp_path):
    store = Store(desk_url, data_dir=data_copy)
    base = store.open_table("events").digest
    go = tmp_path / "go"
    children = [_child(desk_url, data_copy, "race", base, str(go), str(position)) for position in (2, 3)]
    time.sleep(4)  # both have opened the table and wait
    go.touch()
    results = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert sorted(r["ok"] for r in results) == [False, True]
    loser = next(r for r in results if not r["ok"])
    winner = 2 if results[0]["ok"] else 3
    assert loser["conflict"] is True
    on_disk = csvfile.read_frame((data_copy / "events.csv").read_bytes(), "events.csv")
    assert loser["theirs"] == [on_disk.loc[winner, "event_id"]]  # the refused one sees what the other saved
    assert on_disk.loc[winner, "editor_notes"] == f"from process {winner}"
    assert on_disk.loc[5 - winner, "editor_notes"] != f"from process {5 - winner}"
    assert list(store.history()["editor"]) == [f"p{winner}"]
    assert load_package(data_copy).errors == []

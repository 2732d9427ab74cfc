"""What readers see is written for readers: no word about how the data was compiled reaches a page.

Every page is rendered with AppTest and every piece of text it sends (markdown, captions,
widget options, tables, chart and map specs) is searched for editors' wording. The details
of every event and ruling, which a page shows one at a time, are checked through the same
functions the pages use.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from google.protobuf.json_format import MessageToDict

from components import maps, timeline, transforms
from tests.conftest import ROOT
from tests.helpers import open_page

PAGES = sorted((ROOT / "app_pages").glob("*.py"))

# Editors' words: how rows were found, checked or compiled. They belong in editor_notes or data/README.md's editing sections.
INTERNAL = re.compile(
    r"\bseeds?\b|reference research|\bthe reference\b|\buntitled\b|not named in (the )?seed|\btypo\b|\bcompiled\b|"
    r"stored (copy|page|text)|project file|not recorded in|this research|geonameid|\bTODO\b",
    re.IGNORECASE,
)
BINARY_KEYS = {"data", "arrowData", "bytes", "figure"}  # encoded payloads, decoded separately where they hold text


def _strings(value: object, key: str = "") -> list[str]:
    if isinstance(value, dict):
        return [text for name, item in value.items() if name not in BINARY_KEYS for text in _strings(item, name)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item, key)]
    return [value] if isinstance(value, str) else []


def _elements(node):
    children = getattr(node, "children", None)
    if children is None:
        yield node
        return
    if getattr(node, "proto", None) is not None:
        yield node
    for child in (children.values() if isinstance(children, dict) else children):
        yield from _elements(child)


def reader_text(at) -> list[str]:
    """Every string a page sent to the browser (tables decoded), one entry per piece."""
    texts = []
    for element in _elements(at._tree):
        proto = getattr(element, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            texts += _strings(MessageToDict(proto))
    for frame in at.dataframe:
        table = frame.value
        texts += [str(column) for column in table.columns]
        texts += [str(cell) for column in table.columns for cell in table[column].tolist()]
    return texts


def internal_words(texts: list[str]) -> list[str]:
    return sorted({match.group(0) + ": " + text[:120] for text in texts for match in [INTERNAL.search(text)] if match})


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_no_page_shows_editors_wording(page: Path):
    at = open_page(str(page.relative_to(ROOT)))
    assert not at.exception
    assert internal_words(reader_text(at)) == []


def test_no_event_details_show_editors_wording(tables):
    labelled = maps.event_labels(tables["events"])
    texts = [text for _, event in labelled.iterrows() for _, text in maps.event_facts(event)]
    texts += [str(event[column]) for _, event in labelled.iterrows() for column in ("title", "summary", "quote")]
    assert internal_words(texts) == []


def test_no_ruling_details_show_editors_wording(tables):
    texts = [text for _, ruling in tables["rulings"].iterrows() for _, text in timeline.ruling_details(ruling)]
    assert internal_words(texts) == []


def test_no_citation_shows_editors_wording(tables):
    sources = tables["sources"]
    texts = [transforms.citation(source) for _, source in sources.iterrows()]
    texts += [str(cell) for column in transforms.sources_for_readers(sources).columns for cell in transforms.sources_for_readers(sources)[column]]
    assert internal_words(texts) == []


def test_the_check_finds_editors_wording():
    assert internal_words(["Seed article (project file seeds/003.txt)", "A clean caption"]) != []
    assert internal_words(["Succeeded in court", "Proceeds of crime"]) == []

"""The static site (make site): every chart in both languages, images at their sizes, pages that stay inside the
site, and frozen versions that never change when the data does."""

from __future__ import annotations

import io
import re
import shutil
import warnings
from pathlib import Path

import pytest
from PIL import Image

from components import i18n
from components.publishing import exports, registry, site
from tests.conftest import ROOT
from tests.helpers import read_rows, write_rows

LINK = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def _build(*args, **kwargs) -> site.Result:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        return site.build(*args, log=lambda line: None, **kwargs)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    result = _build(folder, ROOT / "data")
    yield folder, result
    exports.EXPORTER.stop()


def _version_folder(built) -> Path:
    folder, result = built
    return folder / "v" / result.version


def test_every_chart_in_both_languages_has_its_files(built):
    version = _version_folder(built)
    assert len(built[1].version) == 12
    for lang in site.LANGS:
        assert (version / f"index-{lang}.html").exists()
        for chart_id in registry.CHARTS:
            base = version / "charts" / f"{chart_id}-{lang}"
            for suffix in ("-web.png", "-web.svg", "-social.png", "-social.svg", ".csv"):
                assert Path(f"{base}{suffix}").stat().st_size > 0, f"{base}{suffix}"
            assert (version / "embed" / f"{chart_id}-{lang}.html").exists()
            page = version / (f"map-{lang}.html" if chart_id == "map" else f"charts/{chart_id}-{lang}.html")
            assert page.exists(), page
    for asset in site.ASSETS.values():
        assert (version / "assets" / asset).stat().st_size > 0
    assert (built[0] / "latest" / "index-es.html").read_bytes() == (version / "index-es.html").read_bytes()
    assert f"v/{built[1].version}/index-es.html" in (built[0] / "index.html").read_text(encoding="utf-8")


def test_images_decode_at_their_sizes_and_carry_title_and_version(built):
    version = _version_folder(built)
    short = built[1].version[:6]
    for lang in site.LANGS:
        for chart_id in registry.CHARTS:
            base = version / "charts" / f"{chart_id}-{lang}"
            web = Image.open(io.BytesIO(Path(f"{base}-web.png").read_bytes()))
            social = Image.open(io.BytesIO(Path(f"{base}-social.png").read_bytes()))
            assert web.format == "PNG" and web.size[0] == exports.SIZES["web"].width
            assert social.size == (exports.SIZES["social"].width, exports.SIZES["social"].height)
            svg = Path(f"{base}-social.svg").read_text(encoding="utf-8")
            assert svg.lstrip().startswith("<svg") and short in svg, f"{base}-social.svg has no data version"
    # The title inside the picture, in each language.
    svg_es = (version / "charts" / "membership-estimates-es-web.svg").read_text(encoding="utf-8")
    svg_en = (version / "charts" / "membership-estimates-en-web.svg").read_text(encoding="utf-8")
    assert "miembros" in svg_es and "Tren de Aragua" in svg_en and svg_es != svg_en


def test_pages_are_utf8_name_their_language_and_link_only_inside_the_site(built):
    folder = built[0]
    app = site.app_url()
    for path in [folder / "index.html", *sorted((folder / "v").rglob("*.html"))]:
        text = path.read_text(encoding="utf-8")
        assert '<meta charset="utf-8">' in text
        lang = re.search(r'<html lang="([a-z]+)">', text)
        assert lang and lang.group(1) in i18n.LANGS, path
        for link in LINK.findall(text):
            if re.match(r"(?i)^\s*(https?:)?//", link):
                assert link.startswith(app + "/"), f"{path.name} links outside the site: {link}"
            else:
                assert not re.match(r"(?i)^\s*[a-z]+:", link) or link == "data:,", f"{path.name}: {link}"


def test_every_relative_link_points_at_a_file_of_the_site(built):
    folder = built[0]
    for path in sorted((folder / "v").rglob("*.html")):
        for link in LINK.findall(path.read_text(encoding="utf-8")):
            if re.match(r"(?i)^\s*(https?:)?//", link):
                continue
            if link == "data:,":
                continue
            target = (path.parent / link.split("#")[0]).resolve() if link.split("#")[0] else path
            assert target.exists(), f"{path.relative_to(folder)} -> {link}"


def test_the_spanish_pages_are_in_spanish(built):
    version = _version_folder(built)
    index = (version / "index-es.html").read_text(encoding="utf-8")
    assert registry.title("membership-estimates", "es") in index
    page = (version / "charts" / "membership-estimates-es.html").read_text(encoding="utf-8")
    assert "Fuente" in page and "Citar este gráfico" in page and "lang=es" in page
    csv = (version / "charts" / "rulings-timeline-es.csv").read_bytes().decode("utf-8-sig")
    assert csv.splitlines()[0] != (version / "charts" / "rulings-timeline-en.csv").read_bytes().decode("utf-8-sig").splitlines()[0]


def test_data_text_is_escaped_in_the_pages(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    header, events = read_rows(data / "events.csv")
    events[0]["title"] = '<img src=x onerror="alert(1)"></script><script>alert(2)</script>'
    write_rows(data / "events.csv", header, events)
    loaded = site.load(data)
    drawn = site.draw(loaded, "map", "en")
    text = site.map_page(loaded, "en", drawn) + site.embed_page(loaded, "map", "en", drawn, *site.deck_block(loaded, "en", False, "../"))
    assert "<img src=x" not in text and "<script>alert(2)" not in text
    assert "&lt;img src=x" in text  # in the events table, as text


def test_a_frozen_version_never_changes_when_the_data_does(tmp_path):
    """Rebuilding the same data writes the same bytes; a data edit makes a new version and leaves the old one as it was."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    out = tmp_path / "site"
    subset = {"charts_wanted": ["membership-estimates"], "langs": ["es"]}
    first = _build(out, data, **subset)
    old = out / "v" / first.version
    before = {path.relative_to(old): path.read_bytes() for path in old.rglob("*") if path.is_file()}
    again = _build(out, data, **subset)
    assert again.version == first.version
    rebuilt = {path.relative_to(old): path.read_bytes() for path in old.rglob("*") if path.is_file()}
    assert rebuilt == before, [str(name) for name in before if rebuilt.get(name) != before[name]]
    header, rows = read_rows(data / "figures.csv")
    rows[0]["notes"] = (rows[0]["notes"] + " Checked again.").strip()
    write_rows(data / "figures.csv", header, rows)
    second = _build(out, data, **subset)
    assert second.version != first.version
    after = {path.relative_to(old): path.read_bytes() for path in old.rglob("*") if path.is_file()}
    assert after == before, "the old version's files changed"
    assert (out / "v" / second.version / "charts" / "membership-estimates-es.html").exists()
    latest = (out / "latest" / "index-es.html").read_text(encoding="utf-8")
    assert second.version[:6] in latest and first.version[:6] not in latest
    listed = (out / "index.html").read_text(encoding="utf-8")
    assert listed.index(second.version) < listed.index(first.version), "the newest version is listed first"


def test_a_published_version_is_left_as_it_was_even_by_newer_code(tmp_path):
    """Once a version is built in full (.complete), a rebuild leaves its files alone; rebuild=True writes them again."""
    out = tmp_path / "site"
    subset = {"charts_wanted": ["annual-profits"], "langs": ["en"]}
    first = _build(out, ROOT / "data", **subset)
    folder = out / "v" / first.version
    (folder / site.COMPLETE_MARK).write_text(first.version + "\n")
    page = folder / "charts" / "annual-profits-en.html"
    published = page.read_bytes() + b"<!-- as published -->"
    page.write_bytes(published)  # what a story embeds, drawn by an older version of the code
    _build(out, ROOT / "data", **subset)
    assert page.read_bytes() == published
    _build(out, ROOT / "data", rebuild=True, **subset)
    assert page.read_bytes() != published

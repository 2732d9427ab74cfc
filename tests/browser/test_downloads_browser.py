"""The whole data package on Sources & method: nothing of it crosses the wire until the reader clicks, then one zip."""

from __future__ import annotations

import io
import zipfile

from components import downloads

DOWNLOAD_TIMEOUT_MS = 60_000


def test_the_data_package_is_fetched_only_on_the_click_and_is_a_whole_zip(visit):
    opened = visit("/sources", (375, 812), touch=True)
    page = opened.page
    button = page.get_by_role("button", name="Download the whole data package")
    button.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)  # time for anything the page would fetch for its download buttons
    media = [url for url in opened.requests if "/media/" in url]
    assert not [url for url in media if url.endswith(".zip") or "zip" in url], media
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename == downloads.PACKAGE_FILENAME
    with open(download.path(), "rb") as handle:
        package = zipfile.ZipFile(io.BytesIO(handle.read()))
    names = set(package.namelist())
    assert {f"{downloads.PACKAGE_FOLDER}/{name}" for name in ("datapackage.json", "events.csv", "LICENSE-DATA.md")} <= names
    assert package.testzip() is None  # every member reads back whole
    opened.assert_safe()

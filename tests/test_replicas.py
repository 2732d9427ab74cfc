"""Two processes of the dashboard behind Debian's nginx (tools/replicas.py): health, sticky routes, a reader's script run.

A real nginx and two real `streamlit run` processes on free loopback ports; a reader is the protocol client of
benchmarks/bench_readers.py (Streamlit's websocket messages, as the browser sends them) and plain HTTP.
Which process served a request is read from nginx's access log (route key and upstream on every line).
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.bench_readers import ReaderSession
from tools import replicas
from tools.loopback import free_port

ROUTE = re.compile(r"^[0-9a-f]{32}$")
LOG_LINE = re.compile(r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) \d+ route=(?P<route>\S+) upstream=(?P<upstream>\S+)')


@pytest.fixture(scope="module")
def running(tmp_path_factory) -> Iterator[replicas.Replicas]:
    if replicas.find_nginx() is None:
        pytest.fail(replicas.INSTALL_HINT, pytrace=False)
    prefix = tmp_path_factory.mktemp("replicas")
    with replicas.Replicas(count=2, port=free_port(), prefix=prefix) as started:
        yield started


def request(url: str, route: str | None = None, method: str = "GET", body: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) of one plain HTTP request, sending the route cookie when given."""
    headers = dict(headers or {})
    if route:
        headers["Cookie"] = "; ".join(filter(None, [f"tda_route={route}", headers.get("Cookie")]))
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, method=method, headers=headers), timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def set_route(headers) -> str:
    cookies = dict(header.split(";", 1)[0].split("=", 1) for header in headers.get_all("Set-Cookie") or [])
    return cookies.get("tda_route", "")


def log_lines(running: replicas.Replicas, route: str, until: str) -> list[dict]:
    """nginx's access log lines for a route key, once one for the path `until` is there (nginx writes a line
    just after the response ends, a websocket's when it closes)."""
    deadline = time.monotonic() + 10
    while True:
        text = running.access_log.read_text() if running.access_log.exists() else ""
        lines = [match.groupdict() for match in map(LOG_LINE.search, text.splitlines()) if match and match["route"] == route]
        if any(line["path"].startswith(until) for line in lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def upstream_of(running: replicas.Replicas, route: str) -> str:
    status, _, _ = request(f"{running.url}/_stcore/health", route=route)
    assert status == 200
    return log_lines(running, route, until="/_stcore/health")[-1]["upstream"]


def upload(running: replicas.Replicas, session: ReaderSession, route: str, size: int) -> int:
    """PUT a CSV of size bytes to the session's upload URL, as st.file_uploader does; returns the status."""
    boundary = secrets.token_hex(8)
    content = b"event_id,title\n" + b"x" * (size - 15)
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="events.csv"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    xsrf = session.cookies["_streamlit_xsrf"]
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "X-Xsrftoken": xsrf, "Cookie": f"_streamlit_xsrf={xsrf}"}
    url = f"{running.url}/_stcore/upload_file/{session.session_id}/{secrets.token_hex(8)}"
    return request(url, route=route, method="PUT", body=body, headers=headers)[0]


def run_in_its_own_loop(make_coroutine) -> None:
    """asyncio.run in a thread of its own: a worker that ran a Playwright test before keeps an event loop running
    in this thread, and asyncio.run refuses to start inside one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(make_coroutine())).result()


def test_health_through_nginx_sets_a_route_cookie(running):
    status, headers, body = request(f"{running.url}/_stcore/health")
    assert (status, body) == (200, b"ok")
    assert ROUTE.match(set_route(headers)), headers.get_all("Set-Cookie")
    assert "HttpOnly" in next(h for h in headers.get_all("Set-Cookie") if h.startswith("tda_route="))


def test_new_readers_are_spread_over_both_processes(running):
    upstreams = {upstream_of(running, secrets.token_hex(16)) for _ in range(16)}
    assert upstreams == {f"127.0.0.1:{backend.port}" for backend in running.backends}


def test_a_reader_stays_on_one_process_for_http_websocket_and_uploads(running):
    session = ReaderSession(running.url)
    statuses: dict[str, int] = {}

    async def read_the_map_and_upload() -> None:
        try:
            await session.open("/map", "map_country=USA")
            await session.choose("map_type", 0)
            route = session.cookies["tda_route"]
            # While the page is open: plain HTTP with the cookie, and an editor's upload of a 2 MB CSV (more
            # than nginx's default 1 MB body), which only the process holding the session accepts.
            for path in ("/map", "/_stcore/health", "/_stcore/host-config", "/app/static/favicon.png"):
                statuses[path] = request(running.url + path, route=route)[0]
            statuses["upload"] = upload(running, session, route, size=2 * 1024 * 1024)
            served_by = upstream_of(running, route)
            other = next(key for key in (secrets.token_hex(16) for _ in range(64)) if upstream_of(running, key) != served_by)
            statuses["upload elsewhere"] = upload(running, session, other, size=1024)
        finally:
            await session.close()

    run_in_its_own_loop(read_the_map_and_upload)
    route = session.cookies["tda_route"]
    assert ROUTE.match(route)
    assert session.exceptions == []  # the protocol client raises on an exception element; none was left either
    assert "map_type=" in session.query_string and "map_country=USA" in session.query_string  # the filter ran
    assert session.handshake_cookies.get("tda_route") == route  # the websocket kept the route it was given
    assert statuses == {
        "/map": 200, "/_stcore/health": 200, "/_stcore/host-config": 200, "/app/static/favicon.png": 200,
        "upload": 204,
        "upload elsewhere": 400,  # the other process has no such session
    }  # fmt: skip

    lines = log_lines(running, route, until="/_stcore/stream")
    assert len({line["upstream"] for line in lines}) == 1, lines
    paths = [line["path"] for line in lines]
    for wanted in ("/map?map_country=USA", "/_stcore/stream", "/_stcore/health", f"/_stcore/upload_file/{session.session_id}/"):
        assert any(path.startswith(wanted) for path in paths), (wanted, paths)
    assert any(line["path"] == "/_stcore/stream" and line["status"] == "101" for line in lines)


def test_launcher_refuses_a_template_field_it_does_not_know(tmp_path):
    template = tmp_path / "nginx.conf.template"
    template.write_text("pid @PREFIX@/nginx.pid;\nlisten @PORT@;\n")
    with pytest.raises(ValueError, match="@PORT@"):
        replicas.render_config(Path("/srv/x"), "127.0.0.1:1", [2], template=template)

"""Several processes of the dashboard behind nginx, for many readers at once (`make serve-replicas`).

    .venv/bin/python -m tools.replicas [--replicas 2] [--port 8501] [--host 127.0.0.1] [--prefix DIR]

Starts N `streamlit run dashboard.py` processes on free loopback ports, all with the same
STREAMLIT_SERVER_COOKIE_SECRET (taken from the environment, else generated for this run), then
Debian's nginx in the foreground from deploy/nginx.conf.template, with its pid, logs and temporary
files under a prefix folder (a new temporary folder unless --prefix names one, which is then kept).
nginx sends each browser to one process for all its requests (a route cookie, hashed consistently),
upgrades the websocket and streams responses. The command waits until every process and nginx
answer their health check, prints the address, and stops everything on Ctrl-C (or when one of the
processes exits). The app's settings (TDA_DATA_DIR, TDA_DATABASE_URL, …) pass through to every
process; several processes need the shared database for the editor's desk (see README).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
HEALTH_SECONDS = 90
INSTALL_HINT = "nginx was not found. Install it with `sh tools/system-packages.sh nginx` (as root), or: sudo apt-get install -y nginx-light"

sys.path.insert(0, str(ROOT))
from tools.loopback import free_port, healthy  # noqa: E402


def streamlit_flags(port: int, address: str = "127.0.0.1") -> list[str]:
    """The flags `make run` uses, on another port, for serving: no file watcher, so the processes run the code
    they started with (a code change reaches readers with a restart, never halfway through a page)."""
    return [
        "--server.headless", "true", "--server.address", address, "--server.port", str(port),
        "--browser.gatherUsageStats", "false", "--server.enableStaticServing", "true",
        "--server.fileWatcherType", "none", "--server.runOnSave", "false",
    ]  # fmt: skip


def new_cookie_secret() -> str:
    return secrets.token_hex(32)


def find_nginx() -> str | None:
    return shutil.which("nginx") or next((path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(path, os.X_OK)), None)


def render_config(prefix: Path, listen: str, backends: list[int], template: Path = TEMPLATE) -> str:
    """deploy/nginx.conf.template with its @PREFIX@, @LISTEN@ and @SERVERS@ filled in."""
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=0;" for port in backends)
    text = template.read_text().replace("@PREFIX@", str(prefix)).replace("@LISTEN@", listen).replace("@SERVERS@", servers)
    if leftover := re.findall(r"@[A-Z_]+@", text):
        raise ValueError(f"{template}: unknown fields {sorted(set(leftover))}")
    return text


def _child_setup() -> None:
    """In the child: its own process group (Ctrl-C reaches the launcher only, which stops things in order),
    and on Linux a SIGTERM when the launcher dies, so that no process outlives it."""
    os.setpgrp()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


@dataclass
class Backend:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Replicas:
    """N app processes and nginx in front of them; a context manager that stops everything on exit."""

    count: int = 2
    port: int = 8501
    host: str = "127.0.0.1"
    prefix: Path | None = None
    cookie_secret: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    quiet: bool = True
    backends: list[Backend] = field(default_factory=list)
    nginx: subprocess.Popen | None = None
    _own_prefix: bool = False

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.prefix / "logs" / "access.log"

    def __enter__(self) -> Replicas:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_) -> None:
        self.stop()

    def start(self) -> None:
        if self.count < 1:
            raise ValueError("at least one replica is needed")
        nginx = find_nginx()
        if nginx is None:
            raise RuntimeError(INSTALL_HINT)
        if self.prefix is None:
            self.prefix, self._own_prefix = Path(tempfile.mkdtemp(prefix="tda-replicas-")), True
        self.prefix = Path(self.prefix).resolve()
        for folder in ("logs", "temp"):
            (self.prefix / folder).mkdir(parents=True, exist_ok=True)
        secret = self.cookie_secret or os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or new_cookie_secret()
        env = {**os.environ, **self.env, "STREAMLIT_SERVER_COOKIE_SECRET": secret}
        for _ in range(self.count):
            port = free_port()
            log = self.prefix / "logs" / f"app-{port}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [sys.executable, "-m", "streamlit", "run", "dashboard.py", *streamlit_flags(port)],
                    cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    preexec_fn=_child_setup,
                )  # fmt: skip
            self.backends.append(Backend(port, process, log))
        config = self.prefix / "nginx.conf"
        config.write_text(render_config(self.prefix, f"{self.host}:{self.port}", [backend.port for backend in self.backends]))
        error_log = self.prefix / "logs" / "error.log"
        command = [nginx, "-p", str(self.prefix), "-c", str(config), "-e", str(error_log)]
        checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
        if checked.returncode != 0:
            raise RuntimeError(f"nginx refused {config}:\n{checked.stderr.strip() or _tail(error_log)}")
        self._wait(lambda: all(healthy(backend.url) for backend in self.backends), "the app processes")
        with (self.prefix / "logs" / "nginx.out").open("wb") as output:
            self.nginx = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=_child_setup)
        self._wait(lambda: healthy(self.url), f"nginx on {self.url}")

    def _wait(self, ready, what: str) -> None:
        deadline = time.monotonic() + HEALTH_SECONDS
        while not ready():
            if dead := self.exited():
                raise RuntimeError(f"{dead} exited while waiting for {what}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not answer /_stcore/health within {HEALTH_SECONDS} s (logs in {self.prefix / 'logs'})")
            time.sleep(0.2)

    def exited(self) -> str | None:
        """Which process has stopped, with the end of its log; None while all run."""
        for backend in self.backends:
            if backend.process.poll() is not None:
                return f"app process on port {backend.port} (exit code {backend.process.returncode}):\n{_tail(backend.log)}"
        if self.nginx is not None and self.nginx.poll() is not None:
            return f"nginx (exit code {self.nginx.returncode}):\n{_tail(self.prefix / 'logs' / 'error.log')}"
        return None

    def stop(self) -> None:
        """nginx first (fast shutdown: open websockets would hold a graceful one for hours), then the apps."""
        processes = ([self.nginx] if self.nginx else []) + [backend.process for backend in self.backends]
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.nginx, self.backends = None, []
        if self._own_prefix and self.prefix is not None:
            shutil.rmtree(self.prefix, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--replicas", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--port", type=int, default=8501, help="the port nginx listens on (default 8501)")
    parser.add_argument("--host", default="127.0.0.1", help="the address nginx listens on (default 127.0.0.1)")
    parser.add_argument("--prefix", type=Path, help="nginx's folder for its config, pid and logs (kept); default a temporary one")
    arguments = parser.parse_args(argv)
    stopping = started = False

    def on_signal(number, _frame) -> None:
        nonlocal stopping
        stopping = True
        if not started:  # still waiting for health checks: give up at once
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    running = Replicas(count=arguments.replicas, port=arguments.port, host=arguments.host, prefix=arguments.prefix)
    try:
        print(f"Starting {arguments.replicas} app processes and nginx…", flush=True)
        running.start()
        started = True
        backends = ", ".join(f"127.0.0.1:{backend.port}" for backend in running.backends)
        print(f"Open {running.url} ({arguments.replicas} processes: {backends}; logs in {running.prefix / 'logs'}). Ctrl-C stops everything.", flush=True)
        while not stopping:
            if dead := running.exited():
                print(f"Stopping: {dead}", file=sys.stderr)
                return 1
            time.sleep(0.5)
        print("Stopping…", flush=True)
        return 0
    except (RuntimeError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopping…", flush=True)
        return 130
    finally:
        running.stop()


if __name__ == "__main__":
    raise SystemExit(main())

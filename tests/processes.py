"""Real processes for the fault tests: a free port, and gunicorn serving the app until it answers."""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(env: dict, log_path: Path, timeout: float = 30) -> tuple[subprocess.Popen, str]:
    """gunicorn (2 workers) with `env`, once /healthz answers; returns the process and its base URL."""
    port = free_port()
    log = open(log_path, "ab")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "nghean_dfc.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            return server, base
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError(f"gunicorn did not answer within {timeout}s: see {log_path}")

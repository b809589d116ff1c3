"""More than one server: two lab processes behind nginx (Debian's package) with the committed
`deploy/nginx.conf`: the websocket passes the proxy, a browser stays on its replica, and its session
survives the other replica being restarted; with PostgreSQL behind both, a class is one room."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from bench import postgres
from bench.browser import ROOT, app_server, free_port, healthy
from tests.e2e.server import browser_page, chromium, skip_without_browser, step_count, wait_until_idle
from tests.e2e.test_class import answer, start_class

pytestmark = pytest.mark.e2e
skip_without_browser()
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
if not Path(NGINX).exists():
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but nginx is missing (apt-get install nginx-light)")
    pytest.skip("nginx is not installed (apt-get install nginx-light)", allow_module_level=True)


def _site(listen: int, ports: tuple[int, int]) -> str:
    """deploy/nginx.conf with this test's ports in place of 8080, 8501 and 8502."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    for old, new in (("8080", listen), ("8501", ports[0]), ("8502", ports[1])):
        assert old in text
        text = text.replace(old, str(new))
    return text


@contextmanager
def _nginx(ports: tuple[int, int]):
    """nginx in the foreground, as this user, in a folder of its own; yields its URL."""
    listen = free_port()
    with tempfile.TemporaryDirectory(prefix="lab-nginx-") as folder:
        (Path(folder) / "site.conf").write_text(_site(listen, ports))
        (Path(folder) / "nginx.conf").write_text(
            f"daemon off;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
            f"http {{\n  access_log off;\n  client_body_temp_path {folder}/body;\n"
            f"  proxy_temp_path {folder}/proxy;\n  include {folder}/site.conf;\n}}\n"
        )
        proc = subprocess.Popen([NGINX, "-p", folder, "-c", f"{folder}/nginx.conf"], stderr=subprocess.PIPE)
        url = f"http://127.0.0.1:{listen}"
        try:
            deadline = time.monotonic() + 30
            while not healthy(url, "/healthz"):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"nginx did not start: {proc.stderr.read().decode() if proc.stderr else ''}"
                    )
                time.sleep(0.2)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _open_connections(port: int) -> int:
    """Established TCP connections to a local `port` (the websockets nginx holds to a replica: its
    plain HTTP requests are closed once answered)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if state == "01" and int(local.rsplit(":", 1)[1], 16) == port:
                count += 1
    return count


def _replica(secret: str, port: int):
    return app_server(port=port, env={"STREAMLIT_SERVER_COOKIE_SECRET": secret})


def test_a_session_survives_the_other_replica_restarting():
    secret = secrets.token_hex(32)  # the same on every replica
    ports = (free_port(), free_port())
    with ExitStack() as replicas, browser_page() as page:
        running = {port: replicas.enter_context(ExitStack()) for port in ports}
        for port in ports:
            running[port].enter_context(_replica(secret, port))
        with _nginx(ports) as url:
            page.goto(f"{url}/gan_playground")
            wait_until_idle(page, "[data-testid='stVegaLiteChart']")
            for _ in range(3):
                before = step_count(page)
                page.locator(".st-key-step button").first.click()
                page.wait_for_function(
                    f"() => document.body.innerText.includes('Step {before + 1}')", timeout=30_000
                )
            cookie = {c["name"]: c["value"] for c in page.context.cookies()}
            assert re.fullmatch(r"[0-9a-f]{32}", cookie.get("lab_replica", "")), cookie
            mine = [port for port in ports if _open_connections(port) > 0]
            assert len(mine) == 1, "the session's websocket runs through exactly one replica"
            other = ports[1 - ports.index(mine[0])]

            running[other].close()  # the other replica goes down ...
            assert healthy(url, "/healthz"), "the lab answers while one replica is down"
            running[other].enter_context(_replica(secret, other))  # ... and comes back

            page.locator(".st-key-step button").first.click()
            page.wait_for_function("() => document.body.innerText.includes('Step 4')", timeout=30_000)
            assert step_count(page) == 4  # the same session: not a fresh one at step 0
            assert _open_connections(mine[0]) > 0
            assert page.get_by_text("Connection error").count() == 0


def test_a_class_is_one_room_across_replicas():
    """Two replicas behind nginx, one PostgreSQL: the lecturer's browser lands on one replica and
    starts a class; students' browsers come in until one lands on the other replica (each browser
    gets its own random cookie) and answers the class's question; the lecturer's view counts it."""
    if not postgres.available():
        if os.environ.get("REQUIRE_BROWSER"):
            raise RuntimeError(
                "REQUIRE_BROWSER is set but PostgreSQL is missing (apt-get install postgresql)"
            )
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed")
    ports = (free_port(), free_port())
    with postgres.throwaway_postgres() as database, ExitStack() as stack, chromium() as browser:
        env = {"LAB_DATABASE_URL": database.url, "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
        for port in ports:
            stack.enter_context(app_server(port=port, env=env))
        url = stack.enter_context(_nginx(ports))
        lecturer, code = start_class(browser, url)
        (theirs,) = [port for port in ports if _open_connections(port) > 0]
        answered = 0  # every student answers: those on the lecturer's replica count too
        while answered < 12:
            student = answer(browser, url, code, 1)
            answered += 1
            if _open_connections(ports[1 - ports.index(theirs)]) > 0:
                break
            student.context.close()
        else:
            pytest.fail("twelve browsers in a row landed on the lecturer's replica")
        lecturer.wait_for_selector(f"text=({answered} answered)", timeout=30_000)

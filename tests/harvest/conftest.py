"""Fixtures of the harvester tests.

``bodik_site``: a real second CKAN (stock CKAN with ODPO's search backend,
no scheming), started once per session, loaded with BODIK-shaped
organisations (named by 全国地方公共団体コード) and datasets modelled on the
real API responses in ``/work/shared/samples/ckan_json``. ``remote`` talks
to it through its Action API with a sysadmin token.

``web_server``: a local HTTP server whose answers a test sets per path
(bodies, statuses, headers, delays): DCAT, CSV lists and fault injection.
"""
from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from ckan_sites import CkanSite, ckan_command, running_site
from harvest_support import RemoteCatalogue, WebServer


@pytest.fixture(scope="session")
def bodik_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CkanSite]:
    test_ini = Path(request.config.getoption("--ckan-ini")).resolve()
    with running_site(test_ini, tmp_path_factory.mktemp("bodik"), name="bodik_source",
                      plugins="odpo_search",
                      setup=[("user", "add", "bodik-admin", "password=bodik-admin-pass",
                              "email=admin@bodik.example.jp"),
                             ("sysadmin", "add", "bodik-admin")]) as site:
        yield site


@pytest.fixture(scope="session")
def remote(bodik_site: CkanSite) -> RemoteCatalogue:
    completed = subprocess.run(
        ckan_command(bodik_site.ini_path, "user", "token", "add", "bodik-admin", "tests"),
        capture_output=True, text=True, env=dict(bodik_site.environment), check=True,
    )
    token = [line.strip() for line in completed.stdout.splitlines() if line.strip()][-1]
    return RemoteCatalogue(bodik_site.base_url, token)


@pytest.fixture(scope="session")
def web_server() -> Iterator[WebServer]:
    state = WebServer("")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path.split("?", 1)[0]
            answers = state.routes.get(path)
            if not answers:
                self.send_error(404)
                return
            hit = state.hits[path]
            state.hits[path] = hit + 1
            answer = answers[min(hit, len(answers) - 1)]
            if answer.delay:
                time.sleep(answer.delay)
            try:
                self.send_response(answer.status)
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()



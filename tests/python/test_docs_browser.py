"""`dbt docs serve` on localhost, opened in headless Chromium: the overview page shows, the full
lineage graph holds every model of every source system with its layer's colour and every
exposure, and the page asks for nothing beyond localhost (it must work offline).
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser import chromium, free_port, keep_screenshot, off_machine, requested_urls
from conftest import DBT, PROJECT_DIR, DocsSite, dbt_env

pytestmark = [pytest.mark.dbt, pytest.mark.browser, pytest.mark.server]

SERVE_ARGS = ("--host", "127.0.0.1", "--no-browser")

# The graph service of the dbt docs page (AngularJS) holds the elements the graph draws.
GRAPH_NODES_JS = """
var graph = angular.element(document.body).injector().get('graph').graph;
return graph.elements
    .filter(function (e) { return e.data && e.data.resource_type; })
    .map(function (e) {
        return {id: e.data.unique_id, type: e.data.resource_type,
                color: e.data.node_color || null, shown: e.data.display === 'element'};
    });
"""


@pytest.fixture
def docs_server(docs_site: DocsSite, tmp_path: Path) -> Iterator[str]:
    """`dbt docs serve` of the generated site on a free localhost port; stopped at the end."""
    port = free_port()
    log = (tmp_path / "docs_serve.log").open("w")
    server = subprocess.Popen(
        [str(DBT), "--no-use-colors", "docs", "serve", *SERVE_ARGS, "--port", str(port)],
        cwd=PROJECT_DIR,
        env=dbt_env(docs_site.raw_dir, docs_site.database, docs_site.work_dir),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, (tmp_path / "docs_serve.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "dbt docs serve did not start in 90 s"
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def wait_for_graph(driver: Any, timeout: float = 60) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            nodes = driver.execute_script(GRAPH_NODES_JS)
        except Exception:  # the page's scripts are not ready yet
            nodes = None
        if nodes:
            return nodes
        assert time.monotonic() < deadline, "the lineage graph never got any node"
        time.sleep(0.5)


def test_the_lineage_graph_shows_every_source_system_in_chromium(
    docs_site: DocsSite, docs_server: str, tmp_path: Path
) -> None:
    manifest = docs_site.artifact("manifest.json")
    models = {
        node["unique_id"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == "analytics"
    }
    systems: dict[str, set[str]] = {}
    for unique_id, model in models.items():
        if model["fqn"][1] in ("staging", "marts"):
            systems.setdefault(model["fqn"][2], set()).add(unique_id)
    assert {"bank", "trades", "sales", "retail"} <= set(systems)
    exposures = {e for e in manifest["exposures"] if e.startswith("exposure.analytics.")}

    screenshot = tmp_path / "docs_lineage_graph.png"
    with chromium(tmp_path / "profile") as driver:
        # g_v=1 opens the full lineage graph, as the graph button does.
        driver.get(f"{docs_server}/#!/overview?g_v=1")
        nodes = wait_for_graph(driver)
        time.sleep(2)  # let the layout settle before the screenshot
        page_text = driver.execute_script("return document.body.innerText")
        driver.save_screenshot(str(screenshot))
        urls = requested_urls(driver)

    shown = {node["id"]: node for node in nodes if node["shown"]}
    missing = {
        system: sorted(ids - shown.keys()) for system, ids in systems.items() if ids - shown.keys()
    }
    assert missing == {}
    assert sorted(models.keys() - shown.keys()) == []
    assert sorted(exposures - shown.keys()) == []
    # Each model carries its layer's colour from dbt_project.yml.
    wrong_colour = [
        uid
        for uid, model in models.items()
        if not model["docs"]["node_color"] or shown[uid]["color"] != model["docs"]["node_color"]
    ]
    assert wrong_colour == []
    assert {shown[uid]["color"] for uid in models} == {
        "#5B8DEF",  # staging
        "#7FB3D5",  # intermediate
        "#A4243B",
        "#2E8B57",
        "#8E7CC3",
    }
    assert "Lineage Graph" in page_text
    assert "Where to start" in page_text
    assert any(url.startswith(f"{docs_server}/manifest.json") for url in urls)
    assert off_machine(urls) == []
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 20_000  # a drawn graph, not a blank page
    keep_screenshot(screenshot)

"""The dashboard end to end in headless Chromium: open a campaign, click an account, see the
evidence; hostile post text stays text in every view. Debian's chromium, no download."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from test_dashboard_api import build_simulated

from infoops.dashboard import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip
IRA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ira" / "tweets.csv.gz"
# Screenshots go here when set (docs/img was made this way), else to the test's tmp folder.
SHOTS = os.environ.get("INFOOPS_SCREENSHOTS")

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium): browser tests skipped",
                allow_module_level=True)  # fmt: skip
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


class Server:
    """uvicorn serving one workspace on a free loopback port, in a thread of the test."""

    def __init__(self, workspace: Path) -> None:
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        config = uvicorn.Config(create_app(workspace), host="127.0.0.1", port=self.port,
                                log_level="warning")  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        self.workspace = workspace
        deadline = time.time() + 30
        while not self.server.started and time.time() < deadline:
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory) -> Iterator[Server]:
    server = Server(build_simulated(tmp_path_factory.mktemp("dash") / "hostile.duckdb"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def ira_server(tmp_path_factory) -> Iterator[Server]:
    """Ten days of the IRA archive (as tests/test_briefing.py builds them), served."""
    if not IRA.exists():
        pytest.skip("../shared/data/ira is absent: the IRA browser test needs the real data")
    import duckdb

    from infoops import Workspace
    from infoops.pipeline import run_actors, run_coordination, run_integrity

    folder = tmp_path_factory.mktemp("ira")
    sample = folder / "ira_2016-10-01_10.csv"
    duckdb.sql(f"""COPY (SELECT * FROM read_csv('{IRA}', all_varchar=true)
                         WHERE publish_date LIKE '2016-10-0%') TO '{sample}' (HEADER)""")
    with Workspace(folder / "ira.duckdb") as ws:
        ws.ingest([sample])
        run_coordination(ws)
        run_actors(ws)
        run_integrity(ws)
    server = Server(folder / "ira.duckdb")
    yield server
    server.stop()


class Page:
    """A browser page that records dialogs, page errors and CSP violations."""

    def __init__(self, browser, base: str) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.base, self.dialogs, self.errors = base, [], []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))

    def open(self, route: str, view: str) -> None:
        self.page.goto(f"{self.base}/{route}")
        self.wait(view)

    def wait(self, view: str) -> None:
        self.page.wait_for_selector(f"body[data-view={view}]", state="attached", timeout=60_000)

    def shot(self, folder: Path, name: str) -> None:
        target = Path(SHOTS) if SHOTS else folder
        target.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(target / f"{name}.png"))


def _open_campaign_account_evidence(page: Page, tmp_path: Path, label: str) -> None:
    page.open("#/campaigns", "campaigns")
    rows = page.page.locator("#campaign-results tbody tr")
    assert rows.count() >= 2
    page.shot(tmp_path, f"{label}-campaigns")
    page.page.locator("#campaign-results tbody tr a").first.click()
    page.wait("campaign")
    page.page.wait_for_selector("#campaign-graph[data-rendered='1']", state="attached")
    assert page.page.locator("canvas").count() > 0  # sigma drew the campaign's network
    assert "We assess with" in page.page.locator("p.assessment").inner_text()
    page.shot(tmp_path, f"{label}-campaign")
    page.page.locator("table.accounts tbody tr a").first.click()
    page.wait("account")
    pairs = page.page.locator("#edges .pair")
    assert pairs.count() >= 1 and pairs.first.locator(".post-text").count() == 2
    assert pairs.first.locator(".post-text").first.inner_text().strip()
    page.shot(tmp_path, f"{label}-account")
    assert not page.errors, page.errors


@pytest.mark.slow  # real IRA tweets in a browser: pytest -m slow, and .ci/run
def test_ira_sample_open_campaign_click_account_see_evidence(browser, ira_server, tmp_path):
    _open_campaign_account_evidence(Page(browser, ira_server.url), tmp_path, "ira")


def test_simulated_open_campaign_click_account_see_evidence(browser, hostile_server, tmp_path):
    _open_campaign_account_evidence(Page(browser, hostile_server.url), tmp_path, "sim")


def test_network_view_draws_and_a_click_opens_the_account_panel(browser, hostile_server):
    page = Page(browser, hostile_server.url)
    page.open("#/network", "network")
    page.page.wait_for_selector("#network-graph[data-rendered='1']", state="attached")
    drawn = page.page.evaluate("window.__infoopsNetwork")
    assert drawn["nodes"] > 10 and drawn["edges"] > 10
    page.page.fill(".toolbar input[type=search]", "1001265976")
    page.page.press(".toolbar input[type=search]", "Enter")
    page.page.wait_for_selector("aside.panel a[href^='#/account/']")
    assert not page.errors, page.errors


VIEWS = [
    ("#/campaigns", "campaigns"),
    ("#/campaign/C001", "campaign"),
    ("#/network", "network"),
    ("#/narratives", "narratives"),
    ("#/narrative/1", "narrative"),
    ("#/claims", "claims"),
    ("#/statements", "statements"),
    ("#/claim/https%3A%2F%2Feuvsdisinfo.eu%2Freport%2Fx%2F", "claim"),
    ("#/laundering", "laundering"),
]


def test_hostile_text_is_shown_as_text_in_every_view(browser, hostile_server):
    page = Page(browser, hostile_server.url)
    page.open("#/campaign/C001", "campaign")
    member = page.page.locator("table.accounts tbody tr a").first.get_attribute("href")
    page.open("#/laundering", "laundering")
    article = page.page.locator("table tbody tr a").first.get_attribute("href")
    for route, view in [*VIEWS, (member, "account"), (article, "article")]:
        page.open(route, view)
        if view == "network":  # names are drawn on the canvas; the clicked account's panel is DOM
            page.page.wait_for_selector("#network-graph[data-rendered='1']", state="attached")
            page.page.fill(".toolbar input[type=search]", unquote(member.rsplit("/", 1)[1]))
            page.page.press(".toolbar input[type=search]", "Enter")
            page.page.wait_for_selector("aside.panel h3")
        page.page.wait_for_timeout(300)  # let late renders (graph labels, charts) happen
        body = page.page.locator("main").inner_text()
        assert "<script>alert(1)</script>" in body, route  # the literal characters are shown
        assert "<img src=x onerror=alert(2)>" in body, route
        assert page.page.locator("main img, main script, main iframe").count() == 0, route
        assert page.page.locator("script").count() == 3, route  # only the app's own files
    assert page.dialogs == [] and not page.errors, (page.dialogs, page.errors)


def test_a_run_started_from_the_page_shows_its_progress(browser, hostile_server, tmp_path):
    from infoops.simulate import simulate, write_io_csv

    csv, _ = write_io_csv(simulate(2_000, seed=2), tmp_path / "posts.csv.gz")
    own = Server(hostile_server.workspace)  # opening the results must not change the others
    try:
        _start_run_and_open_it(Page(browser, own.url), csv)
    finally:
        own.stop()


def _start_run_and_open_it(page: Page, csv: Path) -> None:
    page.open("#/runs", "runs")
    page.page.fill("textarea[name=inputs]", str(csv))
    page.page.uncheck("input[name=content]")
    page.page.click("form.run-form button[type=submit]")
    page.page.wait_for_selector(".run progress", state="attached")
    page.page.wait_for_selector(".run[data-status=finished]", state="attached", timeout=240_000)
    assert "ingested" in page.page.locator(".run pre.log").first.inner_text()
    page.page.click(".run button.primary")  # open the run's results
    page.wait("campaigns")
    assert "workspace.duckdb" in page.page.locator("header").inner_text()
    assert not page.errors, page.errors

"""The dashboard's web application: a JSON API over one workspace and the static pages.

``create_app(workspace)`` opens the workspace read-only (a missing or corrupt file
raises ``WorkspaceError`` naming it) and returns a FastAPI app; ``infoops serve``
runs it with uvicorn. The API is documented at /docs-api when the app runs.
"""

from __future__ import annotations

import gzip
import logging
import tempfile
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import orjson
from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.middleware.gzip import GZipMiddleware

from . import _content, _network
from ._data import WorkspaceData
from ._runs import RunError, Runs
from ._security import Guard

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("infoops")


class JSON(Response):
    """JSON through orjson: fast on large lists; dates as ISO strings."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=str, option=orjson.OPT_NON_STR_KEYS)


class Served:
    """The workspace being served; a finished run's workspace can replace it."""

    def __init__(self, path: Path) -> None:
        self.data = WorkspaceData(path)
        self.previous: list[WorkspaceData] = []
        self.exports = tempfile.TemporaryDirectory(prefix="infoops-dashboard-")
        self.builders: list[threading.Thread] = []

    def warm(self) -> None:
        self.builders.append(warm(self.data))

    def open(self, path: Path) -> None:
        """Serve another workspace; the old one stays open for requests still using it."""
        fresh = WorkspaceData(path)
        self.previous.append(self.data)
        self.data = fresh
        self.warm()

    def close(self) -> None:
        """Stop the background builds' queries and wait for them before closing: a thread
        still inside DuckDB at exit would abort the process instead of ending it."""
        served = [self.data, *self.previous]
        for data in served:
            data.interrupt()
        for thread in self.builders:
            thread.join()
        for data in served:
            data.close()
        self.exports.cleanup()


def warm(data: WorkspaceData) -> threading.Thread:
    """Build the campaign objects and the network layout in the background at start."""

    def build() -> None:
        try:
            data.campaigns()
            _network.network(data)
        except Exception as exc:  # noqa: BLE001 - the request that needs it reports it again
            if not data.stopping:
                log.warning("dashboard: could not prepare %s: %s", data.path, exc)

    thread = threading.Thread(target=build, name="infoops-warm")  # joined by Served.close
    thread.start()
    return thread


def create_app(
    workspace: Path,
    token: str | None = None,
    check_host: bool = True,
    runs_dir: Path | None = None,
    warm_caches: bool = True,
) -> FastAPI:
    """The dashboard app for ``workspace`` (opened read-only, now: errors surface here)."""
    served = Served(Path(workspace))
    runs = Runs(runs_dir or Path(workspace).resolve().parent / "dashboard-runs")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm_caches:
            served.warm()
        yield
        runs.stop_all()
        served.close()

    app = FastAPI(title="infoops dashboard", default_response_class=JSON, lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")  # fmt: skip
    app.state.served, app.state.runs = served, runs
    app.include_router(_api(served))
    app.include_router(_exports(served))
    app.include_router(_runs_api(served, runs))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"cache-control": "no-store"})

    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(Guard, token=token, check_host=check_host)
    return app


def _kept(
    request: Request, data: WorkspaceData, key: str, build: Callable[[], bytes], media_type: str
) -> Response:
    """A response built once and kept with its gzip form: big lists and the graph's
    megabytes of floats are not compressed again on every request."""

    def both() -> tuple[bytes, bytes]:
        body = build()
        return body, gzip.compress(body, compresslevel=6, mtime=0)

    raw, packed = data.cached(key, both)
    if "gzip" in request.headers.get("accept-encoding", "") and len(raw) > 2048:
        return Response(packed, media_type=media_type,
                        headers={"content-encoding": "gzip", "vary": "accept-encoding"})  # fmt: skip
    return Response(raw, media_type=media_type)


T = TypeVar("T")


def _missing(what: str) -> HTTPException:
    return HTTPException(404, f"no such {what}")


def _found(value: T | None, what: str) -> T:
    """``value``, or a 404 naming what was asked for."""
    if value is None:
        raise _missing(what)
    return value


def _api(served: Served) -> APIRouter:
    api = APIRouter(prefix="/api")

    @api.get("/summary")
    def summary() -> JSON:
        return JSON(served.data.summary())

    @api.get("/campaigns")
    def campaigns(
        request: Request,
        q: str = "",
        confidence: str = "",
        family: str = "",
        flags: str = "",
        min_accounts: int = 0,
        sort: str = "confidence",
    ) -> Response:
        data, wanted = served.data, tuple(f for f in flags.split(",") if f)

        def listing() -> bytes:
            found = data.search_campaigns(q, confidence, family, wanted, min_accounts, sort)
            return JSON(None).render({"total": len(data.campaigns()), "campaigns": found})

        if q.strip():  # searches reach accounts; the few filter combinations are kept
            return Response(listing(), media_type="application/json")
        key = f"list:{confidence}:{family}:{','.join(sorted(wanted))}:{min_accounts}:{sort}"
        return _kept(request, data, key, listing, "application/json")

    @api.get("/campaigns/{campaign_id}")
    def campaign(campaign_id: str) -> JSON:
        return JSON(
            _found(served.data.campaign(campaign_id), "campaign")
            | {"members": served.data.campaign_accounts(campaign_id)}
        )

    @api.get("/campaigns/{campaign_id}/timeline")
    def campaign_timeline(campaign_id: str) -> JSON:
        return JSON(_found(served.data.campaign(campaign_id), "campaign")["timeline"])

    @api.get("/accounts/{account_id:path}")
    def account(
        account_id: str,
        limit: Annotated[int, Query(ge=1, le=2000)] = 200,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> JSON:
        return JSON(_found(served.data.account(account_id, limit, offset), "account"))

    @api.get("/evidence")
    def evidence(
        signal: str, source: str, target: str, limit: Annotated[int, Query(ge=1, le=5000)] = 200
    ) -> JSON:
        return JSON(served.data.evidence(signal, source, target, limit))

    @api.get("/network")
    def network(request: Request, campaign: str = "") -> Response:
        data = served.data

        def meta() -> bytes:
            return JSON(None).render(_network.meta(_network.network(data), campaign or None))

        return _kept(request, data, f"network-meta:{campaign}", meta, "application/json")

    @api.get("/network.bin")
    def network_binary(request: Request, campaign: str = "") -> Response:
        data = served.data

        def body() -> bytes:
            return _network.binary(_network.network(data), campaign or None)

        return _kept(request, data, f"network-bin:{campaign}", body, "application/octet-stream")

    @api.get("/narratives")
    def narratives() -> JSON:
        return JSON(_content.narratives(served.data))

    @api.get("/narratives/{number}")
    def narrative(number: int) -> JSON:
        return JSON(_found(_content.narrative(served.data, number), "narrative"))

    @api.get("/narratives/{number}/timeline")
    def narrative_timeline(number: int) -> JSON:
        return JSON(_found(_content.narrative(served.data, number), "narrative")["timeline"])

    @api.get("/claims")
    def claims() -> JSON:
        return JSON(_content.claims(served.data))

    @api.get("/claim")
    def claim(id: str) -> JSON:
        return JSON(_found(_content.claim(served.data, id), "claim"))

    @api.get("/laundering")
    def laundering() -> JSON:
        return JSON(_content.laundering_groups(served.data))

    @api.get("/statements")
    def statements() -> JSON:
        return JSON(_content.conflicts(served.data))

    @api.get("/articles/{article_id}")
    def article(article_id: str) -> JSON:
        return JSON(_found(_content.article(served.data, article_id), "article"))

    return api


EXPORTS = {
    "accounts.csv": "text/csv",
    "edges.csv": "text/csv",
    "evidence.csv": "text/csv",
    "campaigns.csv": "text/csv",
    "network.gexf": "application/xml",
    "network.graphml": "application/xml",
    "campaigns.json": "application/json",
    "briefing.html": "text/html",
}
# The briefing is a self-contained page with inline styles and no script; in a sandbox.
BRIEFING_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _exports(served: Served) -> APIRouter:
    router = APIRouter(prefix="/api/export")

    @router.get("/{name}")
    def export(name: str, download: bool = True) -> FileResponse:
        if name not in EXPORTS:
            raise _missing("export")
        path = served.data.cached(f"export:{name}", lambda: _write_export(served, name))
        headers = {"content-security-policy": BRIEFING_CSP} if name == "briefing.html" else {}
        return FileResponse(path, media_type=EXPORTS[name], headers=headers,
                            content_disposition_type="attachment" if download else "inline",
                            filename=f"{served.data.path.stem}-{name}")  # fmt: skip

    return router


def _write_export(served: Served, name: str) -> Path:
    """Write one export file with the report module's writers (same bytes as the CLI)."""
    from ..report import briefing_html, write_campaigns, write_gexf, write_graphml, write_tables

    data = served.data
    folder = Path(served.exports.name) / str(id(data))
    folder.mkdir(parents=True, exist_ok=True)
    if name != "briefing.html" and not data.has("campaigns"):
        raise HTTPException(409, "no coordination results in this workspace: run "
                            "'infoops coordination' (or 'infoops run') first")  # fmt: skip
    with data.cursor() as cur:
        if name.endswith(".csv"):
            write_tables(cur, folder)
        elif name == "network.gexf":
            write_gexf(cur, folder / name)
        elif name == "network.graphml":
            write_graphml(cur, folder / name)
        elif name == "campaigns.json":
            write_campaigns(cur, folder)
        else:
            (folder / name).write_text(briefing_html(cur), encoding="utf-8")
    return folder / name


class RunRequest(BaseModel):
    inputs: list[str]
    content: bool = True


def _runs_api(served: Served, runs: Runs) -> APIRouter:
    router = APIRouter(prefix="/api/runs")

    @router.get("")
    def all_runs() -> JSON:
        return JSON({"runs_dir": str(runs.root), "runs": [r.state() for r in runs.all()]})

    @router.post("")
    def start(request: RunRequest) -> JSON:
        try:
            run = runs.start(request.inputs, request.content)
        except RunError as exc:
            raise HTTPException(400, str(exc)) from exc
        return JSON(run.state(), status_code=202)

    @router.get("/{run_id}")
    def one(run_id: str) -> JSON:
        run = runs.get(run_id)
        if run is None:
            raise _missing("run")
        return JSON(run.state())

    @router.post("/{run_id}/open")
    def open_results(run_id: str) -> JSON:
        run = runs.get(run_id)
        if run is None:
            raise _missing("run")
        if run.returncode != 0 or not run.workspace.exists():
            raise HTTPException(409, "the run has not finished successfully")
        served.open(run.workspace)
        return JSON({"workspace": str(run.workspace)})

    return router

"""Dashboard load check: a synthetic workspace of 50,000 accounts and 500,000 edges.

Run: python benchmarks/bench_dashboard.py [--nodes 50000 --edges 500000 --campaigns 500]
Writes benchmarks/results/dashboard.{json,md}.

The workspace holds what ``infoops run`` would leave for that graph: posts (10 per
account), campaign_accounts, campaigns, coordination_edges (one or two signals per
pair), coordination_evidence (one post pair per edge) and fused_edges. Then
``infoops serve`` runs in its own process on loopback and we measure:

- cold start: seconds until the campaign list (campaign objects built) and the
  network (layout computed) first answer;
- API latency, one client, then 20 concurrent clients (httpx, asyncio), p50/p99;
- page load and network render in headless Chromium (software WebGL, SwiftShader):
  time from navigation until sigma has drawn all nodes and edges, and frame times
  while the analyst drags the graph.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
from _common import machine, write_results

from infoops import Workspace
from infoops.workspace._tables import store_arrow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip


def build_workspace(path: Path, nodes: int, edges: int, campaigns: int, seed: int = 0) -> dict:
    """A workspace with a planted graph: 90% of edges inside campaigns, the rest at random."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"acct{i:06d}" for i in range(nodes)])
    members = nodes * 6 // 10  # 60% of accounts in campaigns
    campaign_of = np.full(nodes, -1)
    campaign_of[:members] = np.arange(members) % campaigns
    source, target = _edges(rng, nodes, edges, campaign_of, campaigns)
    with Workspace(path) as ws:
        _posts(ws, rng, ids)
        _coordination(ws, rng, ids, campaign_of, source, target)
    return {"nodes": nodes, "edges": len(source), "campaigns": campaigns}


def _edges(rng, nodes: int, edges: int, campaign_of, campaigns: int) -> tuple:
    """Unique undirected pairs: one per account (every account is drawn), 90% of the
    total inside campaigns, the rest at random."""
    size = int((campaign_of >= 0).sum()) // campaigns  # member j of campaign c: c + j*campaigns

    def keys(a, b):
        keep = a != b
        low, high = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
        return rng.permutation(np.unique(low.astype(np.int64) * nodes + high))

    chain = np.arange(nodes)
    chosen = keys(chain, (chain + 1 + rng.integers(0, nodes - 1, nodes)) % nodes)
    c = rng.integers(0, campaigns, 2 * edges)
    inside = keys(c + campaigns * rng.integers(0, size, 2 * edges),
                  c + campaigns * rng.integers(0, size, 2 * edges))  # fmt: skip
    inside = inside[~np.isin(inside, chosen)][: int(0.9 * edges)]
    chosen = np.concatenate([chosen, inside])
    spread = keys(rng.integers(0, nodes, edges), rng.integers(0, nodes, edges))
    spread = spread[~np.isin(spread, chosen)][: max(0, edges - len(chosen))]
    chosen = np.sort(np.concatenate([chosen, spread]))
    return chosen // nodes, chosen % nodes


def _posts(ws: Workspace, rng, ids) -> None:
    per = 10
    accounts = np.repeat(ids, per)
    start = np.datetime64("2024-09-01T00:00:00")
    times = start + rng.integers(0, 60 * 86400, len(accounts)).astype("timedelta64[s]")
    texts = [f"post {i} about topic {i % 97}" for i in range(len(accounts))]
    table = pa.table({
        "post_id": [f"p{i}" for i in range(len(accounts))],
        "account_id": accounts,
        "account_name": np.char.add("name_", accounts),
        "created_at": pa.array(times.astype("datetime64[us]")),
        "text": texts,
        "platform": ["synthetic"] * len(accounts),
        "post_type": ["post"] * len(accounts),
    })  # fmt: skip
    ws.ingest_table(table, "synthetic")


def _coordination(ws: Workspace, rng, ids, campaign_of, source, target) -> None:
    con = ws.con
    m = len(source)
    k = rng.integers(2, 30, m)
    fused = pa.table({"source": ids[source], "target": ids[target],
                      "weight": k.astype(float), "signals": [f"co_reshare:{x}" for x in k]})  # fmt: skip
    store_arrow(con, "fused_edges", fused)
    store_arrow(con, "coordination_edges", pa.table({
        "signal": ["co_reshare"] * m, "source": ids[source], "target": ids[target], "k": k,
        "n_evidence": np.ones(m, np.int64), "posts_source": np.full(m, 10),
        "posts_target": np.full(m, 10), "min_dt_s": rng.uniform(0, 60, m),
        "expected": rng.uniform(0.1, 1, m), "p_value": np.full(m, 1e-6),
        "q_value": np.full(m, 1e-5), "significant": np.ones(m, bool)}))  # fmt: skip
    store_arrow(con, "coordination_evidence", pa.table({
        "signal": ["co_reshare"] * m, "source": ids[source], "target": ids[target],
        "post_source": [f"p{s * 10}" for s in source], "post_target": [f"p{t * 10}" for t in target],
        "dt_s": rng.uniform(0, 60, m), "shared": [f"obj{i}" for i in range(m)],
        "similarity": np.full(m, np.nan)}))  # fmt: skip
    labels = np.where(
        campaign_of >= 0, np.char.add("C", np.char.zfill((campaign_of + 1).astype(str), 4)), None
    )
    store_arrow(con, "campaign_accounts", pa.table({
        "account_id": ids, "account_name": np.char.add("name_", ids), "campaign_id": labels,
        "coordination_score": rng.uniform(0, 1, len(ids)), "top_signals": ["co_reshare"] * len(ids),
        "n_posts": np.full(len(ids), 10), "n_coordinated_posts": np.full(len(ids), 5),
        "degree": np.bincount(np.concatenate([source, target]), minlength=len(ids))}))  # fmt: skip
    con.execute(
        """CREATE OR REPLACE TABLE campaigns AS
           SELECT c.campaign_id, count(DISTINCT c.account_id) AS n_accounts,
                  (SELECT count(*) FROM fused_edges f JOIN campaign_accounts a ON a.account_id = f.source
                   JOIN campaign_accounts b ON b.account_id = f.target
                   WHERE a.campaign_id = c.campaign_id AND b.campaign_id = c.campaign_id)::HUGEINT AS n_edges,
                  'co_reshare' AS signals, min(p.created_at) AS first_post,
                  max(p.created_at) AS last_post, count(p.post_id) AS n_posts
           FROM campaign_accounts c JOIN posts p USING (account_id)
           WHERE c.campaign_id IS NOT NULL GROUP BY 1 ORDER BY 1"""
    )


# -- measuring ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workspace: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "infoops.cli", "serve", "-w", str(workspace), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_for(url: str, timeout: float = 600) -> float:
    """Seconds until ``url`` answers 200."""
    import httpx

    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            if httpx.get(url, timeout=timeout).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            time.sleep(0.2)
    raise TimeoutError(url)


def endpoints(base: str, edge: tuple[str, str]) -> dict[str, str]:
    return {
        "page /": f"{base}/",
        "summary": f"{base}/api/summary",
        "campaign list": f"{base}/api/campaigns",
        "campaign search": f"{base}/api/campaigns?q=acct0123&confidence=high",
        "campaign detail": f"{base}/api/campaigns/C0007",
        "account + evidence": f"{base}/api/accounts/acct000123",
        "edge evidence": f"{base}/api/evidence?signal=co_reshare&source={edge[0]}&target={edge[1]}",
        "network (campaign)": f"{base}/api/network.bin?campaign=C0007",
        "network meta (all)": f"{base}/api/network",
        "network binary (all)": f"{base}/api/network.bin",
    }


def quantiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50_ms": round(1000 * statistics.median(ordered), 1),
            "p99_ms": round(1000 * pick(0.99), 1), "n": len(ordered)}  # fmt: skip


async def _client(urls: list[str], rounds: int, out: dict[str, list[float]]) -> None:
    import httpx

    async with httpx.AsyncClient(timeout=300, headers={"accept-encoding": "gzip"}) as client:
        for _ in range(rounds):
            for url in urls:
                started = time.perf_counter()
                response = await client.get(url)
                response.raise_for_status()
                out.setdefault(url, []).append(time.perf_counter() - started)


def latency(base: str, edge: tuple[str, str], clients: int, rounds: int) -> dict[str, dict]:
    """Per-endpoint p50/p99 with ``clients`` concurrent clients each making ``rounds`` passes."""
    urls = endpoints(base, edge)
    samples: dict[str, list[float]] = {}

    async def main() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(_client(list(urls.values()), rounds, samples)
                               for _ in range(clients)))  # fmt: skip
        return time.perf_counter() - started

    wall = asyncio.run(main())
    result = {name: quantiles(samples[url]) for name, url in urls.items()}
    every = [s for values in samples.values() for s in values]
    result["all requests"] = quantiles(every) | {"per_s": round(len(every) / wall, 1)}
    return result


def browser(base: str) -> dict:
    """Page load and network render in Chromium, and frame times while dragging."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = chromium.new_page(viewport={"width": 1400, "height": 900})
        started = time.perf_counter()
        page.goto(f"{base}/#/campaigns")
        page.wait_for_selector("body[data-view=campaigns]", timeout=600_000)
        page_load = time.perf_counter() - started
        started = time.perf_counter()
        page.goto(f"{base}/#/network")
        page.wait_for_selector("#network-graph[data-rendered='1']", timeout=600_000)
        render = time.perf_counter() - started
        timing = page.evaluate("window.__infoopsNetwork")
        frames = _drag_frames(page)
        page.screenshot(path=str(Path(tempfile.gettempdir()) / "bench_network.png"))
        page.goto("about:blank")
        started = time.perf_counter()
        page.goto(f"{base}/#/network?edges=all")  # every edge, past the default budget
        page.wait_for_selector("#network-graph[data-rendered='1']", timeout=600_000)
        every = {"render_s": round(time.perf_counter() - started, 2),
                 "in_page": page.evaluate("window.__infoopsNetwork"), "drag_frames": _drag_frames(page)}  # fmt: skip
        chromium.close()
    return {"page_load_s": round(page_load, 2), "network_render_s": round(render, 2),
            "in_page": {k: round(v, 1) if isinstance(v, float) else v for k, v in timing.items()},
            "drag_frames": frames, "all_edges": every}  # fmt: skip


def _drag_frames(page) -> dict:
    """Frame intervals (ms) while the mouse drags the graph for about two seconds."""
    page.evaluate("""() => { window.__frames = []; let last = performance.now();
        const tick = (t) => { window.__frames.push(t - last); last = t;
          if (window.__frames.length < 100000) requestAnimationFrame(tick); };
        requestAnimationFrame(tick); }""")
    box = page.locator("#network-graph").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    for step in range(40):
        page.mouse.move(cx + 5 * step, cy + 3 * step)
        page.wait_for_timeout(50)
    page.mouse.up()
    page.wait_for_timeout(300)
    frames = sorted(page.evaluate("window.__frames")[2:])
    return {"frames": len(frames), "median_ms": round(statistics.median(frames), 1),
            "p95_ms": round(frames[int(0.95 * (len(frames) - 1))], 1)}  # fmt: skip


def run(args: argparse.Namespace) -> None:
    results: dict = {"machine": machine()}
    with tempfile.TemporaryDirectory(prefix="infoops-dash-bench-") as tmp:
        workspace = Path(tmp) / "synthetic.duckdb"
        started = time.perf_counter()
        results["graph"] = build_workspace(workspace, args.nodes, args.edges, args.campaigns)
        results["build_s"] = round(time.perf_counter() - started, 1)
        with Workspace(workspace, read_only=True) as ws:
            edge = ws.sql("SELECT source, target FROM coordination_edges "
                          "WHERE source = 'acct000123' LIMIT 1").fetchall()[0]  # fmt: skip
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(workspace, port)
        try:
            results["cold"] = cold_start(base)
            results["single_client"] = latency(base, edge, clients=1, rounds=args.rounds)
            results["concurrent_20"] = latency(
                base, edge, clients=20, rounds=max(2, args.rounds // 4)
            )
            results["browser"] = browser(base) if CHROMIUM.exists() else "skipped: no chromium"
        finally:
            server.terminate()
            server.wait(30)
    write_results("dashboard", results, report(results))


def cold_start(base: str) -> dict:
    """Seconds from launch until each cached piece first answers."""
    started = time.perf_counter()
    summary = wait_for(f"{base}/api/summary")
    campaigns = wait_for(f"{base}/api/campaigns")
    network = wait_for(f"{base}/api/network")
    total = time.perf_counter() - started
    return {"server_up_s": round(summary, 2), "campaign_objects_s": round(summary + campaigns, 2),
            "layout_ready_s": round(total, 2), "network_after_campaigns_s": round(network, 2)}  # fmt: skip


def report(r: dict) -> list[str]:
    g = r["graph"]
    lines = [
        f"# Dashboard load check: {g['nodes']:,} accounts, {g['edges']:,} edges, "
        f"{g['campaigns']} campaigns (synthetic)",
        "",
        f"machine: {r['machine']}",
        "",
        f"Workspace built in {r['build_s']} s. Server cold start (one process, loopback): "
        f"answers after {r['cold']['server_up_s']} s, campaign list ready after "
        f"{r['cold']['campaign_objects_s']} s, network layout ready after "
        f"{r['cold']['layout_ready_s']} s (both built once, in the background, then cached).",
        "",
        "| endpoint | 1 client p50 ms | 1 client p99 ms | 20 clients p50 ms | 20 clients p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, one in r["single_client"].items():
        many = r["concurrent_20"][name]
        lines.append(f"| {name} | {one['p50_ms']} | {one['p99_ms']} | {many['p50_ms']} | "
                     f"{many['p99_ms']} |")  # fmt: skip
    lines += ["", f"Throughput with 20 clients: {r['concurrent_20']['all requests']['per_s']} "
              "requests/s over the mix above (gzip on).", ""]  # fmt: skip
    b = r["browser"]
    if isinstance(b, dict):
        t = b["in_page"]
        lines += [
            "Headless Chromium 2 cores, software WebGL (SwiftShader; a real GPU is faster):",
            "",
            f"- campaign list page load: {b['page_load_s']} s",
            f"- network view of all {t['nodes']:,} accounts with the {t['edges']:,} strongest of "
            f"{t['allEdges']:,} edges (the default): drawn {b['network_render_s']} s after "
            f"navigation (fetch {t['fetchMs'] / 1000:.1f} s, graph build "
            f"{t['buildMs'] / 1000:.1f} s, first draw {t['drawMs'] / 1000:.1f} s)",
            f"- dragging it: median frame {b['drag_frames']['median_ms']} ms, "
            f"p95 {b['drag_frames']['p95_ms']} ms over {b['drag_frames']['frames']} frames "
            "(edges hidden while moving; the long frames are the redraws with edges when the "
            "mouse pauses)",
        ]
        a = b["all_edges"]
        lines += [
            f"- 'draw all' ({a['in_page']['edges']:,} edges): drawn {a['render_s']} s after "
            f"navigation (graph build {a['in_page']['buildMs'] / 1000:.1f} s, first draw "
            f"{a['in_page']['drawMs'] / 1000:.1f} s); dragging: median frame "
            f"{a['drag_frames']['median_ms']} ms, p95 {a['drag_frames']['p95_ms']} ms",
        ]
    else:
        lines.append(f"Browser: {b}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=50_000)
    parser.add_argument("--edges", type=int, default=500_000)
    parser.add_argument("--campaigns", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=20)
    run(parser.parse_args())


if __name__ == "__main__":
    main()

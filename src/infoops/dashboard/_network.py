"""The fused account graph for the browser: a layout computed once, sent in binary.

At 50,000 accounts and 500,000 edges a JSON list of edges is tens of megabytes
and a layout in the browser takes minutes, so the server lays the graph out once
(igraph Fruchterman-Reingold per connected component, components packed in
rows, largest first) and sends positions and edge endpoints as typed arrays:
the browser only draws. Account ids and labels go as JSON beside them.

Binary layout (little-endian): header u32 ``magic, nodes, edges, 0``; then
``x`` f32[n], ``y`` f32[n], ``size`` f32[n], ``campaign`` i32[n] (index into the
JSON campaign list, -1 for none), ``endpoints`` u32[2m], ``weight`` f32[m].
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

import igraph
import numpy as np

from ._data import WorkspaceData

MAGIC = 0x31474F49  # "IOG1"
FR_ITERATIONS = 300
BIG_COMPONENT = 2_000  # above this, FR uses its grid approximation


@dataclass
class Network:
    """The whole graph: node order is account_id order."""

    ids: list[str]
    labels: list[str]
    campaign_ids: list[str]
    campaign: np.ndarray  # int32 index into campaign_ids, -1 outside campaigns
    x: np.ndarray
    y: np.ndarray
    size: np.ndarray
    source: np.ndarray  # uint32 node index
    target: np.ndarray
    weight: np.ndarray


def network(data: WorkspaceData) -> Network:
    """The laid-out graph of the workspace, computed on first use and kept."""
    return data.cached("network", lambda: _build(data))


def _build(data: WorkspaceData) -> Network:
    if not data.has("fused_edges"):
        empty = np.zeros(0, np.float32)
        return Network([], [], [], np.zeros(0, np.int32), empty, empty, empty,
                       np.zeros(0, np.uint32), np.zeros(0, np.uint32), empty)  # fmt: skip
    with data.cursor() as cur:
        nodes = cur.sql(_NODES_SQL).to_arrow_table().to_pydict()
        edges = cur.execute(_EDGES_SQL).fetchnumpy()
    ids = nodes["account_id"]
    campaign_ids = sorted({c for c in nodes["campaign_id"] if c is not None})
    index = {c: i for i, c in enumerate(campaign_ids)}
    source = edges["s"].astype(np.uint32)
    target = edges["t"].astype(np.uint32)
    campaign = np.array([index.get(c, -1) for c in nodes["campaign_id"]], np.int32)
    x, y = layout(len(ids), source, target, campaign)
    degree = np.bincount(np.concatenate([source, target]), minlength=len(ids))
    return Network(
        ids=ids,
        labels=[n if n is not None else a for a, n in zip(ids, nodes["label"], strict=True)],
        campaign_ids=campaign_ids,
        campaign=campaign,
        x=x,
        y=y,
        size=(2 + 10 * np.sqrt(degree / max(1, degree.max()))).astype(np.float32),
        source=source,
        target=target,
        weight=edges["w"].astype(np.float32),
    )


_NODES_SQL = """
WITH ends AS (SELECT source AS account_id FROM fused_edges UNION SELECT target FROM fused_edges)
SELECT e.account_id, c.account_name AS label, c.campaign_id
FROM ends e LEFT JOIN (SELECT DISTINCT ON (account_id) * FROM campaign_accounts) c
    USING (account_id)
ORDER BY e.account_id"""

_EDGES_SQL = """
WITH ends AS (SELECT source AS account_id FROM fused_edges UNION SELECT target FROM fused_edges),
n AS (SELECT account_id, row_number() OVER (ORDER BY account_id) - 1 AS i FROM ends)
SELECT a.i AS s, b.i AS t, f.weight AS w
FROM fused_edges f JOIN n a ON a.account_id = f.source JOIN n b ON b.account_id = f.target
ORDER BY s, t"""


def layout(
    n: int, source: np.ndarray, target: np.ndarray, groups: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Positions for ``n`` nodes: each connected component laid out alone, then packed.
    ``groups`` (campaign index, -1 for none) seeds big components: each campaign starts
    in a cell of its own, so a few iterations keep campaigns apart."""
    x, y = np.zeros(n, np.float32), np.zeros(n, np.float32)
    if n == 0:
        return x, y
    graph = igraph.Graph(n=n, edges=np.column_stack([source, target]).tolist())
    graph.vs["i"] = range(n)
    graph.vs["group"] = (groups if groups is not None else np.full(n, -1)).tolist()
    parts = sorted(graph.decompose(), key=lambda g: -g.vcount())
    boxes = [_component(part) for part in parts]
    for part, (px, py), (ox, oy) in zip(parts, boxes, _pack([_radius(b) for b in boxes]),
                                        strict=True):  # fmt: skip
        members = np.array(part.vs["i"])
        x[members], y[members] = px + ox, py + oy
    return x, y


def _component(part: igraph.Graph) -> tuple[np.ndarray, np.ndarray]:
    """Centred coordinates of one component, scaled to a radius that grows with its size."""
    count = part.vcount()
    if count == 1:
        return np.zeros(1), np.zeros(1)
    seed = _seed(count, np.array(part.vs["group"]))
    coords = np.array(
        part.layout_fruchterman_reingold(
            niter=FR_ITERATIONS if count <= BIG_COMPONENT else 100,
            seed=seed.tolist(),
            grid=count > BIG_COMPONENT,
        ).coords
    )
    coords -= coords.mean(axis=0)
    spread = np.sqrt((coords**2).sum(axis=1)).max() or 1.0
    coords *= math.sqrt(count) / spread
    return coords[:, 0], coords[:, 1]


def _seed(count: int, groups: np.ndarray) -> np.ndarray:
    """Start positions over a square of side sqrt(n), as igraph does (FR's grid stays
    sparse); in a big component, each campaign's accounts start around their own spot."""
    rng = np.random.default_rng(count)
    seed = rng.uniform(-0.5, 0.5, (count, 2)) * math.sqrt(count)
    labelled = groups >= 0
    if count <= BIG_COMPONENT or not labelled.any():
        return seed
    _, group = np.unique(groups[labelled], return_inverse=True)
    side = math.ceil(math.sqrt(group.max() + 1))
    cell = math.sqrt(count) / side
    centre = (np.column_stack([group % side, group // side]) + 0.5) * cell - math.sqrt(count) / 2
    seed[labelled] = centre + rng.normal(0, cell / 6, (int(labelled.sum()), 2))
    return seed


def _radius(box: tuple[np.ndarray, np.ndarray]) -> float:
    return float(np.sqrt(box[0] ** 2 + box[1] ** 2).max()) + 1.0


def _pack(radii: list[float]) -> list[tuple[float, float]]:
    """Centres for discs of the given radii (largest first), in rows of a near-square."""
    width = math.sqrt(sum((2 * r) ** 2 for r in radii)) * 1.1
    centres, cursor_x, row_y, row_height = [], 0.0, 0.0, 0.0
    for r in radii:
        if cursor_x > 0 and cursor_x + 2 * r > width:
            cursor_x, row_y, row_height = 0.0, row_y - row_height, 0.0
        centres.append((cursor_x + r, row_y - r))
        cursor_x += 2 * r
        row_height = max(row_height, 2 * r)
    return centres


def subset(net: Network, campaign_id: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Node indices and edge indices of the whole graph or of one campaign."""
    if not campaign_id:
        return np.arange(len(net.ids)), np.arange(len(net.source))
    if campaign_id not in net.campaign_ids:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    inside = net.campaign == net.campaign_ids.index(campaign_id)
    edges = np.flatnonzero(inside[net.source] & inside[net.target])
    return np.flatnonzero(inside), edges


def meta(net: Network, campaign_id: str | None) -> dict:
    """The strings of the (sub)graph, in the node order of ``binary``."""
    nodes, edges = subset(net, campaign_id)
    return {
        "nodes": len(nodes),
        "edges": len(edges),
        "ids": [net.ids[i] for i in nodes],
        "labels": [net.labels[i] for i in nodes],
        "campaigns": net.campaign_ids,
    }


def binary(net: Network, campaign_id: str | None) -> bytes:
    """Positions, sizes, campaigns and edges of the (sub)graph as typed arrays."""
    nodes, edges = subset(net, campaign_id)
    renumber = np.full(len(net.ids), -1, np.int64)
    renumber[nodes] = np.arange(len(nodes))
    ends = np.column_stack([renumber[net.source[edges]], renumber[net.target[edges]]])
    parts = [
        struct.pack("<4I", MAGIC, len(nodes), len(edges), 0),
        net.x[nodes].astype("<f4").tobytes(),
        net.y[nodes].astype("<f4").tobytes(),
        net.size[nodes].astype("<f4").tobytes(),
        net.campaign[nodes].astype("<i4").tobytes(),
        ends.astype("<u4").tobytes(),
        net.weight[edges].astype("<f4").tobytes(),
    ]
    return b"".join(parts)

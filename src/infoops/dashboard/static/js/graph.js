// The account network: positions come from the server (laid out once), sigma draws with WebGL.
import { get, getBinary } from "./api.js";

export const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
  "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];
const OUTSIDE = "#b5b9c0";
const MAGIC = 0x31474f49;
const LARGE = 20000; // above this many nodes: labels only when zoomed in, no z-ordering
// Above this many edges only the strongest are drawn until the analyst asks for all: every
// redraw after a pan costs seconds on a machine without a GPU (software WebGL).
export const EDGE_BUDGET = 150000;

export const campaignColour = (index) => (index < 0 ? OUTSIDE : PALETTE[index % PALETTE.length]);

/** Decode the typed arrays sent by /api/network.bin (layout documented in _network.py). */
export function decode(buffer) {
  const head = new Uint32Array(buffer, 0, 4);
  if (head[0] !== MAGIC) throw new Error("unexpected network data");
  const n = head[1];
  const m = head[2];
  let offset = 16;
  const take = (Type, count) => {
    const array = new Type(buffer, offset, count);
    offset += count * 4;
    return array;
  };
  return {
    n, m,
    x: take(Float32Array, n), y: take(Float32Array, n), size: take(Float32Array, n),
    campaign: take(Int32Array, n), ends: take(Uint32Array, 2 * m), weight: take(Float32Array, m),
  };
}

/** Indices of the edges to draw: all, or the strongest `budget` of them. */
function chosenEdges(data, budget) {
  const all = Array.from({ length: data.m }, (_, e) => e);
  if (data.m <= budget) return all;
  return all.sort((a, b) => data.weight[b] - data.weight[a]).slice(0, budget);
}

/** Build the graphology graph: node keys are account ids. */
function buildGraph(meta, data, budget) {
  // The server sends each pair once: a multi graph skips graphology's duplicate lookups.
  const graph = new graphology.Graph({ type: "undirected", multi: true, allowSelfLoops: false });
  // Accounts outside campaigns first: the later ones are drawn on top.
  const order = Array.from({ length: data.n }, (_, i) => i).sort((a, b) => (data.campaign[a] >= 0) - (data.campaign[b] >= 0));
  for (const i of order) {
    graph.addNode(meta.ids[i], {
      x: data.x[i], y: data.y[i], size: data.size[i], label: meta.labels[i],
      color: campaignColour(data.campaign[i]), campaign: data.campaign[i] < 0 ? null : meta.campaigns[data.campaign[i]],
    });
  }
  const edgeColour = data.m > 20000 ? "rgba(110,118,129,0.18)" : "rgba(84,94,110,0.5)";
  let maxWeight = 1;
  for (let e = 0; e < data.m; e += 1) maxWeight = Math.max(maxWeight, data.weight[e]);
  for (const e of chosenEdges(data, budget)) {
    const source = meta.ids[data.ends[2 * e]];
    const target = meta.ids[data.ends[2 * e + 1]];
    if (source === target) continue;
    graph.addUndirectedEdge(source, target, { size: 0.6 + 2.4 * Math.sqrt(data.weight[e] / maxWeight), color: edgeColour });
  }
  return graph;
}

/**
 * Draw the network of one campaign (or all) into `container`.
 * onNode(accountId, attributes) is called on click. Resolves once sigma has drawn;
 * timings go to window.__infoopsNetwork for the benchmark.
 */
export async function renderNetwork(container, { campaign = "", onNode = null, budget = EDGE_BUDGET } = {}) {
  const started = performance.now();
  const [meta, buffer] = await Promise.all([get("/api/network", { campaign }), getBinary("/api/network.bin", { campaign })]);
  const fetched = performance.now();
  const data = decode(buffer);
  if (!data.n) {
    container.textContent = "No significant coordination edges to draw.";
    return null;
  }
  const graph = buildGraph(meta, data, budget);
  const built = performance.now();
  const large = data.n > LARGE;
  const state = { selected: null, neighbours: new Set() };
  const renderer = new Sigma(graph, container, {
    hideEdgesOnMove: data.m > 5000,
    hideLabelsOnMove: true,
    labelRenderedSizeThreshold: large ? 14 : 8,
    labelDensity: 0.5,
    zIndex: !large,
    // Thin GL lines (2 vertices an edge) instead of quads when there are many edges.
    edgeProgramClasses: data.m > 50000 ? { line: Sigma.rendering.EdgeLineProgram } : {},
    nodeReducer: (node, attrs) => {
      if (!state.selected) return attrs;
      if (node === state.selected) return { ...attrs, highlighted: true, zIndex: 2 };
      if (state.neighbours.has(node)) return { ...attrs, zIndex: 1 };
      return { ...attrs, color: "#e3e5e8", label: "", zIndex: 0 };
    },
    edgeReducer: (edge, attrs) => {
      if (!state.selected) return attrs;
      return graph.hasExtremity(edge, state.selected) ? { ...attrs, color: "rgba(40,40,40,0.6)" } : { ...attrs, hidden: true };
    },
  });
  renderer.on("clickNode", ({ node }) => {
    state.selected = node;
    state.neighbours = new Set(graph.neighbors(node));
    renderer.refresh();
    if (onNode) onNode(node, graph.getNodeAttributes(node));
  });
  renderer.on("clickStage", () => {
    state.selected = null;
    renderer.refresh();
  });
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const drawn = performance.now();
  window.__infoopsNetwork = {
    nodes: data.n, edges: graph.size, allEdges: data.m, fetchMs: fetched - started, buildMs: built - fetched,
    drawMs: drawn - built, totalMs: drawn - started, large,
  };
  container.dataset.rendered = "1";
  window.__infoopsRenderer = renderer; // for the benchmark and debugging from the console
  return { renderer, graph, meta, select: (node) => renderer.emit("clickNode", { node }), kill: () => renderer.kill() };
}

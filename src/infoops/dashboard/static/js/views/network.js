// The whole account network (or one campaign's), with a panel for the clicked account.
import { get } from "../api.js";
import { el, fmtNumber, link, route, section } from "../dom.js";
import { EDGE_BUDGET, renderNetwork } from "../graph.js";

export async function networkView(ctx, params) {
  const campaign = params.get("campaign") || "";
  // The campaign ids come with the graph (the full campaign list may still be building).
  const campaigns = (await get("/api/network", { campaign: "none" })).campaigns;
  const budget = params.get("edges") === "all" ? Infinity : EDGE_BUDGET;
  const box = el("div", { class: "graph big", id: "network-graph" });
  const panel = el("aside", { class: "panel" }, el("p", { class: "muted" }, "Click an account to see who it is tied to."));
  const status = el("p", { class: "muted", id: "network-status" }, "Loading the network…");
  const chooser = el("select", {
    "aria-label": "campaign", onchange: (e) => { location.hash = e.target.value ? `#/network?campaign=${encodeURIComponent(e.target.value)}` : "#/network"; },
  }, el("option", { value: "" }, "all accounts"), campaigns.map((id) =>
    el("option", { value: id, selected: id === campaign ? "" : null }, id)));
  let net = null;
  const find = el("input", { type: "search", placeholder: "Find account id…", onchange: (e) => {
    const id = e.target.value.trim();
    if (net && net.graph.hasNode(id)) net.select(id);
    else status.textContent = `No account ${id} in this view.`;
  } });
  ctx.afterMount(async () => {
    net = await renderNetwork(box, {
      campaign,
      budget,
      onNode: (node, attrs) => panel.replaceChildren(
        el("h3", {}, attrs.label || node),
        el("p", {}, link(route("account", node), "Open account: posts, edges, evidence")),
        el("p", {}, "Campaign: ", attrs.campaign ? link(route("campaign", attrs.campaign), attrs.campaign) : "none"),
        el("p", {}, `${fmtNumber(net.graph.degree(node))} accounts tied`),
        el("ul", { class: "neighbours" }, net.graph.neighbors(node).slice(0, 30).map((n) => el("li", {}, link(route("account", n), net.graph.getNodeAttribute(n, "label") || n))))),
    });
    if (!net) { status.textContent = "No edges to draw."; return; }
    ctx.onLeave(net.kill);
    const t = window.__infoopsNetwork;
    status.textContent = `${fmtNumber(t.nodes)} accounts, ${fmtNumber(t.edges)} ties · drawn in ${(t.totalMs / 1000).toFixed(1)} s`;
    if (t.edges < t.allEdges) {
      const query = new URLSearchParams({ ...(campaign ? { campaign } : {}), edges: "all" });
      status.append(` · the ${fmtNumber(t.edges)} strongest of ${fmtNumber(t.allEdges)} ties shown: `,
        link(`#/network?${query}`, "draw all"));
    }
  });
  // Colours follow the campaign's position in id order (as the server numbers them).
  const legend = el("div", { class: "legend" }, campaigns.slice(0, 10).map((id, i) =>
    el("span", {}, el("i", { class: `swatch c${i % 10}` }), id)),
  campaigns.length > 10 ? el("span", { class: "muted" }, `… colours repeat every 10 campaigns`) : null,
  el("span", {}, el("i", { class: "swatch none" }), "outside campaigns"));
  return el("div", {}, el("h1", {}, "Network"),
    section("Accounts tied by significant coordination", el("div", { class: "toolbar" }, chooser, find, status), legend,
      el("div", { class: "network-layout" }, box, panel)));
}

// The page: header, navigation and a router from "#/kind/id" to a view.
import { get } from "./api.js";
import { el, fmtNumber } from "./dom.js";
import { accountView } from "./views/account.js";
import { campaignView, campaignsView } from "./views/campaigns.js";
import { articleView, claimView, claimsView, launderingView, narrativeView, narrativesView, statementsView } from "./views/content.js";
import { networkView } from "./views/network.js";
import { runsView } from "./views/runs.js";

const ROUTES = {
  campaigns: campaignsView,
  campaign: campaignView,
  account: accountView,
  network: networkView,
  narratives: narrativesView,
  narrative: narrativeView,
  claims: claimsView,
  claim: claimView,
  laundering: launderingView,
  statements: statementsView,
  article: articleView,
  runs: runsView,
};
const SECTION = { campaign: "campaigns", account: "campaigns", narrative: "narratives", claim: "claims", article: "laundering" };
const NAV = [["campaigns", "Campaigns"], ["network", "Network"], ["narratives", "Narratives"],
  ["claims", "Claims"], ["laundering", "Laundering"], ["statements", "Statements"], ["runs", "Run"]];
const EXPORTS = [["accounts.csv", "Accounts (CSV)"], ["edges.csv", "Edges (CSV)"], ["evidence.csv", "Evidence (CSV)"],
  ["campaigns.csv", "Campaigns (CSV)"], ["campaigns.json", "Campaign objects (JSON)"],
  ["network.gexf", "Network (GEXF, Gephi)"], ["network.graphml", "Network (GraphML)"], ["briefing.html", "Briefing (HTML)"]];

const ctx = { summary: null, leaving: [], mounted: [] };
ctx.afterMount = (fn) => ctx.mounted.push(fn);
ctx.onLeave = (fn) => ctx.leaving.push(fn);
ctx.reloadSummary = async () => {
  ctx.summary = await get("/api/summary");
  renderHeader();
};

function renderHeader() {
  const s = ctx.summary;
  const kind = parseHash().kind;
  const current = SECTION[kind] || kind;
  const exportsMenu = el("details", { class: "exports" }, el("summary", {}, "Export"),
    el("div", { class: "menu" }, EXPORTS.map(([name, label]) => el("a", { href: `/api/export/${name}`, download: "" }, label)),
      el("a", { href: "/api/export/briefing.html?download=false", target: "_blank", rel: "noopener" }, "Open the briefing")));
  document.getElementById("header").replaceChildren(
    el("a", { class: "brand", href: "#/campaigns" }, "infoops"),
    el("nav", {}, NAV.map(([key, label]) => el("a", { href: `#/${key}`, class: key === current ? "active" : null }, label))),
    el("span", { class: "workspace", title: "served read-only" }, `${s.workspace} · ${fmtNumber(s.posts)} posts`),
    exportsMenu);
}

function parseHash() {
  const [path, query] = location.hash.replace(/^#\/?/, "").split("?");
  const [kind, ...rest] = path.split("/");
  return { kind: kind || "campaigns", id: rest.length ? decodeURIComponent(rest.join("/")) : null, params: new URLSearchParams(query || "") };
}

async function show() {
  for (const fn of ctx.leaving.splice(0)) {
    try { fn(); } catch { /* a view already gone */ }
  }
  ctx.mounted = [];
  const { kind, id, params } = parseHash();
  const view = ROUTES[kind] || campaignsView;
  const main = document.getElementById("view");
  delete document.body.dataset.view; // set again once this view has been drawn
  main.setAttribute("aria-busy", "true");
  renderHeader();
  try {
    const page = await view(ctx, id ?? params, params);
    main.replaceChildren(page);
    window.scrollTo(0, 0);
    for (const fn of ctx.mounted.splice(0)) await fn();
  } catch (exc) {
    main.replaceChildren(el("div", { class: "card error" }, el("h2", {}, "Could not show this page"), el("p", {}, exc.message)));
  } finally {
    main.removeAttribute("aria-busy");
    document.body.dataset.view = kind;
  }
}

async function start() {
  try {
    ctx.summary = await get("/api/summary");
  } catch (exc) {
    document.getElementById("view").replaceChildren(el("div", { class: "card error" }, el("h2", {}, "The dashboard cannot reach its server"), el("p", {}, exc.message)));
    return;
  }
  window.addEventListener("hashchange", show);
  await show();
}

start();

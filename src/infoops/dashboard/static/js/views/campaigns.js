// The campaign list (search and filters) and one campaign's page.
import { get } from "../api.js";
import { sparkline, timeline } from "../charts.js";
import {
  badge, chip, el, facts, fmtDay, fmtNumber, fmtSeconds, link, postText, route, section, table,
} from "../dom.js";
import { renderNetwork } from "../graph.js";

const FLAGS = [
  ["state_media", "amplifies state media"],
  ["claims", "matches known false claims (unconfirmed)"],
  ["integrity", "targets election integrity"],
  ["laundering", "shares laundered articles"],
];
const filters = { q: "", confidence: "", family: "", flags: new Set(), sort: "confidence" };

function summaryCards(summary) {
  const card = (value, label) => el("div", { class: "stat" }, el("strong", {}, value), el("span", {}, label));
  return el("div", { class: "stats" },
    card(fmtNumber(summary.posts), "posts"),
    card(fmtNumber(summary.accounts), "accounts"),
    card(fmtNumber(summary.campaigns), "candidate campaigns"),
    card(`${fmtDay(summary.first_post)} → ${fmtDay(summary.last_post)}`, "time span"));
}

function filterBar(summary, refresh) {
  const select = (name, options) => el("select", {
    name, "aria-label": name, onchange: (e) => { filters[name] = e.target.value; refresh(); },
  }, options.map(([value, label]) => el("option", { value, selected: filters[name] === value ? "" : null }, label)));
  let timer = null;
  const search = el("input", {
    type: "search", name: "q", placeholder: "Search campaign, account, narrative, claim…", value: filters.q,
    oninput: (e) => { clearTimeout(timer); timer = setTimeout(() => { filters.q = e.target.value; refresh(); }, 200); },
  });
  const flags = FLAGS.map(([flag, label]) => el("label", { class: "check" },
    el("input", { type: "checkbox", checked: filters.flags.has(flag), onchange: (e) => {
      if (e.target.checked) filters.flags.add(flag); else filters.flags.delete(flag);
      refresh();
    } }), label));
  return el("div", { class: "filters" }, search,
    select("confidence", [["", "any confidence"], ["high", "high"], ["moderate", "moderate"], ["low", "low"]]),
    select("family", [["", "any evidence"], ...summary.families.map((f) => [f, f])]),
    select("sort", [["confidence", "sort: confidence"], ["accounts", "sort: accounts"], ["posts", "sort: posts"], ["first", "sort: first post"], ["id", "sort: id"]]),
    el("div", { class: "flags" }, flags));
}

function campaignRows(campaigns) {
  return table([
    ["Campaign", (c) => link(route("campaign", c.campaign_id), c.campaign_id)],
    ["Confidence", (c) => badge(c.confidence)],
    ["Accounts", (c) => fmtNumber(c.accounts), "num"],
    ["Posts", (c) => fmtNumber(c.posts), "num"],
    ["Signals", (c) => Object.keys(c.signals).map((s) => chip(s))],
    ["Narratives", (c) => c.narratives.map((n) => el("div", { class: "terms" }, n))],
    ["Content", (c) => [
      c.state_media.map((s) => chip(`state media: ${s}`, "warn")),
      c.claims ? chip(`${c.claims} false-claim posts`, "warn") : null,
      c.integrity ? chip(`${c.integrity} integrity posts`, "warn") : null,
    ]],
    ["Active", (c) => `${fmtDay(c.first_post)} → ${fmtDay(c.last_post)}`],
    ["", (c) => sparkline(c.timeline)],
  ], campaigns, { onRow: (c) => { location.hash = route("campaign", c.campaign_id); }, empty: "No campaign matches." });
}

export async function campaignsView(ctx) {
  const results = el("div", { id: "campaign-results" });
  const count = el("p", { class: "muted" });
  const refresh = async () => {
    const found = await get("/api/campaigns", {
      q: filters.q, confidence: filters.confidence, family: filters.family,
      flags: [...filters.flags].join(","), sort: filters.sort,
    });
    count.textContent = `${found.campaigns.length} of ${found.total} candidate campaigns`;
    results.replaceChildren(campaignRows(found.campaigns));
  };
  await refresh();
  const notice = ctx.summary.detected ? null
    : el("p", { class: "notice" }, "No coordination results in this workspace yet: run 'infoops coordination' or start a run from the Run page.");
  return el("div", {}, el("h1", {}, "Candidate campaigns"), notice, summaryCards(ctx.summary),
    el("section", { class: "card" }, filterBar(ctx.summary, refresh), count, results));
}

function evidencePair(pair) {
  return el("div", { class: "pair" },
    el("div", { class: "post" }, el("div", { class: "meta" }, link(route("account", pair.source), pair.source)), postText(pair.text_source)),
    el("div", { class: "post" }, el("div", { class: "meta" }, link(route("account", pair.target), pair.target)), postText(pair.text_target)),
    el("div", { class: "pair-meta" }, `${pair.signal} · shared ${pair.shared} · ${fmtSeconds(pair.seconds_apart)} apart · q = ${Number(pair.q_value).toExponential(1)}`));
}

function contentSections(c) {
  const parts = [];
  if (c.narratives.length) parts.push(section("Narratives pushed", table([
    ["Narrative", (n) => link(route("narrative", n.narrative), `#${n.narrative} ${n.label || ""}`)],
    ["Key terms", (n) => n.key_terms],
    ["Posts", (n) => fmtNumber(n.posts), "num"],
    ["Lift", (n) => n.lift, "num"],
  ], c.narratives)));
  if (c.claims.length) parts.push(section("Known false claims", table([
    ["Claim", (k) => link(route("claim", k.claim_url), k.claim)],
    ["Matched", (k) => fmtNumber(k.posts_matched), "num"],
    ["Matched or suggested", (k) => fmtNumber(k.posts_matched_or_suggested), "num"],
    ["Example post", (k) => postText(k.example)],
  ], c.claims)));
  if (c.state_media.length) parts.push(section("State media amplified", table([
    ["Country", (s) => s.country], ["Posts", (s) => fmtNumber(s.posts), "num"],
    ["Share", (s) => `${(100 * s.share).toFixed(1)}%`, "num"], ["Outlets", (s) => s.outlets],
  ], c.state_media)));
  if ((c.integrity_examples || []).length) parts.push(section("Election-integrity content (leads to confirm)", table([
    ["Tag", (t) => chip(t.tag, "warn")],
    ["Posts", (t) => fmtNumber(t.posts), "num"],
    ["Share", (t) => `${(100 * t.share).toFixed(1)}%`, "num"],
    ["Strongest example", (t) => postText(t.example.text)],
    ["Confidence", (t) => (t.example.confidence == null ? "rule" : Number(t.example.confidence).toFixed(2)), "num"],
    ["Rules that agree", (t) => t.example.rule],
  ], c.integrity_examples)));
  if (c.laundering.length) parts.push(section("Laundered articles shared", table([
    ["Group", (l) => l.group], ["Role", (l) => l.role], ["Posts", (l) => fmtNumber(l.posts), "num"],
  ], c.laundering)));
  return parts;
}

export async function campaignView(ctx, id) {
  const c = await get(`/api/campaigns/${encodeURIComponent(id)}`);
  const graphBox = el("div", { class: "graph", id: "campaign-graph" });
  const picked = el("div", { class: "picked muted" }, "Click an account in the network to open it.");
  const page = el("div", {},
    el("p", { class: "crumbs" }, link("#/campaigns", "Campaigns"), " / ", c.campaign_id),
    el("h1", {}, `Campaign ${c.campaign_id} `, badge(c.confidence.level)),
    el("p", { class: "assessment" }, c.assessment),
    el("div", { class: "columns" },
      section("Overview", facts([
        ["Accounts", fmtNumber(c.accounts)], ["Posts", fmtNumber(c.posts)],
        ["Active", `${c.first_post?.slice(0, 16).replace("T", " ")} → ${c.last_post?.slice(0, 16).replace("T", " ")}`],
        ["Median ties", c.median_degree], ["Edge density", c.edge_density],
        ["Languages", Object.entries(c.languages).map(([l, n]) => `${l} ${n}`).join(", ")],
      ]), el("h3", {}, "Confidence set by"), el("ul", {}, c.confidence.reasons.map((r) => el("li", {}, r)))),
      section("Evidence of coordination", facts(Object.entries(c.signals).map(([s, n]) => [s, `${fmtNumber(n)} significant pairs`])),
        el("h3", {}, "DISARM techniques"),
        el("ul", {}, c.disarm.map((t) => el("li", {}, el("strong", {}, `${t.id} ${t.name}`), ` — ${t.evidence}`))))),
    section("Activity", timeline(c.timeline)),
    section("Network", graphBox, picked),
    section("Strongest evidence", c.example_evidence.map(evidencePair)),
    contentSections(c),
    section(`Accounts (${c.members.length})`, table([
      ["Account", (a) => link(route("account", a.account_id), a.account_name || a.account_id)],
      ["Id", (a) => a.account_id],
      ["Score", (a) => Number(a.coordination_score).toFixed(2), "num"],
      ["Posts", (a) => fmtNumber(a.n_posts), "num"],
      ["Coordinated posts", (a) => fmtNumber(a.n_coordinated_posts), "num"],
      ["Ties", (a) => fmtNumber(a.degree), "num"],
      ["Top signals", (a) => a.top_signals],
    ], c.members, { class: "data accounts" })));
  ctx.afterMount(async () => {
    const net = await renderNetwork(graphBox, {
      campaign: c.campaign_id,
      onNode: (node, attrs) => picked.replaceChildren("Selected: ", link(route("account", node), attrs.label || node)),
    });
    if (net) ctx.onLeave(net.kill);
  });
  return page;
}

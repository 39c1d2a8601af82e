// Narratives, known false claims, and laundering chains of articles.
import { get } from "../api.js";
import { timeline } from "../charts.js";
import { chip, el, external, facts, fmtDay, fmtNumber, fmtTime, link, postText, route, section, table } from "../dom.js";

const campaignLink = (id) => (id ? link(route("campaign", id), id) : "");
const accountLink = (id, name) => link(route("account", id), name || id);

export async function narrativesView() {
  const list = await get("/api/narratives");
  return el("div", {}, el("h1", {}, "Narratives"),
    section(`${list.length} narrative clusters`, table([
      ["#", (n) => link(route("narrative", n.narrative), `#${n.narrative}`)],
      ["Label", (n) => n.label || ""],
      ["Key terms", (n) => n.key_terms],
      ["Language", (n) => n.language || ""],
      ["Posts", (n) => fmtNumber(n.posts), "num"],
      ["Accounts", (n) => fmtNumber(n.accounts), "num"],
      ["Active", (n) => `${fmtDay(n.first_post)} → ${fmtDay(n.last_post)}`],
    ], list, { onRow: (n) => { location.hash = route("narrative", n.narrative); }, empty: "No narratives: run 'infoops narratives' (or 'infoops run')." })));
}

export async function narrativeView(ctx, id) {
  const n = await get(`/api/narratives/${encodeURIComponent(id)}`);
  return el("div", {},
    el("p", { class: "crumbs" }, link("#/narratives", "Narratives"), ` / #${n.narrative}`),
    el("h1", {}, `Narrative #${n.narrative}: ${n.label || ""}`),
    el("p", { class: "assessment" }, n.key_terms),
    section("Activity", facts([["Posts", fmtNumber(n.posts)], ["Accounts", fmtNumber(n.accounts)], ["Language", n.language || ""], ["Cohesion", n.cohesion], ["NPMI", n.npmi]]), timeline(n.timeline)),
    section("Campaigns pushing it", table([
      ["Campaign", (c) => campaignLink(c.campaign_id)], ["Posts", (c) => fmtNumber(c.posts), "num"],
      ["Share of narrative", (c) => `${Math.round(100 * c.share)}%`, "num"], ["Lift", (c) => c.lift, "num"],
    ], n.campaigns, { empty: "No detected campaign posts in this narrative." })),
    section("Typical posts", n.examples.map((e) => el("div", { class: "post" }, postText(e)))),
    section(`Posts (first ${n.sample_posts.length} of ${fmtNumber(n.posts)})`, table([
      ["Time", (p) => fmtTime(p.created_at)], ["Account", (p) => accountLink(p.account_id, p.account_name)],
      ["Campaign", (p) => campaignLink(p.campaign_id)], ["Text", (p) => postText(p.text), "text"],
    ], n.sample_posts, { class: "data posts" })));
}

export async function claimsView() {
  const list = await get("/api/claims");
  return el("div", {}, el("h1", {}, "Known false claims"),
    section(`${list.length} claims found in posts or articles`, table([
      ["Claim", (k) => link(route("claim", k.claim_id), k.claim)],
      ["Catalogue", (k) => k.catalogue], ["Date", (k) => k.date],
      ["Matched", (k) => fmtNumber(k.matched), "num"], ["Suggested", (k) => fmtNumber(k.suggested), "num"],
      ["Refuting", (k) => fmtNumber(k.refuting), "num"], ["Reporting", (k) => fmtNumber(k.reporting), "num"],
      ["Articles", (k) => fmtNumber(k.articles), "num"],
    ], list, { onRow: (k) => { location.hash = route("claim", k.claim_id); }, empty: "No claim matches: run 'infoops claims match' (or 'infoops run')." })));
}

export async function claimView(ctx, id) {
  const found = await get("/api/claim", { id });
  const k = found.claim;
  return el("div", {},
    el("p", { class: "crumbs" }, link("#/claims", "Claims"), " / claim"),
    el("h1", {}, "Known false claim"),
    el("p", { class: "assessment" }, k.claim),
    section("Catalogue entry", facts([
      ["Source", external(k.url, k.url)], ["Catalogue", k.catalogue], ["Date", k.date],
      ["Rating", k.rating], ["Countries", k.countries], ["Languages", k.languages], ["Keywords", k.keywords],
    ].filter(([, v]) => v)),
    el("p", { class: "muted" }, "'match': the post states the claim; 'suggested': it may, check by reading; 'refutes' and 'reports': the post denies the claim or attributes it to someone, with the words that decided it.")),
    section(`Posts (${found.posts.length})`, table([
      ["Status", (p) => chip(p.status, p.status === "match" ? "warn" : "")], ["Score", (p) => p.score, "num"],
      ["Stance cue", (p) => p.stance_cue],
      ["Time", (p) => fmtTime(p.created_at)], ["Account", (p) => accountLink(p.account_id, p.account_name)],
      ["Campaign", (p) => campaignLink(p.campaign_id)], ["Text", (p) => postText(p.text), "text"],
    ], found.posts, { class: "data posts" })),
    found.articles.length ? section(`Articles (${found.articles.length})`, table([
      ["Status", (a) => a.status], ["Score", (a) => a.score, "num"], ["Stance cue", (a) => a.stance_cue],
      ["Sentence", (a) => a.evidence, "text"],
      ["Article", (a) => link(route("article", a.article_id), a.title || a.url || a.article_id)],
      ["Published", (a) => fmtTime(a.published_at)],
    ], found.articles)) : null);
}

export async function launderingView() {
  const groups = await get("/api/laundering");
  return el("div", {}, el("h1", {}, "Content laundering"),
    section(`${groups.length} groups of copied or translated articles`, table([
      ["Group", (g) => g.group_id],
      ["First publisher", (g) => link(route("article", g.origin_id), g.origin_title || g.origin_id)],
      ["Domain", (g) => g.origin_domain], ["Published", (g) => fmtTime(g.first_published)],
      ["Copies", (g) => fmtNumber(g.copies), "num"], ["Translations", (g) => fmtNumber(g.translations), "num"],
      ["Languages", (g) => g.languages],
    ], groups, { onRow: (g) => { location.hash = route("article", g.origin_id); }, empty: "No laundering groups: ingest articles and run 'infoops laundering'." })));
}

function chainStep(step, byId, current) {
  const source = step.copied_from ? byId[step.copied_from] : null;
  return el("li", { class: `chain-step ${step.role} ${step.article_id === current ? "current" : ""}` },
    el("div", {}, chip(step.role), " ", link(route("article", step.article_id), step.title || step.url), ` · ${step.domain} · ${step.lang} · ${fmtTime(step.published_at)}`),
    el("div", { class: "muted" }, external(step.url, step.url)),
    source ? el("div", { class: "muted" }, `copied from ${source.domain} (${fmtTime(source.published_at)}) · similarity ${step.similarity} · ${Math.round(100 * (step.copied_share ?? 0))}% of sentences`) : null);
}

export async function articleView(ctx, id) {
  const a = await get(`/api/articles/${encodeURIComponent(id)}`);
  const byId = Object.fromEntries(a.chain.map((s) => [s.article_id, s]));
  return el("div", {},
    el("p", { class: "crumbs" }, link("#/laundering", "Laundering"), ` / ${a.group || "article"}`),
    el("h1", {}, a.title || a.url || a.article_id),
    section("Article", facts([["URL", external(a.url, a.url)], ["Domain", a.domain], ["Published", fmtTime(a.published_at)], ["Language", a.lang], ["Author", a.author]].filter(([, v]) => v)),
      el("details", {}, el("summary", {}, "Text (first 2,000 characters)"), postText(a.text))),
    section(a.group ? `Chain of republication (${a.group})` : "Not part of a laundering group",
      el("ol", { class: "chain" }, a.chain.map((s) => chainStep(s, byId, a.article_id)))),
    a.changes.length ? section("Meaning changes in copies", table([
      ["Copy", (c) => byId[c.article_id]?.domain || c.article_id], ["Change", (c) => chip(c.change, "warn")],
      ["Original sentence", (c) => postText(c.source_sentence), "text"], ["Copy's sentence", (c) => postText(c.copy_sentence), "text"],
    ], a.changes)) : null,
    section(`Posts that paste these articles (${a.posts.length})`, table([
      ["Time", (p) => fmtTime(p.created_at)], ["Account", (p) => accountLink(p.account_id)],
      ["Campaign", (p) => campaignLink(p.campaign_id)], ["Article", (p) => byId[p.article_id]?.domain || p.article_id],
      ["Text", (p) => postText(p.text), "text"],
    ], a.posts, { class: "data posts", empty: "No post pastes these articles." })));
}

function account(c, n) {
  const kind = c[`kind_${n}`] !== "other" ? ` (${c[`kind_${n}`].replace("_", " ")}${c[`country_${n}`] ? ", " + c[`country_${n}`] : ""})` : "";
  const source = c[`source_kind_${n}`] === "article"
    ? link(route("article", c[`source_id_${n}`]), c[`source_${n}`] || c[`source_id_${n}`])
    : c[`source_${n}`];
  return el("div", {}, el("b", {}, c[`speaker_${n}`]), kind, ` ${c[`cue_${n}`]}:`,
    el("div", { class: "post" }, c[`statement_${n}`]),
    el("div", { class: "muted" }, source, c[`date_${n}`] ? ` · ${fmtDay(c[`date_${n}`])}` : ""));
}

export async function statementsView() {
  const found = await get("/api/statements");
  return el("div", {}, el("h1", {}, "Statements"),
    el("p", { class: "muted" }, "Where two speakers' accounts of one thing disagree; a government's against state media's first. Leads: read both sources."),
    section(`${found.conflicts.length} conflicting accounts`, table([
      ["#", (c) => c.conflict_id, "num"],
      ["One account", (c) => account(c, "a")],
      ["The other", (c) => account(c, "b")],
      ["What conflicts", (c) => `${c.kind}: ${c.conflict_words}; both about ${c.shared_words}`],
      ["Confidence", (c) => chip(c.confidence)],
    ], found.conflicts, { empty: "No conflicting accounts: ingest articles and run 'infoops statements'." })),
    section("Speakers", table([
      ["Speaker", (s) => s.speaker], ["Kind", (s) => s.kind.replace("_", " ")], ["Country", (s) => s.country],
      ["Statements", (s) => fmtNumber(s.statements), "num"], ["Sources", (s) => fmtNumber(s.sources), "num"],
    ], found.speakers, { empty: "No attributed statements yet." })));
}

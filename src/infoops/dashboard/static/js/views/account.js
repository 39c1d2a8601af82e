// One account: profile, campaign, coordination edges with the post pairs behind each, posts.
import { get } from "../api.js";
import { chip, el, external, facts, fmtNumber, fmtSeconds, fmtTime, link, postText, route, section, table } from "../dom.js";

function pairView(pair, self) {
  const side = (account, post, time, text) => el("div", { class: `post ${account === self ? "self" : ""}` },
    el("div", { class: "meta" }, link(route("account", account), account), ` · ${fmtTime(time)} · post ${post}`),
    postText(text));
  return el("div", { class: "pair" },
    side(pair.source, pair.post_source, pair.time_source, pair.text_source),
    side(pair.target, pair.post_target, pair.time_target, pair.text_target),
    el("div", { class: "pair-meta" },
      pair.shared ? ["shared: ", el("code", {}, pair.shared), " · "] : null,
      `${fmtSeconds(pair.dt_s)} apart`, pair.similarity != null ? ` · similarity ${pair.similarity}` : ""));
}

function edgeView(edge, self) {
  const box = el("div", { class: "evidence" });
  const show = (pairs, all) => {
    box.replaceChildren(...pairs.map((p) => pairView(p, self)));
    if (!all && edge.n_evidence > pairs.length) { // the workspace keeps the closest pairs (20)
      box.append(el("button", { class: "more", onclick: async () => {
        box.lastChild.disabled = true;
        show(await get("/api/evidence", { signal: edge.signal, source: edge.source, target: edge.target, limit: 500 }), true);
      } }, `Show more of the ${fmtNumber(edge.n_evidence)} post pairs`));
    }
  };
  if (edge.evidence) show(edge.evidence, false);
  else {
    box.append(el("button", { class: "more", onclick: async () => {
      show(await get("/api/evidence", { signal: edge.signal, source: edge.source, target: edge.target, limit: 500 }), true);
    } }, "Show the post pairs behind this edge"));
  }
  return el("div", { class: `edge ${edge.significant ? "" : "weak"}` },
    el("div", { class: "edge-head" }, chip(edge.signal), " with ", link(route("account", edge.other), edge.other),
      ` · ${fmtNumber(edge.shared)} shared (expected ${Number(edge.expected).toFixed(2)})`,
      ` · q = ${Number(edge.q_value).toExponential(1)}`, edge.significant ? "" : " · not significant"),
    box);
}

export async function accountView(ctx, id) {
  const a = await get(`/api/accounts/${encodeURIComponent(id)}`);
  const p = a.profile || {};
  const m = a.membership;
  return el("div", {},
    el("p", { class: "crumbs" }, link("#/campaigns", "Campaigns"), m?.campaign_id ? [" / ", link(route("campaign", m.campaign_id), m.campaign_id)] : null, " / ", id),
    el("h1", {}, p.account_name || m?.account_name || id, el("span", { class: "muted small" }, ` ${id}`)),
    el("div", { class: "columns" },
      section("Account", facts([
        ["Platform", p.platform], ["Display name", p.display_name], ["Created", p.created_at && fmtTime(p.created_at)],
        ["Followers", p.followers != null && fmtNumber(p.followers)], ["Following", p.following != null && fmtNumber(p.following)],
        ["Location", p.location], ["Description", p.description], ["Posts in workspace", fmtNumber(a.post_count)],
      ].filter(([, v]) => v !== undefined && v !== null && v !== "" && v !== false))),
      section("Coordination", m ? facts([
        ["Campaign", m.campaign_id ? link(route("campaign", m.campaign_id), m.campaign_id) : "none"],
        ["Coordination score", Number(m.coordination_score).toFixed(3)],
        ["Coordinated posts", `${fmtNumber(m.n_coordinated_posts)} of ${fmtNumber(m.n_posts)}`],
        ["Top signals", m.top_signals],
      ]) : el("p", { class: "muted" }, "Not tied to any other account."))),
    section(`Edges and their evidence (${a.edges.length})`,
      el("p", { class: "muted" }, "Each edge: a signal this account shares with another beyond chance, and the pairs of posts that created it."),
      el("div", { id: "edges" }, a.edges.map((e) => edgeView(e, id)))),
    section(`Posts (${fmtNumber(a.posts.length)} of ${fmtNumber(a.post_count)})`, table([
      ["Time", (x) => fmtTime(x.created_at)],
      ["Type", (x) => x.post_type],
      ["Text", (x) => [postText(x.text), (x.urls || []).map((u) => el("div", { class: "url" }, external(u)))], "text"],
      ["Reshare of", (x) => (x.reshare_of_account ? link(route("account", x.reshare_of_account), x.reshare_of_account) : "")],
    ], a.posts, { class: "data posts" })));
}

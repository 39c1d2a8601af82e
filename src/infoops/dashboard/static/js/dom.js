// Building the page without ever parsing data as HTML.
//
// Every string given to el() becomes a text node (textContent), so a post that
// contains <script> or <img onerror=...> shows as those characters and never runs.
// Links take only in-app routes ("#/...") or http(s) URLs.

const SVG_NS = "http://www.w3.org/2000/svg";

/** An element with properties, listeners and children (strings become text nodes). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  setProps(node, props);
  append(node, children);
  return node;
}

/** An SVG element: attributes only, children as for el(). */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  append(node, children);
  return node;
}

function setProps(node, props) {
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "href") {
      const safe = safeHref(value);
      if (safe) node.setAttribute("href", safe);
    } else if (key === "value" || key === "checked" || key === "disabled") node[key] = value;
    else node.setAttribute(key, String(value));
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An in-app route, a same-server path, or an http(s) URL; anything else is dropped. */
export function safeHref(value) {
  const text = String(value);
  if (text.startsWith("#/") || text.startsWith("/api/")) return text;
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** An in-app link to a route. */
export function link(route, label) {
  return el("a", { href: route }, label);
}

/** A link to an outside page: opens in a new tab and tells it nothing about us. */
export function external(url, label) {
  const href = safeHref(url);
  if (!href || href.startsWith("#") || href.startsWith("/")) return label ?? url ?? "";
  return el("a", { href, target: "_blank", rel: "noopener noreferrer" }, label ?? url);
}

/** Route for an account, campaign and so on, with the id URL-encoded. */
export const route = (kind, id) => `#/${kind}/${encodeURIComponent(id)}`;

/** A table: columns are [title, (row) => cell content, optional class]. */
export function table(columns, rows, opts = {}) {
  const head = el("tr", {}, columns.map(([title, , cls]) => el("th", { class: cls }, title)));
  const body = rows.map((row) =>
    el("tr", { onclick: opts.onRow ? () => opts.onRow(row) : null, class: opts.onRow ? "clickable" : null },
      columns.map(([, cell, cls]) => el("td", { class: cls }, cell(row)))),
  );
  const empty = rows.length ? null : el("tr", {}, el("td", { colspan: columns.length, class: "muted" }, opts.empty || "None."));
  return el("table", { class: opts.class || "data" }, el("thead", {}, head), el("tbody", {}, body, empty));
}

/** The confidence level as a coloured badge. */
export const badge = (level) => el("span", { class: `badge ${level}` }, level);

/** A small grey label (signals, tags). */
export const chip = (text, cls = "") => el("span", { class: `chip ${cls}` }, text);

export function fmtNumber(n) {
  return n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US");
}

/** "2016-10-03 14:02" from an ISO timestamp. */
export function fmtTime(iso) {
  return iso ? String(iso).replace("T", " ").slice(0, 16) : "–";
}

export const fmtDay = (iso) => (iso ? String(iso).slice(0, 10) : "–");

/** Seconds as "12 s", "3.5 min" or "2.1 h". */
export function fmtSeconds(s) {
  if (s === null || s === undefined) return "–";
  if (Math.abs(s) < 120) return `${Math.round(s)} s`;
  if (Math.abs(s) < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** A titled section of a page. */
export function section(title, ...children) {
  return el("section", { class: "card" }, el("h2", {}, title), children);
}

/** Label/value pairs as a definition list. */
export function facts(pairs) {
  return el("dl", { class: "facts" }, pairs.filter(Boolean).map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
}

/** A post's text, shown as text (hostile markup stays visible characters). */
export function postText(text) {
  return el("div", { class: "post-text" }, text ?? "(no text)");
}

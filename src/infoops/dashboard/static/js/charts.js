// Activity over time as SVG bars, drawn from numbers only.
import { el, fmtNumber, svg } from "./dom.js";

const DAY = 86400000;

/** Fill missing days with zero so the bars show gaps in activity. */
function dailySeries(counts) {
  const days = Object.keys(counts).sort();
  if (!days.length) return [];
  const start = Date.parse(days[0]);
  const end = Date.parse(days[days.length - 1]);
  const step = (end - start) / DAY > 400 ? 7 : 1; // long spans: weekly bars
  const series = [];
  for (let t = start; t <= end; t += step * DAY) {
    let total = 0;
    for (let d = 0; d < step; d += 1) total += counts[new Date(t + d * DAY).toISOString().slice(0, 10)] || 0;
    series.push([new Date(t).toISOString().slice(0, 10), total]);
  }
  return series;
}

/** A bar chart of posts per day (or week), with the first and last date and the peak. */
export function timeline(counts, opts = {}) {
  const series = dailySeries(counts);
  if (!series.length) return el("p", { class: "muted" }, "No dated activity.");
  const width = opts.width || 720;
  const height = opts.height || 140;
  const pad = { left: 40, right: 8, top: 10, bottom: 22 };
  const peak = Math.max(...series.map(([, n]) => n), 1);
  const barWidth = (width - pad.left - pad.right) / series.length;
  const plotHeight = height - pad.top - pad.bottom;
  const bars = series.map(([day, n], i) => {
    const h = (n / peak) * plotHeight;
    return svg("rect", {
      x: pad.left + i * barWidth, y: pad.top + plotHeight - h,
      width: Math.max(barWidth - 1, 0.6), height: h, class: "bar",
    }, svg("title", {}, `${day}: ${fmtNumber(n)} posts`));
  });
  const label = (x, y, text, anchor = "start") => svg("text", { x, y, "text-anchor": anchor, class: "axis" }, text);
  return el("figure", { class: "timeline" },
    svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "posts over time" },
      svg("line", { x1: pad.left, x2: width - pad.right, y1: pad.top + plotHeight, y2: pad.top + plotHeight, class: "baseline" }),
      bars,
      label(pad.left - 4, pad.top + 8, fmtNumber(peak), "end"),
      label(pad.left - 4, pad.top + plotHeight, "0", "end"),
      label(pad.left, height - 6, series[0][0]),
      label(width - pad.right, height - 6, series[series.length - 1][0], "end")),
    el("figcaption", {}, opts.caption || `posts per ${series.length > 1 && Date.parse(series[1][0]) - Date.parse(series[0][0]) > DAY ? "week" : "day"}`));
}

/** A tiny inline bar line for table rows. */
export function sparkline(counts) {
  const series = dailySeries(counts);
  const width = 120;
  const height = 24;
  if (!series.length) return "";
  const peak = Math.max(...series.map(([, n]) => n), 1);
  const w = width / series.length;
  return svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "spark", "aria-hidden": "true" },
    series.map(([, n], i) => svg("rect", { x: i * w, y: height - (n / peak) * height, width: Math.max(w - 0.5, 0.4), height: (n / peak) * height })));
}

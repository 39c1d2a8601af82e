// Start 'infoops run' from the page and follow its progress.
import { get, post } from "../api.js";
import { el, fmtSeconds, section } from "../dom.js";

function runCard(run, ctx) {
  const open = run.status === "finished" && run.workspace
    ? el("button", { class: "primary", onclick: async () => {
      await post(`/api/runs/${encodeURIComponent(run.run_id)}/open`);
      await ctx.reloadSummary();
      location.hash = "#/campaigns";
    } }, "Open these results")
    : null;
  return el("div", { class: `run ${run.status}`, dataset: { run: run.run_id, status: run.status } },
    el("div", { class: "run-head" }, el("strong", {}, run.run_id), ` · ${run.status} · ${run.step} · ${fmtSeconds(run.elapsed_s)}`),
    el("progress", { max: 1, value: run.progress }),
    el("div", { class: "muted" }, `inputs: ${run.inputs.join(", ")} → ${run.out_dir}`),
    el("pre", { class: "log" }, run.lines.slice(-40).join("\n")),
    open);
}

export async function runsView(ctx) {
  const list = el("div", { id: "runs" });
  const error = el("p", { class: "error", role: "alert" });
  let timer = null;
  const refresh = async () => {
    const found = await get("/api/runs");
    list.replaceChildren(...found.runs.map((r) => runCard(r, ctx)));
    if (!found.runs.length) list.append(el("p", { class: "muted" }, `No runs yet. Results go under ${found.runs_dir}.`));
    clearTimeout(timer);
    if (found.runs.some((r) => r.status === "running")) timer = setTimeout(refresh, 1000);
  };
  ctx.onLeave(() => clearTimeout(timer));
  const inputs = el("textarea", { name: "inputs", rows: 3, placeholder: "/path/to/posts.csv.gz (one file or folder per line)" });
  const content = el("input", { type: "checkbox", name: "content", checked: true });
  const form = el("form", { class: "run-form", onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = "";
    try {
      await post("/api/runs", { inputs: inputs.value.split("\n").map((s) => s.trim()).filter(Boolean), content: content.checked });
      await refresh();
    } catch (exc) {
      error.textContent = exc.message;
    }
  } },
  el("label", {}, "Files or folders on this machine", inputs),
  el("label", { class: "check" }, content, "Also find narratives, known false claims and election-integrity tags (slower)"),
  el("button", { type: "submit", class: "primary" }, "Start run"), error);
  await refresh();
  return el("div", {}, el("h1", {}, "Run the analysis"),
    section("New run", el("p", { class: "muted" }, "Runs 'infoops run' in the background into a new results folder; this workspace is not changed."), form),
    section("Runs", list));
}

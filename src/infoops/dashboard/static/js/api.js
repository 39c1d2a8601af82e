// Calls to the dashboard's JSON API (same origin; the token cookie goes along).

export class ApiError extends Error {}

async function check(response) {
  if (response.ok) return response;
  let detail = response.statusText;
  try {
    const body = await response.clone().json();
    detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
  } catch {
    detail = (await response.text()) || detail;
  }
  throw new ApiError(`${response.status}: ${detail}`);
}

/** GET a JSON resource; query parameters from an object (empty values left out). */
export async function get(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v != null));
  const url = query.toString() ? `${path}?${query}` : path;
  return (await check(await fetch(url, { credentials: "same-origin" }))).json();
}

/** GET a binary resource as an ArrayBuffer. */
export async function getBinary(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v != null));
  const url = query.toString() ? `${path}?${query}` : path;
  return (await check(await fetch(url, { credentials: "same-origin" }))).arrayBuffer();
}

/** POST JSON (the server refuses anything else: no cross-site form can do this). */
export async function post(path, body = {}) {
  const response = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await check(response)).json();
}

// Shared by the client interop tests: where the server is, the citizen's token,
// the project's persisted operations (mobile_demo/operations) and the server's
// published manifest and possibleTypes map. Set by tests/clients/test_clients.py.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";

export const URL_BASE = process.env.FSREG_URL;
export const GRAPHQL = `${URL_BASE}/graphql`;
export const TOKEN = process.env.FSREG_TOKEN;
if (!URL_BASE) throw new Error("FSREG_URL is not set (run through tests/clients/test_clients.py)");

const OPERATIONS = new URL("../../mobile_demo/operations/", import.meta.url);

export function operationText(name) {
  return readFileSync(new URL(`${name}.graphql`, OPERATIONS), "utf-8");
}

export const sha256 = (text) => createHash("sha256").update(text).digest("hex");

export async function getJson(path) {
  const r = await fetch(`${URL_BASE}${path}`);
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.json();
}

// A fetch that records what was sent and what came back, for assertions.
export function recordingFetch() {
  const calls = [];
  const wrapped = async (url, init = {}) => {
    const response = await fetch(url, init);
    const text = await response.clone().text();
    calls.push({ url: String(url), method: init.method || "GET",
                 request: init.body ? JSON.parse(init.body) : null,
                 accept: new Headers(init.headers).get("accept"),
                 status: response.status, contentType: response.headers.get("content-type"),
                 response: JSON.parse(text) });
    return response;
  };
  return { fetch: wrapped, calls };
}

// Tomorrow .. in six days, Asia/Shanghai calendar dates.
export function bookingRange() {
  const day = (offset) => new Date(Date.now() + offset * 86400e3)
    .toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" });
  return { from: day(1), to: day(6) };
}

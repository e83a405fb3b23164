// The kiosk's shell: which screen shows, who is logged in (masked name only,
// in memory), the idle countdown and the logout that wipes everything.
// A kiosk is a shared device: every session ends with logout(), and a page
// load starts clean (a token left by a crash is revoked at once).

import { provisionFromLocation, rememberIdentity } from "./device.js";
import "./store.js";
import { gql, session, ApiError } from "/ui/gql.js";
import { elder } from "/ui/elder.js";
import { h, button } from "./ui.js";
import { explainKiosk } from "./messages.js";

const screens = {};
let current = null;        // {name, cleanup}
let reference = null;      // halls, service items, rating levels (public)

/** In-memory only; wiped by logout(). The full ID number lives in `card`
 * from the card read until the face login finishes, never longer. */
export const state = {
  card: null,              // {name, idNumber, masked}
  consentVersion: "2026-12",
  citizen: null,           // {maskedName, maskedIdNumber}
  task: null,              // the task chosen before logging in
};

const params = new URLSearchParams(location.search);

/** The hall this terminal stands in (the walk-in default): set per terminal
 * when it is installed, `/kiosk/?hall=FS-440604`; the city centre otherwise.
 * Only an id's shape is checked here; the list of halls decides. */
const HALL_PARAM = params.get("hall") || "";
export const KIOSK_HALL = /^[A-Z0-9-]{2,32}$/.test(HALL_PARAM) ? HALL_PARAM : "FS-CENTRE";

// -- idle ------------------------------------------------------------------------

const IDLE = clamp(Number.parseInt(params.get("idle") || "60", 10) || 60, 2, 600);
const WARN = Math.min(10, Math.max(2, Math.floor(IDLE / 3)));
const FINAL = Math.min(IDLE, 20); // after a task ends: log out soon
/** Nobody logged in, a task done (扫码签到's ticket): back to the welcome screen after this. */
export const RETURN_SECONDS = Math.min(IDLE, 15);
let limit = IDLE;
let lastTouch = Date.now();

function clamp(n, lo, hi) { return Math.min(hi, Math.max(lo, n)); }

const busy = () => state.citizen || state.card || session.loggedIn;
let inFlight = 0;

/** gql() that counts as activity while it runs: a slow answer never times a citizen out. */
export async function call(name, variables = {}, options = {}) {
  inFlight += 1;
  try { return await gql(name, variables, options); } finally { inFlight -= 1; touch(); }
}

export function touch() {
  lastTouch = Date.now();
  const overlay = document.getElementById("idle");
  if (overlay && !overlay.hidden) overlay.hidden = true;
}

function tick() {
  if (inFlight > 0) lastTouch = Date.now();
  const clock = document.querySelector("[data-test=clock]");
  if (clock) clock.textContent = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai",
    hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date());
  const counter = document.querySelector("[data-test=idle-countdown]");
  if (!busy()) { counter.textContent = ""; return; }
  const left = Math.ceil(limit - (Date.now() - lastTouch) / 1000);
  counter.textContent = left > 0 ? `${left} 秒后自动退出` : "";
  const overlay = document.getElementById("idle");
  if (left <= 0) { logout("timeout"); return; }
  if (left <= WARN) {
    overlay.hidden = false;
    overlay.querySelector("[data-test=idle-seconds]").textContent = String(left);
  }
}

/** After a task ends (ticket shown, certificate printed, rating sent). */
export function finalScreen() { limit = FINAL; touch(); }

// -- screens ---------------------------------------------------------------------

export function register(name, render) { screens[name] = render; }

export async function show(name, params = {}) {
  if (current?.cleanup) { try { current.cleanup(); } catch { /* camera already stopped */ } }
  limit = IDLE;
  touch();
  const main = document.getElementById("screen");
  const token = {};
  const entry = { name, token, cleanup: null };
  current = entry;
  main.dataset.screen = "loading";
  main.replaceChildren(h("p", { class: "loading", test: "loading" }, "正在加载，请稍候…"));
  try {
    const node = await screens[name]({ ...params, onCleanup: (fn) => { entry.cleanup = fn; } });
    if (current?.token !== token) return; // another screen was opened meanwhile
    main.replaceChildren(node);
    main.scrollTop = 0;
    node.querySelector("[autofocus]")?.focus();
  } catch (err) {
    if (current?.token !== token) return;
    failure(err);
    return;
  }
  updateChrome();
  main.dataset.screen = name; // rendered: tests may look now
  tick();
}

/** The home screen: the task menu (logged in or not). */
export const home = () => show("home");

/** Start a task: log in first when needed (card → consent → face). */
export function startTask(task) {
  if (session.loggedIn && state.citizen) show(task);
  else { state.task = task; show("card"); }
}

function updateChrome() {
  const who = document.querySelector("[data-test=who]");
  who.hidden = !state.citizen;
  who.textContent = state.citizen ? `${state.citizen.maskedName} 已登录` : "";
  document.querySelector("[data-test=logout]").hidden = !session.loggedIn;
}

// -- logout ----------------------------------------------------------------------

let loggingOut = null;

/** Revoke the session and forget everything; back to the welcome screen. */
export function logout(reason = "user") {
  loggingOut ||= (async () => {
    if (current?.cleanup) { try { current.cleanup(); } catch { /* ignore */ } current.cleanup = null; }
    const had = session.loggedIn;
    if (had) {
      // Best effort and short: the token is dropped either way.
      await Promise.race([gql("KioskLogout").catch(() => null),
                          new Promise((r) => { setTimeout(r, 3000); })]);
    }
    session.clear();
    state.card = null;
    state.citizen = null;
    state.task = null;
    state.consentVersion = "2026-12";
    elder.set(false); // the next person at this terminal chooses again
    document.getElementById("idle").hidden = true;
    await show("home");
    if (had || reason === "timeout") toast(reason === "timeout"
      ? "长时间无操作，已自动退出并清除您的信息" : "已退出登录，您的信息已从本机清除");
  })().finally(() => { loggingOut = null; });
  return loggingOut;
}

export function loggedIn(result) {
  session.set({ accessToken: result.accessToken, refreshToken: result.refreshToken,
                assuranceLevel: result.assuranceLevel });
  state.citizen = { maskedName: result.citizen.maskedName,
                    maskedIdNumber: result.citizen.maskedIdNumber };
  state.card = null; // the ID number is not needed any more
  const task = state.task || "home";
  state.task = null;
  return show(task);
}

// -- reference data and errors ---------------------------------------------------

export async function ref() {
  reference ||= call("KioskReference", {}, { auth: false }).catch((e) => { reference = null; throw e; });
  return reference;
}

export const hallName = (halls, id) => halls.find((x) => x.id === id)?.name || id;
export const itemName = (items, code) => items.find((x) => x.code === code)?.name || code;

/** An error panel for a typed result (__typename + code + message) or an ApiError. */
export function errorBox(err, ...actions) {
  const isTyped = err && err.__typename;
  const key = isTyped ? err.__typename : (err?.code || "SERVER");
  const { title, next } = explainKiosk(key, isTyped ? err : (err?.extra || {}));
  const message = isTyped ? err.message : (err instanceof ApiError ? err.message : "");
  return h("div", { class: "error", role: "alert", test: "error",
                    data: { code: isTyped ? err.code : key } },
    h("h2", { class: "error-title" }, title),
    message && message !== title ? h("p", { class: "error-message", test: "error-message" }, message) : null,
    h("p", { class: "error-next", test: "error-next" }, next),
    actions.length ? h("div", { class: "actions" }, ...actions) : null);
}

/** A whole screen for an unexpected failure (top-level error or network). */
export function failure(err) {
  if (!(err instanceof ApiError)) console.warn("kiosk screen failed", err?.name); // no data
  const main = document.getElementById("screen");
  const lost = err instanceof ApiError && err.code === "UNAUTHENTICATED";
  if (lost) {
    session.clear();
    state.citizen = null;
  }
  main.dataset.screen = "error";
  main.replaceChildren(h("section", { class: "screen" },
    errorBox(err, lost ? button("重新登录", "relogin", () => logout("expired"), "primary")
                       : button("返回首页", "error-home", home, "primary"))));
  updateChrome();
}

export function toast(text) {
  const el = document.getElementById("toast");
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 5000);
}

// -- start-up --------------------------------------------------------------------

export async function boot() {
  // An installer's provisioning link enrols this terminal first (device.js).
  try {
    const enrolled = await provisionFromLocation();
    if (enrolled) rememberIdentity(enrolled);
  } catch {
    // A damaged link: the terminal stays unenrolled (its captures are refused in production).
  }
  for (const ev of ["pointerdown", "keydown", "touchstart", "input", "wheel"]) {
    document.addEventListener(ev, touch, { capture: true, passive: true });
  }
  document.querySelector("[data-test=home]").addEventListener("click", () => {
    // Before login: forget the card read so far. After: the task menu.
    if (!session.loggedIn) { state.card = null; state.task = null; }
    home();
  });
  document.querySelector("[data-test=logout]").addEventListener("click", () => logout("user"));
  document.querySelector("[data-test=idle-continue]").addEventListener("click", touch);
  document.querySelector("[data-test=elder]").addEventListener("click", () => elder.toggle());
  setInterval(tick, 500);
  if (session.loggedIn) await logout("restart"); // a token left behind: never reuse it here
  else await home();
}

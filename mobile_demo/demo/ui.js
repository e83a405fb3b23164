// Small DOM helpers shared by the screens: element builder, cards, badges,
// error boxes and a busy-button wrapper. No business rule lives here.

import { ApiError } from "/ui/gql.js";
import { explain } from "/ui/messages.js";

/** h("button", {class: "btn", dataset: {test: "x"}, on: {click}}, "文字", child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "test") el.dataset.test = value;
    else if (key === "on") for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export const button = (text, attrs = {}, ...children) =>
  h("button", { type: "button", class: "btn", ...attrs }, text || null, ...children);

export const link = (text, href, attrs = {}, ...children) =>
  h("a", { class: "btn", href, ...attrs }, text || null, ...children);

export const card = (attrs, ...children) => h("section", { class: "card", ...attrs }, ...children);

export const section = (title, ...children) =>
  h("section", { class: "section" }, h("h2", { class: "section-title" }, title), ...children);

/** A status badge: always text (and an icon), never colour alone. */
export function badge(text, tone = "info") {
  const icon = { ok: "✓", warn: "!", bad: "✕", info: "•", muted: "–" }[tone] || "•";
  return h("span", { class: `badge badge-${tone}` },
    h("span", { class: "badge-icon", "aria-hidden": "true" }, icon), text);
}

/** Label/value rows. */
export function facts(rows) {
  return h("dl", { class: "facts" }, rows.filter(Boolean).map(([label, value, extra = {}]) =>
    h("div", { class: `fact ${extra.secondary ? "secondary" : ""}` },
      h("dt", {}, label), h("dd", {}, value ?? "—"))));
}

export const empty = (text, ...actions) =>
  h("div", { class: "empty", test: "empty" }, h("p", {}, text), ...actions);

export const loading = () => h("p", { class: "loading", role: "status" }, "加载中…");

/** The Chinese error message for a typed result or an ApiError, with actions. */
export function errorBox(keyOrError, result = {}, ...actions) {
  const isApi = keyOrError instanceof ApiError;
  const key = isApi ? keyOrError.code : keyOrError;
  const { title, next } = explain(key, isApi ? keyOrError.extra : result);
  return h("div", { class: "alert", role: "alert", test: "error-message", dataset: { code: key } },
    h("span", { class: "alert-icon", "aria-hidden": "true" }, "!"),
    h("div", { class: "alert-body" },
      h("strong", { class: "alert-title" }, title),
      h("p", { class: "alert-next" }, next),
      actions.length ? h("div", { class: "alert-actions" }, ...actions) : null));
}

export function notice(text, tone = "ok") {
  return h("div", { class: `notice notice-${tone}`, role: "status", test: "notice" },
    h("span", { class: "alert-icon", "aria-hidden": "true" }, tone === "ok" ? "✓" : "i"), text);
}

/** Put `nodes` into `slot` (replacing what was there). */
export function show(slot, ...nodes) {
  slot.replaceChildren(...nodes.flat().filter(Boolean));
  return slot;
}

/**
 * Run `fn` for a tap: the button is disabled while it runs, a thrown ApiError
 * is shown in `slot` (with `recover(error)` actions), and a typed error result
 * is left to `fn` itself.
 */
export async function busy(btn, slot, fn, recover = () => []) {
  if (btn.disabled) return;
  btn.disabled = true;
  btn.setAttribute("aria-busy", "true");
  if (slot) slot.replaceChildren();
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof ApiError) || !slot) throw error;
    show(slot, errorBox(error, {}, ...recover(error)));
  } finally {
    btn.disabled = false;
    btn.removeAttribute("aria-busy");
  }
}

/** A fresh client-generated request id for one tap (idempotencyKey). */
export function requestId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)),
    (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A radio group of large option buttons: [{value, label, hint}] */
export function choices(name, options, { test, checked } = {}) {
  return h("div", { class: "choices", role: "radiogroup" }, options.map((o) =>
    h("label", { class: "choice", test: test ? `${test}-${o.value}` : null },
      h("input", { type: "radio", name, value: o.value, checked: o.value === checked }),
      h("span", { class: "choice-text" }, o.label,
        o.hint ? h("small", { class: "choice-hint secondary" }, o.hint) : null))));
}

export const picked = (root, name) => root.querySelector(`input[name="${name}"]:checked`)?.value;

/** An in-page confirmation (a modal <dialog>): resolves true on 确定. */
export function confirmDialog(text, okLabel = "确定") {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "dialog", "aria-label": "请确认" });
    const close = (answer) => { dialog.close(); dialog.remove(); resolve(answer); };
    dialog.append(
      h("p", { class: "dialog-text" }, text),
      h("div", { class: "dialog-actions" },
        button("取消", { class: "btn", test: "confirm-cancel", on: { click: () => close(false) } }),
        button(okLabel, { class: "btn btn-primary", test: "confirm-ok",
          on: { click: () => close(true) } })));
    dialog.addEventListener("cancel", (e) => { e.preventDefault(); close(false); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** The elder-mode switch (home and 我的): a real toggle button. */
export function elderSwitch(elder) {
  const btn = button("", { class: "elder-switch", test: "elder-toggle" });
  const paint = () => {
    btn.setAttribute("aria-pressed", String(elder.on));
    btn.replaceChildren(h("span", { class: "elder-switch-icon", "aria-hidden": "true" }, "老"),
      h("span", {}, elder.on ? "长辈版：已开启" : "长辈版：已关闭"),
      h("span", { class: "elder-switch-state" }, elder.on ? "点击关闭" : "点击开启"));
  };
  btn.addEventListener("click", () => { elder.toggle(); paint(); });
  paint();
  return btn;
}

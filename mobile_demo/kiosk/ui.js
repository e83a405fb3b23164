// DOM helpers and display labels for the kiosk. No business rule here: labels
// word the API's enum values, nothing decides anything.

/** h("button", {class: "btn", test: "home", on: {click}}, "返回首页") */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
    else if (key === "test") el.dataset.test = value;
    else if (key === "data") Object.assign(el.dataset, value);
    else if (key === "on") for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else if (key === "text") el.textContent = value;
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** A big touch button. */
export const button = (text, test, onClick, cls = "") =>
  h("button", { type: "button", class: ["btn", cls], test, on: { click: onClick } }, text);

/** The 优先窗口 toggle (elderly / disabled): what checkIn, checkInByCode and
 * takeWalkInTicket take as `priority`. */
export function priorityToggle() {
  const el = h("button", { type: "button", class: "toggle", test: "priority", "aria-pressed": "false" },
    h("span", { class: "toggle-box", "aria-hidden": "true" }),
    h("span", {}, "申请优先办理（残疾人等，须到窗口出示证件核实；65 岁以上自动优先）"));
  el.addEventListener("click", () => {
    const on = el.getAttribute("aria-pressed") !== "true";
    el.setAttribute("aria-pressed", String(on));
    el.classList.toggle("on", on);
  });
  return { el, get on() { return el.getAttribute("aria-pressed") === "true"; } };
}

/** A screen: title, optional lead text, body. */
export function screen(title, lead, ...body) {
  return h("section", { class: "screen" },
    h("h1", { class: "title", test: "title" }, title),
    lead ? h("p", { class: "lead" }, lead) : null,
    ...body);
}

export const CERT_KINDS = {
  HOLDINGS: { label: "查询结果证明",
    hint: "证明您名下全部不动产（含共有、抵押、查封）；可用于子女入学、购房" },
  PARTIAL_HOLDINGS: { label: "部分不动产证明",
    hint: "只证明您选择的不动产，注明“部分不动产，非名下全部”；不能用于子女入学、购房" },
  NO_HOLDINGS: { label: "无房证明", hint: "证明您在佛山市名下没有登记的不动产" },
};

// Purposes that count every property: a partial certificate cannot serve them.
export const WHOLE_ONLY_PURPOSES = ["SCHOOL_ENROLMENT", "HOUSE_PURCHASE"];

export const PURPOSES = {
  SCHOOL_ENROLMENT: "子女入学",
  HOUSE_PURCHASE: "购房",
  TAX: "缴税",
  LOAN: "贷款",
  HUKOU_TRANSFER: "户口迁移",
  OTHER: "其他",
};

export const APPOINTMENT_STATUS = {
  BOOKED: "已预约",
  CHECKED_IN: "已签到取号",
  SERVED: "已办理",
  NO_SHOW: "爽约",
  CANCELLED: "已取消",
};

export const TICKET_STATUS = {
  WAITING: "等候中",
  CALLED: "已叫号，请到窗口办理",
  SERVED: "已办结",
  NO_SHOW: "过号未到",
};

/** "440***********9119": what a card list may show (the full number stays in memory). */
export const maskId = (id) => `${id.slice(0, 3)}${"*".repeat(11)}${id.slice(-4)}`;

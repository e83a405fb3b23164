// Check in for today's booking (from the list after logging in, or by the
// booking's QR code: checkInByCode, see scan.js for the no-login way),
// walk-in tickets, and the ticket screen (number, hall, people ahead,
// estimated wait). The server decides the check-in window, priority and the
// numbers; the kiosk shows its answers.

import { formatRange, formatDateTime, isoDay } from "/ui/format.js";
import { h, button, screen, priorityToggle, APPOINTMENT_STATUS, TICKET_STATUS } from "./ui.js";
import { register, show, ref, hallName, itemName, errorBox, finalScreen, logout,
         KIOSK_HALL, call } from "./app.js";

register("checkin", async () => {
  const [{ halls, serviceItems }, data, mine] = await Promise.all([
    ref(), call("KioskMyAppointments"), call("KioskMyQueueTicket")]);
  const today = isoDay(0);
  const todays = data.myAppointments.filter((a) => a.day === today
    && (a.status === "BOOKED" || a.status === "CHECKED_IN"));
  const priority = priorityToggle();
  const result = h("div", { class: "result", test: "checkin-result" });
  const checkIn = (appointmentId) => doCheckIn(appointmentId, priority.on, result);
  const scan = qrForm((code) => checkInByCode(code, priority.on, result, "ticket"));

  const list = todays.length
    ? h("div", { class: "options", test: "appointments" }, ...todays.map((a) =>
      h("div", { class: "appointment", test: "appointment", data: { id: a.id } },
        h("div", { class: "appointment-info" },
          h("span", { class: "option-main" }, `${formatRange(a.startsAt, a.endsAt)} ${itemName(serviceItems, a.serviceItem)}`),
          h("span", { class: "option-sub" }, `${hallName(halls, a.hallId)} · ${APPOINTMENT_STATUS[a.status]}`)),
        button(a.status === "CHECKED_IN" ? "查看排队号" : "签到取号", "checkin",
          () => checkIn(a.id), "primary"))))
    : h("p", { class: "empty", test: "no-appointments" },
      "您今天没有待签到的预约。未预约也可以现场取号。");

  return screen("预约签到取号", "请核对今天的预约，点“签到取号”",
    mine.myQueueTicket ? h("div", { class: "notice", test: "current-ticket" },
      `您今天已取号：${mine.myQueueTicket.ticket.code}`,
      button("查看", "current-ticket-open", () => show("ticket", { ticket: mine.myQueueTicket.ticket }),
        "secondary")) : null,
    priority.el, list, result, scan.form,
    button("没有预约，现场取号", "go-walkin", () => show("walkin"), "secondary wide"));
});

/** The booking's QR code: the hall's scanner types its content (a MAC-protected
 * check-in code, not the appointment id) + Enter; checkInByCode needs no login. */
export function qrForm(onCode, { label = "或扫描预约二维码签到", submitText = "扫码签到",
                                 autofocus = false } = {}) {
  const input = h("input", { type: "text", class: "field", test: "qr-input", autocomplete: "off",
                             autocapitalize: "off", spellcheck: "false", maxlength: "4096",
                             inputmode: "none", autofocus, "aria-label": "预约签到二维码",
                             placeholder: "将预约签到二维码对准扫码口" });
  const submit = h("button", { type: "submit", class: "btn primary", test: "qr-submit" }, submitText);
  const form = h("form", { class: "qr", test: "qr-form", autocomplete: "off" },
    h("label", {}, label, input), submit);
  let busy = false;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const code = input.value.trim();
    input.value = ""; // the code is a credential: never kept on screen
    if (!code || busy) return;
    busy = true;
    submit.disabled = true;
    try { await onCode(code); } finally {
      busy = false;
      submit.disabled = false;
      if (input.isConnected) input.focus();
    }
  });
  return { form, input };
}

/** checkInByCode → the screen `next` with the ticket, or the typed error in `result`. */
export async function checkInByCode(code, priority, result, next) {
  result.replaceChildren(h("p", { class: "loading" }, "正在签到…"));
  try {
    // Anonymous on purpose: the code is the credential (one request, never a batch).
    const r = (await call("KioskCheckInByCode", { code, priority }, { auth: false })).checkInByCode;
    if (r.__typename === "CheckedIn") return show(next, { ticket: r.ticket });
    result.replaceChildren(errorBox(r));
  } catch (err) {
    result.replaceChildren(errorBox(err));
  }
  result.scrollIntoView({ block: "nearest" });
  return null;
}

async function doCheckIn(appointmentId, priority, result) {
  result.replaceChildren(h("p", { class: "loading" }, "正在签到…"));
  try {
    const r = (await call("KioskCheckIn", { appointmentId, priority })).checkIn;
    if (r.__typename === "CheckedIn") return show("ticket", { ticket: r.ticket });
    result.replaceChildren(errorBox(r));
    result.scrollIntoView({ block: "nearest" });
  } catch (err) {
    result.replaceChildren(errorBox(err));
  }
  return null;
}

register("walkin", async () => {
  const { halls, serviceItems } = await ref();
  let hallId = halls.some((x) => x.id === KIOSK_HALL) ? KIOSK_HALL : halls[0]?.id;
  const priority = priorityToggle();
  const result = h("div", { class: "result", test: "walkin-result" });
  const items = h("div", { class: "choices grid" });
  const hallButtons = halls.map((hall) => h("button", { type: "button", class: "option", test: "hall",
    data: { id: hall.id }, "aria-pressed": "false" },
  h("span", { class: "option-main" }, hall.name),
  h("span", { class: "option-sub" }, hall.id === KIOSK_HALL ? `本大厅 · ${hall.address}` : hall.address)));
  const renderItems = () => {
    for (const b of hallButtons) {
      const on = b.dataset.id === hallId;
      b.classList.toggle("selected", on);
      b.setAttribute("aria-pressed", String(on));
    }
    const hall = halls.find((x) => x.id === hallId);
    items.replaceChildren(...(hall?.serviceItems || []).map((code) =>
      button(itemName(serviceItems, code), `item-${code}`, () => take(code), "choice")));
  };
  hallButtons.forEach((b) => b.addEventListener("click", () => { hallId = b.dataset.id; renderItems(); }));
  renderItems();

  async function take(serviceItem) {
    result.replaceChildren(h("p", { class: "loading" }, "正在取号…"));
    try {
      const r = (await call("KioskTakeWalkInTicket", { hallId, serviceItem, priority: priority.on }))
        .takeWalkInTicket;
      if (r.__typename === "TicketIssued") return show("ticket", { ticket: r.ticket });
      result.replaceChildren(errorBox(r));
    } catch (err) {
      result.replaceChildren(errorBox(err));
    }
    result.scrollIntoView({ block: "nearest" });
    return null;
  }

  return screen("现场取号", "请选择大厅和办理事项（未预约）",
    h("div", { class: "options halls" }, ...hallButtons),
    priority.el, h("h2", { class: "subtitle" }, "办理事项"), items, result);
});

/** The big ticket: number, hall, item, state; with `queue` (myQueueTicket,
 * or null when unknown) also people ahead and the estimated wait. */
export function ticketCard(t, { halls, serviceItems }, queue) {
  const withQueue = queue !== undefined;
  return h("div", { class: "ticket", test: "ticket" },
    h("p", { class: "ticket-label" }, "您的排队号"),
    h("p", { class: "ticket-code", test: "ticket-code" }, t.code),
    t.priority ? h("p", { class: "badge", test: "ticket-priority" }, "优先办理") : null,
    !t.priority && t.priorityRequested
      ? h("p", { class: "badge", test: "ticket-priority-requested" }, "已申请优先，请到窗口出示证件由工作人员核实")
      : null,
    h("dl", { class: "facts" },
      h("dt", {}, "办理大厅"), h("dd", { test: "ticket-hall" }, hallName(halls, t.hallId)),
      h("dt", {}, "办理事项"), h("dd", { test: "ticket-item" }, itemName(serviceItems, t.serviceItem)),
      h("dt", {}, "状态"), h("dd", { test: "ticket-status" }, TICKET_STATUS[t.status] || t.status),
      withQueue ? [
        h("dt", {}, "前面等候"), h("dd", { test: "people-ahead" }, queue ? `${queue.peopleAhead} 人` : "—"),
        h("dt", {}, "预计等候"), h("dd", { test: "wait-minutes" }, queue ? `约 ${queue.estimatedWaitMinutes} 分钟` : "—"),
      ] : null,
      h("dt", {}, "取号时间"), h("dd", {}, formatDateTime(t.issuedAt))));
}

register("ticket", async ({ ticket }) => {
  const [reference, q] = await Promise.all([ref(), call("KioskMyQueueTicket")]);
  const status = q.myQueueTicket && q.myQueueTicket.ticket.id === ticket.id ? q.myQueueTicket : null;
  const t = status ? status.ticket : ticket;
  finalScreen();
  return screen("取号成功", "请留意大厅叫号屏和广播，过号需重新取号",
    ticketCard(t, reference, status),
    h("div", { class: "actions" },
      button("打印小票", "print-ticket", () => window.print(), "secondary"),
      button("完成并退出", "finish", () => logout("user"), "primary")));
});

// 预约办事 (book), 我的预约 (reschedule, cancel) and 排队进度 (queue ticket).

import { gql } from "/ui/gql.js";
import { formatDateTime, formatDay, formatRange, isoDay } from "/ui/format.js";
import { APPOINTMENT_STATUS, SERVICE_ITEM, TICKET_STATUS, label } from "../labels.js";
import { badge, busy, button, card, choices, confirmDialog, empty, errorBox, facts, h, link, notice,
  picked, requestId, show } from "../ui.js";
import { state } from "../state.js";

const DAYS = 14; // availableSlots answers at most 14 days per query

let options = null; // halls and service items (public reference data)
async function bookingOptions() {
  options ||= await gql("BookingOptions", {}, { auth: false });
  return options;
}
const hallName = (id) => options?.halls.find((x) => x.id === id)?.name || id;

/**
 * Day chips and time buttons for one hall and item; `onPick(slot)` on a tap.
 * Full slots stay tappable: the server answers SlotFull with the next free one.
 */
async function slotPicker(container, hallId, serviceItem, onPick) {
  const { availableSlots } = await gql("AvailableSlots", { hallId, serviceItem,
    from: isoDay(0), to: isoDay(DAYS - 1) }, { auth: false });
  if (!availableSlots.length) { show(container, empty("近 14 天暂无可预约时段，请选择其他大厅")); return; }
  const byDay = new Map();
  for (const s of availableSlots) {
    const day = formatDay(s.startsAt);
    if (!byDay.has(day)) byDay.set(day, []);
    byDay.get(day).push(s);
  }
  const times = h("div", { class: "slots" });
  const dayButtons = [...byDay.keys()].map((day) => button(day, { class: "chip", test: "slot-day",
    on: { click: () => pickDay(day) } }));
  function pickDay(day) {
    dayButtons.forEach((b) => b.setAttribute("aria-pressed", String(b.textContent === day)));
    show(times, byDay.get(day).map((s) => {
      const b = button("", { class: "slot-btn", test: "slot", "aria-pressed": "false" },
        h("span", {}, formatRange(s.startsAt, s.endsAt)),
        h("small", {}, s.remaining > 0 ? `余 ${s.remaining}` : "约满"));
      b.addEventListener("click", () => {
        times.querySelectorAll(".slot-btn").forEach((x) => x.setAttribute("aria-pressed", "false"));
        b.setAttribute("aria-pressed", "true");
        onPick(s);
      });
      return b;
    }));
  }
  show(container, h("div", { class: "chips", role: "group", "aria-label": "日期" }, dayButtons), times);
  pickDay(byDay.keys().next().value);
}

/** SlotFull names the next free slot: offer it as one tap. */
function nextFreeAction(r, take, verb) {
  if (r.__typename !== "SlotFull" || !r.nextFreeSlotId) return [];
  return [button(`${verb} ${formatDateTime(r.nextFreeStartsAt)}`, { class: "btn btn-primary",
    test: "book-next-free", on: { click: (ev) => take(ev.currentTarget,
      { id: r.nextFreeSlotId, startsAt: r.nextFreeStartsAt }) } })];
}

export async function book(page, ctx) {
  const { halls, serviceItems } = await bookingOptions();
  const form = h("div", { class: "stack" });
  const hall = h("select", { test: "book-hall" },
    halls.map((x) => h("option", { value: x.id }, x.name)));
  const items = choices("item", serviceItems.map((i) => ({ value: i.code, label: i.name })),
    { test: "book-item", checked: "QUERY_CERTIFICATE" });
  const hallInfo = h("p", { class: "hint secondary" });
  const picker = h("div", { class: "picker" });
  const summary = h("p", { class: "summary", role: "status" }, "请选择时段");
  const slot = h("div", { class: "slot" });
  const submit = button("确认预约", { class: "btn btn-primary btn-block", test: "book-submit",
    disabled: true });
  let chosen = null;

  const take = (btn, s) => busy(btn, slot, async () => {
    const item = picked(form, "item");
    const { bookAppointment: r } = await gql("BookAppointment", { input: {
      slotId: s.id, serviceItem: item, idempotencyKey: requestId() } });
    if (r.__typename === "BookingConfirmed") {
      show(page, notice(`预约成功：${hallName(r.appointment.hallId)}，${formatDateTime(r.appointment.startsAt)}`),
        link("查看我的预约", "#/appointments", { class: "btn btn-primary btn-block" }));
      return;
    }
    show(slot, errorBox(r.__typename, r, ...nextFreeAction(r, take, "预约"),
      ...(r.__typename === "AlreadyBooked" ? [link("查看我的预约", "#/appointments",
        { class: "btn" })] : [])));
  });
  const reload = () => {
    const h0 = halls.find((x) => x.id === hall.value);
    hallInfo.textContent = `${h0.address} · 办公时间 ${h0.openingHours.join("、")}（法定节假日休息）`;
    chosen = null;
    submit.disabled = true;
    summary.textContent = "请选择时段";
    slot.replaceChildren();
    show(picker, h("p", { class: "loading" }, "正在查询可约时段…"));
    return slotPicker(picker, hall.value, picked(form, "item"), (s) => {
      chosen = s;
      submit.disabled = false;
      summary.textContent = `已选：${formatDay(s.startsAt)} ${formatRange(s.startsAt, s.endsAt)}`;
    });
  };
  hall.addEventListener("change", reload);
  items.addEventListener("change", reload);
  submit.addEventListener("click", () => chosen && take(submit, chosen));
  form.append(
    h("label", { class: "field" }, h("span", { class: "field-label" }, "办事大厅"), hall), hallInfo,
    h("fieldset", { class: "fieldset" }, h("legend", {}, "办理事项"), items),
    h("fieldset", { class: "fieldset" }, h("legend", {}, "预约时段"), picker),
    summary, slot, submit);
  page.replaceChildren(form);
  await reload();
}

function appointmentCard(a, page, ctx) {
  const slot = h("div", { class: "slot" });
  const active = a.status === "BOOKED";
  const move = active ? button("改约", { class: "btn btn-small", test: "appointment-reschedule",
    on: { click: () => { state.appointment = a; ctx.go("/appointments/reschedule"); } } }) : null;
  const cancel = active ? button("取消预约", { class: "btn btn-small btn-danger",
    test: "appointment-cancel" }) : null;
  const qr = active ? button("出示签到码", { class: "btn btn-small btn-primary",
    test: "appointment-qr" }) : null;
  qr?.addEventListener("click", () => busy(qr, slot, async () => {
    const { myAppointments } = await gql("MyCheckInCodes");
    const found = myAppointments.find((x) => x.id === a.id);
    if (!found?.checkInQr) { show(slot, notice("签到时段已过，签到码已失效")); return; }
    show(slot, h("figure", { class: "checkin-qr", test: "checkin-qr" },
      h("img", { src: found.checkInQr, alt: "签到二维码" }),
      h("figcaption", {}, "到大厅后，在自助服务终端“扫码签到”处出示此码即可取号，无需再刷脸")));
  }));
  cancel?.addEventListener("click", async () => {
    if (!await confirmDialog(`取消 ${formatDateTime(a.startsAt)} 的预约？名额将释放给他人。`,
      "取消预约")) return;
    await busy(cancel, slot, async () => {
      const { cancelAppointment: r } = await gql("CancelAppointment", { id: a.id });
      if (r.__typename === "AppointmentCancelled") { await list(page, ctx); return; }
      show(slot, errorBox(r.__typename, r));
    });
  });
  return card({ test: "appointment-card", dataset: { status: a.status } },
    h("div", { class: "card-head" }, h("strong", {}, label(SERVICE_ITEM, a.serviceItem)),
      h("span", { test: "appointment-status" }, badge(...APPOINTMENT_STATUS[a.status]))),
    facts([["大厅", hallName(a.hallId)],
      ["时间", `${formatDay(a.startsAt)} ${formatRange(a.startsAt, a.endsAt)}`],
      ["预约编号", a.id, { secondary: true }]]),
    active ? h("p", { class: "hint secondary" },
      "请在时段开始前 30 分钟至开始后 15 分钟内到大厅自助终端签到取号") : null,
    active ? h("div", { class: "actions-row" }, qr, move, cancel) : null, slot);
}

export async function list(page, ctx) {
  await bookingOptions();
  const { myAppointments } = await gql("MyAppointments");
  const upcoming = myAppointments.filter((a) => a.status === "BOOKED");
  const past = myAppointments.filter((a) => a.status !== "BOOKED");
  page.replaceChildren(...[
    link("预约办事", "#/appointments/new", { class: "btn btn-primary btn-block" }),
    link("查看排队进度", "#/queue", { class: "btn btn-block secondary" }),
    myAppointments.length ? null : empty("暂无预约"),
    ...upcoming.map((a) => appointmentCard(a, page, ctx)),
    past.length ? h("div", { class: "secondary" }, h("h2", { class: "section-title" }, "历史预约"),
      past.map((a) => appointmentCard(a, page, ctx))) : null].filter(Boolean));
}

export async function reschedule(page, ctx) {
  const a = state.appointment;
  if (!a) { ctx.go("/appointments"); return; }
  await bookingOptions();
  const picker = h("div", { class: "picker" });
  const slot = h("div", { class: "slot" });
  const submit = button("确认改约", { class: "btn btn-primary btn-block", test: "reschedule-submit",
    disabled: true });
  let chosen = null;
  const move = (btn, s) => busy(btn, slot, async () => {
    const { rescheduleAppointment: r } = await gql("RescheduleAppointment",
      { id: a.id, slotId: s.id });
    if (r.__typename === "AppointmentRescheduled") {
      state.appointment = null;
      show(page, notice(`已改约到 ${formatDateTime(r.appointment.startsAt)}`),
        link("查看我的预约", "#/appointments", { class: "btn btn-primary btn-block" }));
      return;
    }
    show(slot, errorBox(r.__typename, r, ...nextFreeAction(r, move, "改约到")));
  });
  submit.addEventListener("click", () => chosen && move(submit, chosen));
  page.replaceChildren(
    card({}, h("p", {}, `原预约：${label(SERVICE_ITEM, a.serviceItem)}`),
      h("p", {}, `${hallName(a.hallId)} · ${formatDay(a.startsAt)} ${formatRange(a.startsAt, a.endsAt)}`)),
    h("fieldset", { class: "fieldset" }, h("legend", {}, "选择新时段"), picker), slot, submit);
  await slotPicker(picker, a.hallId, a.serviceItem, (s) => { chosen = s; submit.disabled = false; });
}

export async function queue(page, ctx) {
  await bookingOptions();
  const { myQueueTicket: q } = await gql("MyQueueTicket");
  const refresh = button("刷新", { class: "btn btn-block", test: "queue-refresh",
    on: { click: () => queue(page, ctx) } });
  if (!q) {
    page.replaceChildren(empty("今天暂无排队号。预约后请在时段开始前 30 分钟内到大厅自助终端签到取号。",
      link("我的预约", "#/appointments", { class: "btn btn-primary" })), refresh);
    return;
  }
  const t = q.ticket;
  page.replaceChildren(
    card({ class: "card ticket", test: "queue-ticket" },
      h("p", { class: "ticket-code" }, t.code),
      badge(...TICKET_STATUS[t.status]),
      t.priority ? badge("优先", "info") : null,
      h("div", { class: "ticket-stats" },
        h("p", { test: "queue-ahead" }, h("strong", {}, String(q.peopleAhead)), h("span", {}, "前面等候（人）")),
        h("p", { test: "queue-wait" }, h("strong", {}, String(q.estimatedWaitMinutes)),
          h("span", {}, "预计等候（分钟）"))),
      facts([["大厅", hallName(t.hallId)], ["事项", label(SERVICE_ITEM, t.serviceItem)],
        ["取号时间", formatDateTime(t.issuedAt), { secondary: true }]])),
    refresh);
}

// 好差评: services waiting for a rating, rating one, and my ratings with the
// work order's callback and rectification.

import { gql } from "/ui/gql.js";
import { formatDateTime } from "/ui/format.js";
import { RATING_LEVEL, SERVICE_ITEM, WORK_ORDER, label } from "../labels.js";
import { badge, busy, button, card, choices, empty, errorBox, facts, h, notice, picked, section,
  show } from "../ui.js";
import { state } from "../state.js";

const LEVEL_TONE = { VERY_SATISFIED: "ok", SATISFIED: "ok", BASIC: "info", DISSATISFIED: "bad",
  VERY_DISSATISFIED: "bad" };
const where = (p) => (p.hallId === "ONLINE" ? "网上办理" : p.hallId);

export async function list(page, ctx) {
  const [{ pendingRatings, ratingLevels }, { myRatings }] = await Promise.all([
    gql("PendingRatings"), gql("MyRatings")]);
  page.replaceChildren(
    section("待评价", pendingRatings.length ? pendingRatings.map((p) =>
      card({ test: "pending-rating" },
        h("strong", {}, label(SERVICE_ITEM, p.serviceItem)),
        h("p", { class: "card-sub" }, `${where(p)} · 办结于 ${formatDateTime(p.completedAt)}`),
        button("去评价", { class: "btn btn-primary btn-block", test: "rate-start", on: { click: () => {
          state.pending = p;
          state.levels = ratingLevels;
          ctx.go("/rate");
        } } })))
      : empty("暂无待评价的服务")),
    h("p", { class: "hint secondary" }, "办结 7 天内未评价的服务，系统将默认评为“基本满意”。"),
    section("我的评价", myRatings.length ? myRatings.map((r) => card({ test: "my-rating" },
      h("div", { class: "card-head" }, h("strong", {}, label(SERVICE_ITEM, r.serviceItem)),
        badge(label(RATING_LEVEL, r.level), LEVEL_TONE[r.level])),
      r.isDefault ? h("p", { class: "hint" }, "逾期未评价，系统默认") : null,
      r.tags.length ? h("p", { class: "card-sub secondary" }, r.tags.join("、")) : null,
      r.comment ? h("p", {}, r.comment) : null,
      h("p", { class: "card-sub" }, formatDateTime(r.ratedAt)),
      r.workOrder ? facts([["整改工单", label(WORK_ORDER, r.workOrder.status)],
        ["回访答复", r.workOrder.response || `回访期限 ${formatDateTime(r.workOrder.callbackDueAt)}`],
        ["整改情况", r.workOrder.rectification || `整改期限 ${formatDateTime(r.workOrder.rectifyDueAt)}`]])
        : null))
      : empty("暂无评价")));
}

export async function rate(page, ctx) {
  const p = state.pending;
  if (!p) { ctx.go("/ratings"); return; }
  const levels = state.levels;
  const form = h("form", { class: "stack", novalidate: true });
  const tags = h("div", { class: "tags secondary" });
  const comment = h("textarea", { test: "rate-comment", rows: 3, maxLength: 500,
    placeholder: "请写下您的意见或建议" });
  const commentField = h("label", { class: "field" }, h("span", { class: "field-label" }), comment);
  const slot = h("div", { class: "slot" });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block",
    test: "rate-submit" }, "提交评价");
  const levelGroup = choices("level", levels.map((l) => ({ value: l.level, label: l.label })),
    { test: "rate-level", checked: "VERY_SATISFIED" });

  const sync = () => {
    const option = levels.find((l) => l.level === picked(form, "level"));
    show(tags, option.tags.map((t) => h("label", { class: "tag", test: "rate-tag" },
      h("input", { type: "checkbox", name: "tag", value: t }), h("span", {}, t))));
    commentField.firstChild.textContent = option.commentRequired ? "意见（必填）" : "意见（选填）";
    commentField.classList.toggle("secondary", !option.commentRequired);
  };
  levelGroup.addEventListener("change", sync);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    busy(submit, slot, async () => {
      const { rateService: r } = await gql("RateService", { input: {
        serviceRef: p.serviceRef, level: picked(form, "level"), channel: "FOSHANTONG",
        tags: [...form.querySelectorAll('input[name="tag"]:checked')].map((i) => i.value),
        comment: comment.value.trim() || null } });
      if (r.__typename === "RatingRecorded") {
        state.pending = null;
        show(page, notice("感谢您的评价！"),
          button("返回好差评", { class: "btn btn-primary btn-block",
            on: { click: () => ctx.go("/ratings") } }));
        return;
      }
      show(slot, errorBox(r.__typename, r));
      if (r.__typename === "CommentRequired") comment.focus();
    });
  });
  form.append(
    card({}, h("strong", {}, label(SERVICE_ITEM, p.serviceItem)),
      h("p", { class: "card-sub" }, `${where(p)} · 办结于 ${formatDateTime(p.completedAt)}`)),
    h("fieldset", { class: "fieldset" }, h("legend", {}, "您对本次服务满意吗？"), levelGroup),
    tags, commentField, slot, submit);
  page.replaceChildren(form);
  sync();
}

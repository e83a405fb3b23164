// 好差评 at the kiosk: pendingRatings → five faces (with text) → the level's
// tags (ratingLevels) → comment → rateService (channel KIOSK). Whether a
// comment is required is the server's rule: the kiosk shows its hint from
// ratingLevels and the CommentRequired answer, it does not block the tap.

import { formatDateTime } from "/ui/format.js";
import { h, button, screen } from "./ui.js";
import { register, show, ref, hallName, itemName, errorBox, finalScreen, logout, home, call } from "./app.js";

const FACE = {
  VERY_SATISFIED: "face-5", SATISFIED: "face-4", BASIC: "face-3",
  DISSATISFIED: "face-2", VERY_DISSATISFIED: "face-1",
};

function describe(p, halls, serviceItems) {
  if (p.kind === "CERTIFICATE") return { main: "网上/自助开具证明", sub: `办结时间 ${formatDateTime(p.completedAt)}` };
  const item = itemName(serviceItems, p.serviceItem);
  return { main: `大厅办理：${item}`,
           sub: `${hallName(halls, p.hallId)} · 办结时间 ${formatDateTime(p.completedAt)}` };
}

// The API does not name a certificate's (or ticket's) serviceRef, so the service
// just finished is found by its kind and completion time (or an id in the ref).
const sameService = (p, after) => p.kind === after.kind && (p.serviceRef.includes(after.id)
  || new Date(p.completedAt).getTime() === new Date(after.at).getTime());

register("rate", async ({ after } = {}) => {
  const [{ halls, serviceItems }, data] = await Promise.all([ref(), call("KioskPendingRatings")]);
  const pending = data.pendingRatings;
  const match = after && pending.find((p) => sameService(p, after));
  if (match) return show("rate-level", { pending: match });
  if (!pending.length) {
    return screen("服务评价", null, h("p", { class: "empty", test: "no-pending" },
      "您暂时没有待评价的服务。服务办结后即可评价，7 天内未评价系统默认“基本满意”。"),
    button("返回首页", "rate-home", home, "secondary wide"));
  }
  return screen("服务评价", "请选择要评价的服务（一事一评，提交后不可修改）",
    h("div", { class: "options" }, ...pending.map((p) => {
      const d = describe(p, halls, serviceItems);
      return h("button", { type: "button", class: "option", test: "pending",
                           data: { ref: p.serviceRef, kind: p.kind },
                           on: { click: () => show("rate-level", { pending: p }) } },
      h("span", { class: "option-main" }, d.main), h("span", { class: "option-sub" }, d.sub));
    })));
});

register("rate-level", async ({ pending }) => {
  const { halls, serviceItems, ratingLevels } = await ref();
  const d = describe(pending, halls, serviceItems);
  const detail = h("div", { class: "rate-detail", test: "rate-detail" });
  const faces = ratingLevels.map((lv) => h("button", { type: "button", class: "face-btn",
    test: `level-${lv.level}`, "aria-pressed": "false",
    on: { click: () => choose(lv) } },
  h("span", { class: ["face", FACE[lv.level]], "aria-hidden": "true" }),
  h("span", { class: "face-label" }, lv.label)));

  function choose(lv) {
    for (const f of faces) {
      const on = f.dataset.test === `level-${lv.level}`;
      f.classList.toggle("selected", on);
      f.setAttribute("aria-pressed", String(on));
    }
    const tags = new Set();
    const chips = lv.tags.map((tag) => {
      const chip = h("button", { type: "button", class: "chip", test: "tag", "aria-pressed": "false",
                                 data: { tag } }, tag);
      chip.addEventListener("click", () => {
        if (tags.has(tag)) tags.delete(tag); else tags.add(tag);
        chip.classList.toggle("selected", tags.has(tag));
        chip.setAttribute("aria-pressed", String(tags.has(tag)));
      });
      return chip;
    });
    const comment = h("textarea", { class: "field comment", test: "comment", rows: "3", maxlength: "500",
      "aria-label": "意见", placeholder: lv.commentRequired ? "请写明不满意的原因（必填）" : "意见或建议（选填）" });
    const result = h("div", { class: "result", test: "rate-result" });
    const submit = button("提交评价", "rate-submit", async () => {
      submit.disabled = true;
      result.replaceChildren();
      try {
        const r = (await call("KioskRateService", { input: {
          serviceRef: pending.serviceRef, level: lv.level, tags: [...tags],
          comment: comment.value.trim() || null, channel: "KIOSK" } })).rateService;
        if (r.__typename === "RatingRecorded") return show("rated", { level: lv, rating: r.rating });
        result.replaceChildren(errorBox(r));
      } catch (err) {
        result.replaceChildren(errorBox(err));
      }
      submit.disabled = false;
      return null;
    }, "primary wide");
    detail.replaceChildren(...[
      chips.length ? h("h2", { class: "subtitle" }, `${lv.label}：可选标签`) : null,
      h("div", { class: "chips" }, ...chips),
      h("label", { class: "comment-label" }, lv.commentRequired ? "意见（必填）" : "意见（选填）", comment),
      result, submit].filter(Boolean));
  }

  return screen("您对本次服务满意吗？", `${d.main} · ${d.sub}`,
    h("div", { class: "faces", role: "group", "aria-label": "评价等级" }, ...faces), detail);
});

register("rated", ({ level, rating }) => {
  const order = rating?.workOrder;
  finalScreen();
  return screen("感谢您的评价", null,
    h("p", { class: "done", test: "rated" }, `已提交评价：${level.label}。` +
      (order ? `已转为整改工单，工作人员将于 ${formatDateTime(order.callbackDueAt)} 前回访；处理情况可在“佛山通”小程序查看。`
        : "欢迎再次使用自助服务。")),
    h("div", { class: "actions" },
      button("继续评价其他服务", "rate-more", () => show("rate"), "secondary"),
      button("完成并退出", "finish", () => logout("user"), "primary")));
});

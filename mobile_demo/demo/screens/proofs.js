// 授权查询: my share code for a clerk, third-party requests waiting for my
// decision, and the grants I gave (revocable).

import { gql } from "/ui/gql.js";
import { formatDateTime } from "/ui/format.js";
import { PROOF_STATUS, PURPOSE, label } from "../labels.js";
import { badge, busy, button, card, empty, errorBox, facts, h, section, show } from "../ui.js";

function requestCard(r, { actions = [], test }) {
  return card({ test },
    h("div", { class: "card-head" }, h("strong", {}, r.requester.name),
      r.revoked ? badge("已撤回", "muted") : badge(...PROOF_STATUS[r.status] || [r.status, "info"])),
    h("p", {}, r.questionText),
    // The question's parameters exactly as the institution sent them (spaces kept):
    // what "指定地址" or "指定行政区" means in this request.
    r.parameters.length ? h("div", { class: "params", test: "proof-params" },
      h("p", { class: "card-sub" }, "对方提交的查询参数（原样显示）"),
      facts(r.parameters.map((p) => [p.label, h("span", {},
        h("span", { class: "param-value", test: "proof-param" }, p.value),
        p.meaning ? `（${p.meaning}）` : "")]))) : null,
    facts([["用途", label(PURPOSE, r.purpose)],
      ["将告知对方", r.disclosure.join("；")],
      r.status === "PENDING" ? ["请在此前决定", formatDateTime(r.decideBy)] : null,
      r.validUntil ? ["授权有效至", formatDateTime(r.validUntil)] : null,
      r.usesLeft !== null ? ["剩余可用次数", String(r.usesLeft)] : null,
      ["授权范围", `${r.grantDays} 天内最多 ${r.maxUses} 次`, { secondary: true }]]),
    ...actions);
}

export async function render(page, ctx) {
  const [{ myShareCode }, { pendingProofRequests, myGrants }] = await Promise.all([
    gql("MyShareCode"), gql("ProofRequests")]);
  const again = () => render(page, ctx);

  const decide = (r) => {
    const slot = h("div", { class: "slot" });
    const act = (approve) => (ev) => busy(ev.currentTarget, slot, async () => {
      const { decideProofRequest: d } = await gql("DecideProofRequest",
        { input: { requestId: r.id, approve } });
      if (d.__typename === "ProofRequestDecided") { await again(); return; }
      show(slot, errorBox(d.__typename, d));
    });
    return [slot, h("div", { class: "actions-row" },
      button("拒绝", { class: "btn", test: "proof-decline", on: { click: act(false) } }),
      button("同意", { class: "btn btn-primary", test: "proof-approve", on: { click: act(true) } }))];
  };
  const revoke = (r) => {
    if (r.revoked || r.status !== "APPROVED") return [];
    const slot = h("div", { class: "slot" });
    return [slot, button("撤回授权", { class: "btn btn-small btn-danger", test: "grant-revoke",
      on: { click: (ev) => busy(ev.currentTarget, slot, async () => {
        const { revokeGrant: g } = await gql("RevokeGrant", { requestId: r.id });
        if (g.__typename === "GrantRevoked") { await again(); return; }
        show(slot, errorBox(g.__typename, g));
      }) } })];
  };

  page.replaceChildren(
    card({ class: "card share", test: "share-code" },
      h("p", { class: "hint" }, "向学校、派出所或银行工作人员出示授权码，对方发起查询后需您在此同意"),
      h("p", { class: "share-code" }, myShareCode.code),
      h("p", { class: "card-sub" }, `${formatDateTime(myShareCode.expiresAt)} 前有效`),
      button("刷新授权码", { class: "btn btn-small", on: { click: again } })),
    section("待我授权", pendingProofRequests.length
      ? pendingProofRequests.map((r) => requestCard(r, { test: "proof-request", actions: decide(r) }))
      : empty("暂无待授权的查询")),
    h("div", { class: "secondary" }, section("我给出的授权", myGrants.length
      ? myGrants.map((r) => requestCard(r, { test: "grant", actions: revoke(r) }))
      : empty("暂无授权记录"))));
}

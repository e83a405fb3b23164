// 我的: profile, elder mode, devices, withdrawing biometric consent, logout.

import { gql, session } from "/ui/gql.js";
import { elder } from "/ui/elder.js";
import { formatDateTime } from "/ui/format.js";
import { CHANNEL, label } from "../labels.js";
import { badge, busy, button, card, confirmDialog, elderSwitch, errorBox, facts, h, link,
  notice, show } from "../ui.js";
import { state } from "../state.js";

const row = (path, text, test, secondary = true) =>
  link("", `#${path}`, { class: `row ${secondary ? "secondary" : ""}`, test },
    h("span", { class: "row-main" }, h("strong", {}, text)),
    h("span", { class: "row-chevron", "aria-hidden": "true" }, "›"));

export async function render(page, ctx) {
  if (!session.loggedIn) {
    page.replaceChildren(
      card({}, h("p", {}, "您尚未登录"),
        button("登录", { class: "btn btn-primary btn-block", test: "home-login",
          on: { click: () => ctx.toLogin("/me") } })),
      elderSwitch(elder));
    return;
  }
  const { me } = await gql("Me");
  state.profile = me;
  const status = h("div", { class: "slot" });
  const withdraw = button("撤回人脸识别授权", { class: "btn btn-block secondary",
    test: "consent-withdraw" });
  withdraw.addEventListener("click", async () => {
    if (!await confirmDialog("撤回后，下次刷脸登录需重新阅读并同意《人脸识别信息处理告知书》。确定撤回？", "撤回")) return;
    await busy(withdraw, status, async () => {
      const { withdrawBiometricConsent: r } = await gql("WithdrawBiometricConsent");
      show(status, notice(`已撤回人脸识别授权（${r.withdrawn} 条）`));
    });
  });
  const logout = button("退出登录", { class: "btn btn-danger btn-block", test: "logout" });
  logout.addEventListener("click", () => busy(logout, status, async () => {
    // LoggedOut, SessionNotFound or an already expired session: out either way.
    await gql("Logout").catch((e) => { if (e.code !== "UNAUTHENTICATED") throw e; });
    session.clear();
    state.profile = null;
    ctx.go("/");
  }));
  page.replaceChildren(
    card({ class: "card profile", test: "me-profile" },
      h("p", { class: "profile-name" }, me.maskedName),
      facts([["身份证号", me.maskedIdNumber], ["登录渠道", label(CHANNEL, me.channel)]]),
      h("p", { test: "me-level" }, me.assuranceLevel === "L2"
        ? badge("已刷脸认证（L2）：可查看房产、开具证明", "ok")
        : badge("短信登录（L1）：查看房产、开具证明需刷脸", "warn"))),
    elderSwitch(elder),
    h("div", { class: "list" },
      row("/notifications", "我的消息", "entry-notifications", false),
      row("/access-log", "谁查询了我的信息", "entry-access-log"),
      row("/sessions", "登录设备", "entry-sessions")),
    status, withdraw, logout);
}

function sessionCard(s, page, ctx) {
  const slot = h("div", { class: "slot" });
  const revoke = !s.current && !s.revoked
    ? button("下线该设备", { class: "btn btn-small", test: "session-revoke" }) : null;
  revoke?.addEventListener("click", () => busy(revoke, slot, async () => {
    const { revokeSession: r } = await gql("RevokeSession", { sessionId: s.id });
    if (r.__typename !== "SessionRevoked") { show(slot, errorBox(r.__typename, r)); return; }
    await sessions(page, ctx);
  }));
  return card({ test: "session-card" },
    h("div", { class: "card-head" }, h("strong", {}, s.deviceLabel || "未知设备"),
      s.current ? badge("本机", "ok") : s.revoked ? badge("已下线", "muted") : null),
    facts([["渠道", label(CHANNEL, s.channel)],
      ["认证等级", s.assuranceLevel === "L2" ? "刷脸（L2）" : "短信（L1）"],
      ["登录时间", formatDateTime(s.createdAt)],
      ["最近使用", formatDateTime(s.lastUsedAt), { secondary: true }]]),
    revoke, slot);
}

export async function sessions(page, ctx) {
  const { mySessions } = await gql("MySessions");
  page.replaceChildren(h("p", { class: "hint" }, "如有不认识的设备，请立即下线并修改相关账户密码"),
    ...mySessions.map((s) => sessionCard(s, page, ctx)));
}

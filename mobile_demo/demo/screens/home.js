// 首页 and 办事: entries into every citizen flow; the elder-mode switch.

import { gql, session } from "/ui/gql.js";
import { elder } from "/ui/elder.js";
import { badge, button, elderSwitch, h, link } from "../ui.js";
import { state } from "../state.js";

// [route, label, icon, main action?] — in elder mode only main entries stay.
const ENTRIES = [
  ["/properties", "我的房产", "▦", true],
  ["/certificates/new", "开具证明", "✎", true],
  ["/appointments/new", "预约办事", "◷", true],
  ["/queue", "排队进度", "№", false],
  ["/certificates", "我的证明", "▤", false],
  ["/appointments", "我的预约", "☑", false],
  ["/notifications", "我的消息", "✉", false],
  ["/ratings", "好差评", "☆", false],
  ["/proofs", "授权查询", "⇄", false],
  ["/access-log", "查询记录", "◎", false],
];

function entry([path, label, icon, main]) {
  const slug = path.slice(1).replace(/\//g, "-");
  return link("", `#${path}`, { class: `entry ${main ? "entry-main" : "secondary"}`,
    test: `entry-${slug}` },
  h("span", { class: "entry-icon", "aria-hidden": "true" }, icon), h("span", {}, label));
}

async function greeting(ctx) {
  if (!session.loggedIn) {
    return h("div", { class: "hero-login" },
      h("p", {}, "登录后可查看名下不动产、开具证明、预约办事"),
      button("登录 / 刷脸认证", { class: "btn btn-primary btn-block", test: "home-login",
        on: { click: () => ctx.toLogin("/") } }));
  }
  const { me } = await gql("Me");
  state.profile = me;
  return h("div", { class: "hero-user", test: "home-greeting" },
    h("p", { class: "hero-hello" }, `您好，${me.maskedName}`),
    me.assuranceLevel === "L2" ? badge("已刷脸认证（L2）", "ok") : badge("短信登录（L1）", "warn"));
}

export async function render(page, ctx) {
  const hero = h("section", { class: "hero" },
    h("p", { class: "hero-org" }, "佛山市不动产登记中心"),
    h("h2", { class: "hero-title" }, "互联网+不动产登记"),
    await greeting(ctx));
  page.replaceChildren(
    hero,
    elderSwitch(elder),
    h("nav", { class: "entries", "aria-label": "常用服务" }, ENTRIES.map(entry)),
    h("p", { class: "footnote secondary" }, "不动产登记信息以登记簿为准 · 如有疑问请咨询 12345"));
}

const GROUPS = [
  ["证明", [["/certificates/new", "开具证明", "查询结果证明、无房证明，带电子签章", true],
    ["/certificates", "我的证明", "查看、下载 PDF", false]]],
  ["预约与排队", [["/appointments/new", "预约办事", "选择大厅、事项与时段", true],
    ["/appointments", "我的预约", "改约、取消", false],
    ["/queue", "排队进度", "前面人数与预计等候", false]]],
  ["评价与授权", [["/ratings", "好差评", "评价已办结的服务", false],
    ["/proofs", "授权查询", "学校、派出所、银行查询需本人授权", false],
    ["/access-log", "查询记录", "谁查询了我的信息", false]]],
];

export async function services(page) {
  page.replaceChildren(...GROUPS.map(([title, items]) =>
    h("section", { class: `section ${items.some((i) => i[3]) ? "" : "secondary"}` },
      h("h2", { class: "section-title" }, title),
      h("div", { class: "list" }, items.map(([path, label, hint, main]) =>
        link("", `#${path}`, { class: `row ${main ? "" : "secondary"}`,
          test: `entry-${path.slice(1).replace(/\//g, "-")}` },
        h("span", { class: "row-main" }, h("strong", {}, label),
          h("small", { class: "row-hint secondary" }, hint)),
        h("span", { class: "row-chevron", "aria-hidden": "true" }, "›")))))));
}

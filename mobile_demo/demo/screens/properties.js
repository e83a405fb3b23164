// 房产: my properties (filter, paging) and one property with its encumbrances.

import { gql } from "/ui/gql.js";
import { formatDate, formatDateTime, formatYuan } from "/ui/format.js";
import { CO_OWNERSHIP, ENCUMBRANCE_STATUS, label } from "../labels.js";
import { badge, busy, button, card, empty, facts, h, section, show } from "../ui.js";
import { state } from "../state.js";

const PAGE = 10;
const USES = ["住宅", "商业", "办公", "车位"];
const filter = { district: null, use: null, encumbered: null }; // kept while browsing

/** What the register says restricts the property, as text badges. */
function flags(p) {
  const out = [];
  if (p.isSeized) out.push(badge("已查封", "bad"));
  if (p.isMortgaged) out.push(badge("有抵押", "warn"));
  if (p.preRegistrations.some((n) => n.status === "ACTIVE")) out.push(badge("有预告登记", "warn"));
  if (p.objections.some((n) => n.status === "ACTIVE")) out.push(badge("有异议登记", "warn"));
  if (!out.length) out.push(badge("无权利限制", "ok"));
  return h("div", { class: "badges" }, out);
}

function select(test, labelText, options, value, onChange) {
  const el = h("select", { test }, options.map(([v, text]) =>
    h("option", { value: v ?? "", selected: (v ?? "") === (value ?? "") }, text)));
  el.addEventListener("change", () => onChange(el.value || null));
  return h("label", { class: "field field-inline" }, h("span", { class: "field-label" }, labelText), el);
}

function propertyCard(p, ctx) {
  const open = () => { state.propertyId = p.id; ctx.go("/property"); };
  return h("button", { type: "button", class: "card card-button", test: "property-card",
    on: { click: open } },
  h("span", { class: "card-title" }, p.address),
  h("span", { class: "card-sub" },
    `${p.district.name} · ${p.use} · ${label(CO_OWNERSHIP, p.coOwnership)}`,
    p.sharePercent ? ` · 份额 ${Number(p.sharePercent)}%` : ""),
  h("span", { class: "card-sub secondary" }, p.titleNo),
  flags(p));
}

export async function list(page, ctx) {
  const { districts } = await gql("Districts", {}, { auth: false });
  const count = h("p", { class: "count", test: "property-count", role: "status" });
  const items = h("div", { class: "cards" });
  const more = h("div", { class: "slot" });

  const load = async (after = null) => {
    const variables = { first: PAGE, after, filter: { ...filter } };
    const { myProperties: c } = await gql("MyProperties", variables);
    if (ctx.stale()) return;
    if (!after) items.replaceChildren();
    count.textContent = `共 ${c.totalCount} 处不动产`;
    items.append(...c.edges.map((e) => propertyCard(e.node, ctx)));
    if (!c.totalCount) items.append(empty("没有符合条件的不动产"));
    show(more, c.pageInfo.hasNextPage ? button("加载更多", { class: "btn btn-block", test: "load-more",
      on: { click: (ev) => busy(ev.currentTarget, more, () => load(c.pageInfo.endCursor)) } }) : null);
  };
  const refilter = (key) => (value) => {
    filter[key] = key === "encumbered" && value !== null ? value === "true" : value;
    load();
  };

  page.replaceChildren(
    h("div", { class: "filters secondary" },
      select("filter-district", "区域", [[null, "全部"], ...districts.map((d) => [d.code, d.name])],
        filter.district, refilter("district")),
      select("filter-use", "用途", [[null, "全部"], ...USES.map((u) => [u, u])], filter.use,
        refilter("use")),
      select("filter-encumbered", "权利限制", [[null, "全部"], ["true", "有限制"], ["false", "无限制"]],
        filter.encumbered === null ? null : String(filter.encumbered), refilter("encumbered"))),
    count, items, more,
    button("开具不动产登记查询结果证明", { class: "btn btn-primary btn-block",
      on: { click: () => ctx.go("/certificates/new") } }));
  await load();
}

function encumbrances(test, title, rows, describe) {
  return section(title, rows.length
    ? rows.map((r) => card({ class: "card card-flat", test },
      h("div", { class: "card-head" }, h("strong", {}, describe(r)[0]),
        badge(...ENCUMBRANCE_STATUS[r.status])),
      facts(describe(r)[1])))
    : h("p", { class: "hint", test: `${test}-none` }, "无"));
}

const period = (r) => `${formatDate(r.startsOn)} 至 ${r.endsOn ? formatDate(r.endsOn) : "—"}`;

export async function detail(page, ctx) {
  if (!state.propertyId) { ctx.go("/properties"); return; }
  const { property: p } = await gql("PropertyDetail", { id: state.propertyId });
  if (!p) { page.replaceChildren(empty("该不动产不在您名下或已变更")); return; }
  const certify = button("为此房产开具证明", { class: "btn btn-primary btn-block",
    test: "property-certificate", on: { click: () => {
      state.certifyIds = [p.id];
      ctx.go("/certificates/new");
    } } });
  page.replaceChildren(
    card({ test: "property-detail" },
      h("h2", { class: "card-title" }, p.address),
      h("div", { class: "badges" },
        p.isSeized ? badge("已查封", "bad") : null,
        p.isMortgaged ? badge("有抵押", "warn") : null,
        p.isTransferable ? badge("可办理转移登记", "ok") : badge("暂不能办理转移登记", "bad")),
      facts([
        ["不动产权证书号", p.titleNo],
        ["不动产单元号", p.unitNo, { secondary: true }],
        ["所在区", p.district.name],
        ["用途", p.use],
        ["权利类型", p.rightType, { secondary: true }],
        ["共有方式", label(CO_OWNERSHIP, p.coOwnership)],
        p.sharePercent ? ["本人份额", `${Number(p.sharePercent)}%`] : null,
        ["建筑面积", `${Number(p.buildingArea)} 平方米`],
        ["套内面积", `${Number(p.interiorArea)} 平方米`, { secondary: true }],
        ["土地权利性质", p.landRightType, { secondary: true }],
        ["土地使用期限至", formatDate(p.landUseEnd), { secondary: true }],
        ["登记时间", formatDateTime(p.registeredAt), { secondary: true }],
      ])),
    section("权利人", h("div", { class: "list" }, p.coHolders.map((c) =>
      h("div", { class: "row", test: "co-holder" },
        h("span", { class: "row-main" }, h("strong", {}, c.maskedName),
          h("small", { class: "row-hint secondary" }, c.maskedIdNumber)),
        c.sharePercent ? h("span", {}, `${Number(c.sharePercent)}%`) : null,
        c.isSelf ? badge("本人", "info") : null)))),
    encumbrances("encumbrance-mortgage", "抵押登记", p.mortgages, (m) => [m.mortgagee, [
      ["证明号", m.proofNo, { secondary: true }], ["被担保债权", formatYuan(m.amount)],
      ["债务履行期限", period(m)]]]),
    encumbrances("encumbrance-seizure", "查封登记", p.seizures, (s) => [s.court, [
      ["文书号", s.documentNo, { secondary: true }], ["查封期限", period(s)]]]),
    encumbrances("encumbrance-pre-registration", "预告登记", p.preRegistrations, (n) => [
      `预告登记 ${n.proofNo}`, [["期限", period(n)], ["登记时间", formatDateTime(n.registeredAt)]]]),
    encumbrances("encumbrance-objection", "异议登记", p.objections, (n) => [
      `异议登记 ${n.proofNo}`, [["期限", period(n)], ["登记时间", formatDateTime(n.registeredAt)]]]),
    certify);
}

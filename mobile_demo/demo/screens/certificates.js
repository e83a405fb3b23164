// 开具证明, 我的证明 and one certificate (verification code, facts, PDF).

import { gql } from "/ui/gql.js";
import { formatDate, formatDateTime } from "/ui/format.js";
import { CERT_KIND, CERT_STATUS, PURPOSE, WHOLE_ONLY_PURPOSES, label } from "../labels.js";
import { badge, busy, button, card, choices, empty, errorBox, facts, h, link, picked, requestId,
  section, show } from "../ui.js";
import { state } from "../state.js";

const statusBadge = (status) => badge(...(CERT_STATUS[status] || [status, "info"]));

export async function issue(page, ctx) {
  const preselected = state.certifyIds;
  state.certifyIds = null;
  const { myProperties } = await gql("MyProperties", { first: 100 });
  const form = h("form", { class: "stack", novalidate: true });
  const purpose = h("select", { test: "cert-purpose", required: true },
    Object.entries(PURPOSE).map(([v, text]) => h("option", { value: v }, text)));
  // Only a partial certificate takes a selection; it must leave something out.
  const props = h("fieldset", { class: "fieldset secondary" },
    h("legend", {}, "选择要证明的不动产（部分，不能全选）"),
    myProperties.edges.map(({ node: p }) => h("label", { class: "check" },
      h("input", { type: "checkbox", name: "property", value: p.id, test: "cert-property",
        checked: preselected?.includes(p.id) }),
      h("span", {}, p.address, h("small", { class: "choice-hint" }, p.titleNo)))));
  const slot = h("div", { class: "slot" });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block",
    test: "cert-issue" }, "开具证明");
  const kinds = [
    { value: "HOLDINGS", label: CERT_KIND.HOLDINGS,
      hint: "载明名下全部不动产及抵押、查封等情况；可用于子女入学、购房" },
    myProperties.totalCount > 1 ? { value: "PARTIAL_HOLDINGS", label: CERT_KIND.PARTIAL_HOLDINGS,
      hint: "只证明所选的不动产，证明上注明“部分不动产，非名下全部”；不能用于子女入学、购房" } : null,
    { value: "NO_HOLDINGS", label: CERT_KIND.NO_HOLDINGS, hint: "证明在佛山市名下无不动产" },
  ].filter(Boolean);
  const initial = !myProperties.totalCount ? "NO_HOLDINGS"
    : preselected?.length && myProperties.totalCount > 1 ? "PARTIAL_HOLDINGS" : "HOLDINGS";
  const kind = choices("kind", kinds, { test: "cert-kind", checked: initial });
  const syncKind = () => {
    const partial = picked(form, "kind") === "PARTIAL_HOLDINGS";
    props.hidden = !partial;
    for (const option of purpose.options) {
      option.disabled = partial && WHOLE_ONLY_PURPOSES.includes(option.value);
    }
    if (purpose.selectedOptions[0]?.disabled) {
      purpose.value = [...purpose.options].find((o) => !o.disabled).value;
    }
  };
  kind.addEventListener("change", syncKind);
  const switchTo = (value) => button(`改为开具${CERT_KIND[value]}`, { class: "btn btn-primary",
    on: { click: () => { form.querySelector(`input[value="${value}"]`).checked = true;
      syncKind(); slot.replaceChildren(); } } });

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    busy(submit, slot, async () => {
      const k = picked(form, "kind");
      const ids = k === "PARTIAL_HOLDINGS"
        ? [...form.querySelectorAll('input[name="property"]:checked')].map((i) => i.value) : [];
      submit.textContent = "正在生成带电子签章的 PDF…";
      const { issueCertificate: r } = await gql("IssueCertificate", { input: {
        kind: k, purpose: purpose.value, propertyIds: ids.length ? ids : null,
        idempotencyKey: requestId() } }).finally(() => { submit.textContent = "开具证明"; });
      if (r.__typename === "CertificateIssued") {
        state.certificateId = r.certificate.id;
        ctx.go("/certificate");
        return;
      }
      const fix = { NoHoldingsToCertify: "NO_HOLDINGS", HoldingsExist: "HOLDINGS",
        SelectionNotWhole: "PARTIAL_HOLDINGS", SelectionIsWhole: "HOLDINGS",
        PurposeNeedsWholeHoldings: "HOLDINGS" }[r.__typename];
      const offered = fix && form.querySelector(`input[value="${fix}"]`);
      show(slot, errorBox(r.__typename, r, ...(offered ? [switchTo(fix)] : [])));
    });
  });
  form.append(
    h("fieldset", { class: "fieldset" }, h("legend", {}, "证明种类"), kind),
    h("label", { class: "field" }, h("span", { class: "field-label" }, "开具用途"), purpose),
    props, slot, submit,
    h("p", { class: "hint secondary" }, "证明加盖不动产登记中心电子签章，可凭编号和验证码在线核验。"
      + "子女入学、购房（限购）核查只认可名下全部的查询结果证明或无房证明。"));
  page.replaceChildren(form);
  syncKind();
}

export async function list(page, ctx) {
  const { myCertificates } = await gql("MyCertificates");
  const open = (id) => { state.certificateId = id; ctx.go("/certificate"); };
  page.replaceChildren(
    link("开具新证明", "#/certificates/new", { class: "btn btn-primary btn-block", test: "cert-new" }),
    myCertificates.length ? h("div", { class: "cards" }, myCertificates.map((c) =>
      h("button", { type: "button", class: "card card-button", test: "certificate-card",
        on: { click: () => open(c.id) } },
      h("span", { class: "card-head" }, h("strong", {}, label(CERT_KIND, c.kind)),
        statusBadge(c.status)),
      h("span", { class: "card-sub" }, `编号 ${c.number}`),
      h("span", { class: "card-sub" }, `用途：${label(PURPOSE, c.purpose)} · ${formatDateTime(c.issuedAt)}`))))
      : empty("还没有开具过证明"));
}

export async function detail(page, ctx) {
  if (!state.certificateId) { ctx.go("/certificates"); return; }
  const { certificate: c } = await gql("CertificateDetail", { id: state.certificateId });
  if (!c) { page.replaceChildren(errorBox("CertificateNotFound")); return; }
  page.replaceChildren(...[
    card({ test: "certificate-detail" },
      h("div", { class: "card-head" }, h("h2", { class: "card-title" }, label(CERT_KIND, c.kind)),
        h("span", { test: "cert-status" }, statusBadge(c.status))),
      facts([
        ["证明编号", h("span", { test: "cert-number" }, c.number)],
        ["验证码", h("span", { class: "code", test: "cert-code" }, c.verificationCode)],
        ["用途", label(PURPOSE, c.purpose)],
        ["载明范围", h("span", { test: "cert-scope" }, c.facts.scopeStatement)],
        ["权利人", c.facts.holder],
        ["身份证号", c.facts.idNumber, { secondary: true }],
        ["出具时间", formatDateTime(c.issuedAt)],
        ["有效期至", formatDate(c.validUntil)],
        c.revokedReason ? ["作废原因", c.revokedReason] : null,
      ]),
      c.facts.coversAllHoldings ? null : h("p", { class: "hint", test: "cert-partial" },
        "本证明只载明所选的不动产（部分不动产，非名下全部），不能用于子女入学、购房（限购）核查。"),
      c.status === "SUPERSEDED"
        ? h("p", { class: "hint" }, "出具后登记簿已变化：本证明反映出具时的情况，如需最新情况请重新开具。") : null),
    h("div", { class: "actions" },
      link("查看 PDF", c.downloadUrl, { class: "btn btn-primary btn-block", test: "certificate-view",
        target: "_blank", rel: "noopener" }),
      link("下载 PDF", c.downloadUrl, { class: "btn btn-block secondary",
        test: "certificate-download", download: `${c.number}.pdf` }),
      link("打开核验页（与扫描二维码相同）", c.qrPayload, { class: "btn btn-block secondary",
        test: "certificate-verify", target: "_blank", rel: "noopener" })),
    c.facts.properties.length ? section(c.facts.coversAllHoldings ? "证明载明的不动产"
      : "证明载明的不动产（部分，非名下全部）", c.facts.properties.map((p) =>
      card({ class: "card card-flat" }, h("strong", {}, p.address),
        facts([["证书号", p.titleNo, { secondary: true }], ["所在区", p.district], ["用途", p.use],
          ["权利限制", p.restrictions]])))) : null,
    h("p", { class: "hint secondary" },
      "办事机构可扫描 PDF 上的二维码，或在核验页输入证明编号和验证码核验真伪。下载链接短时有效，过期请重新打开本页。"),
  ].filter(Boolean));
}

// Print a certificate: kind → purpose → properties (部分不动产证明 only: a
// 查询结果证明 always lists everything) → issueCertificate → show it with a big
// 打印 button (the signed PDF's short-lived download link). The server decides
// what may be certified.

import { formatDate, formatDateTime } from "/ui/format.js";
import { h, button, screen, CERT_KINDS, PURPOSES, WHOLE_ONLY_PURPOSES } from "./ui.js";
import { register, show, errorBox, finalScreen, logout, call } from "./app.js";

register("certificate", () => screen("打印证明", "请选择要开具的证明种类",
  h("div", { class: "choices" }, ...Object.entries(CERT_KINDS).map(([kind, k]) =>
    h("button", { type: "button", class: "choice", test: `cert-kind-${kind}`,
                  on: { click: () => show("cert-purpose", { kind }) } },
    h("span", { class: "choice-label" }, k.label), h("span", { class: "choice-hint" }, k.hint))))));

register("cert-purpose", ({ kind }) => {
  const partial = kind === "PARTIAL_HOLDINGS";
  const offered = Object.entries(PURPOSES).filter(([p]) => !partial || !WHOLE_ONLY_PURPOSES.includes(p));
  return screen(CERT_KINDS[kind].label, partial
    ? "请选择证明的用途（子女入学、购房须开具名下全部的查询结果证明）" : "请选择证明的用途",
  h("div", { class: "choices grid" }, ...offered.map(([purpose, label]) =>
    button(label, `purpose-${purpose}`, () => (partial
      ? show("cert-properties", { kind, purpose })
      : issue({ kind, purpose, propertyIds: null })), "choice"))));
});

register("cert-properties", async ({ kind, purpose }) => {
  const data = await call("KioskMyProperties", { first: 50 });
  const nodes = data.myProperties.edges.map((e) => e.node);
  const chosen = new Set();
  const options = nodes.map((p) => h("button", { type: "button", class: "option", test: "property",
    "aria-pressed": "false", data: { id: p.id } },
  h("span", { class: "option-main" }, p.address),
  h("span", { class: "option-sub" }, `${p.district.name} · ${p.use} · ${p.titleNo}`)));
  const go = button("开具证明", "cert-issue", () => issue({ kind, purpose,
    propertyIds: [...chosen] }), "primary wide");
  const sync = () => {
    // Some, never all: a certificate of everything is the 查询结果证明.
    go.disabled = chosen.size === 0 || chosen.size === nodes.length;
    for (const o of options) {
      const on = chosen.has(o.dataset.id);
      o.classList.toggle("selected", on);
      o.setAttribute("aria-pressed", String(on));
    }
  };
  for (const o of options) {
    o.addEventListener("click", () => {
      if (chosen.has(o.dataset.id)) chosen.delete(o.dataset.id); else chosen.add(o.dataset.id);
      sync();
    });
  }
  sync();
  return screen("选择要证明的不动产", `用途：${PURPOSES[purpose]} · 选择一部分（不能全选），`
    + "证明上注明“部分不动产，非名下全部”",
  h("div", { class: "options" }, ...options), go);
});

function issue(input) {
  // One request number per tap sequence: a double tap issues one certificate.
  return show("cert-issued", { input: { ...input, idempotencyKey: crypto.randomUUID() } });
}

register("cert-issued", async ({ input }) => {
  const result = (await call("KioskIssueCertificate", { input })).issueCertificate;
  if (result.__typename !== "CertificateIssued") {
    const other = { HoldingsExist: "HOLDINGS", NoHoldingsToCertify: "NO_HOLDINGS",
      SelectionNotWhole: "PARTIAL_HOLDINGS", SelectionIsWhole: "HOLDINGS",
      PurposeNeedsWholeHoldings: "HOLDINGS" }[result.__typename];
    const switchKind = Boolean(other);
    return screen("未能开具证明", null, errorBox(result,
      switchKind ? button(`改为开具${CERT_KINDS[other].label}`, "cert-switch",
        () => show("cert-purpose", { kind: other }), "primary") : null,
      button("重新选择", "cert-again", () => show("certificate"), "secondary")));
  }
  const c = result.certificate;
  finalScreen();
  const rows = [
    ["证明种类", CERT_KINDS[c.kind].label], ["载明范围", c.facts.scopeStatement, "cert-scope"],
    ["用途", PURPOSES[c.purpose]],
    ["权利人", c.facts.holder], ["身份证号", c.facts.idNumber],
    ["证明编号", c.number, "cert-number"], ["验证码", c.verificationCode, "cert-code"],
    ["出具时间", formatDateTime(c.issuedAt)], ["有效期至", formatDate(c.validUntil)],
  ];
  return screen("证明已开具", "请点“打印”取走证明；第三方可凭证明编号和验证码或扫描证明上的二维码核验",
    h("dl", { class: "facts", test: "certificate" }, ...rows.flatMap(([k, v, test]) =>
      [h("dt", {}, k), h("dd", { test }, v)])),
    c.facts.properties.length ? h("ul", { class: "cert-properties", test: "cert-properties" },
      ...c.facts.properties.map((p) => h("li", {}, h("strong", {}, p.address),
        h("span", {}, `${p.district} · ${p.use} · ${p.titleNo} · 权利限制：${p.restrictions}`))))
      : null,
    h("a", { class: "btn primary huge", test: "print", href: c.downloadUrl, target: "_blank",
             rel: "noopener" }, "打印"),
    h("div", { class: "actions" },
      button("评价本次服务", "rate-now", () => show("rate", { after: { kind: "CERTIFICATE", id: c.id, at: c.issuedAt } }), "secondary"),
      button("完成并退出", "finish", () => logout("user"), "secondary")));
});

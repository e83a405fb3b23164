// 登录: name + ID number, then face login (consent, camera or album photo)
// or an SMS code (lower assurance, L1). The server decides everything; the
// client only checks the ID number has 18 characters.

import { gql, session } from "/ui/gql.js";
import { formatDateTime } from "/ui/format.js";
import { busy, button, card, errorBox, h, notice, show } from "../ui.js";
import { state } from "../state.js";
import { openCamera, captureFrame, photoFromFile } from "../camera.js";

const CHANNEL = "FOSHANTONG";
let consentVersion = "2026-12"; // ConsentRequired.currentVersion replaces it

let consentNotice = null; // the server's current 告知书, read once (BiometricConsentNotice)

async function loadNotice() {
  if (!consentNotice) {
    consentNotice = (await gql("BiometricConsentNotice", {}, { auth: false }))
      .biometricConsentNotice;
    consentVersion = consentNotice.version;
  }
  return consentNotice;
}

function field(labelText, input) {
  return h("label", { class: "field" }, h("span", { class: "field-label" }, labelText), input);
}

export async function render(page, ctx) {
  const stage = h("div", { class: "stage" });
  const name = h("input", { type: "text", name: "name", autocomplete: "name", required: true,
    test: "login-name", placeholder: "与身份证一致" });
  const idNumber = h("input", { type: "text", name: "idNumber", autocomplete: "off",
    required: true, maxLength: 18, test: "login-id", placeholder: "18 位居民身份证号码",
    spellcheck: false, autocapitalize: "characters" });
  const slot = h("div", { class: "slot" });

  const identity = () => {
    const person = { name: name.value.trim(), idNumber: idNumber.value.trim().toUpperCase() };
    if (!person.name || person.idNumber.length !== 18) {
      show(slot, person.name ? errorBox("InvalidIdNumber") : notice("请填写姓名", "warn"));
      (person.name ? idNumber : name).focus();
      return null;
    }
    return person;
  };
  const done = (success) => {
    session.set({ accessToken: success.accessToken, refreshToken: success.refreshToken,
      assuranceLevel: success.assuranceLevel });
    state.profile = success.citizen;
    const next = state.next || "/";
    state.next = null;
    ctx.go(next);
  };

  const face = button("刷脸登录（推荐）", { class: "btn btn-primary btn-block", test: "login-face" });
  const sms = button("短信验证码登录", { class: "btn btn-block", test: "login-sms" });
  face.addEventListener("click", () => {
    const person = identity();
    if (person) consentStage(stage, person, ctx, done);
  });
  sms.addEventListener("click", () => {
    const person = identity();
    if (person) busy(sms, slot, () => startSms(stage, slot, person, done));
  });

  show(stage,
    card({}, h("p", { class: "hint" }, "请输入本人身份信息"),
      field("姓名", name), field("身份证号", idNumber), slot, face, sms,
      h("p", { class: "hint secondary" },
        "短信登录认证等级较低（L1），只能预约、评价和管理设备；查看房产、开具证明需刷脸认证（L2）。")));
  page.replaceChildren(stage);
}

// -- face ------------------------------------------------------------------------

async function consentStage(stage, person, ctx, done, problem = null) {
  let text;
  try {
    text = (await loadNotice()).paragraphs;
  } catch (e) {
    show(stage, errorBox(e));
    return;
  }
  const check = h("input", { type: "checkbox", test: "consent-check" });
  const agree = button("同意并继续", { class: "btn btn-primary btn-block", test: "consent-agree",
    disabled: true });
  const slot = h("div", { class: "slot" }, problem);
  check.addEventListener("change", () => { agree.disabled = !check.checked; });
  agree.addEventListener("click", () => busy(agree, slot, async () => {
    const { startFaceLogin: r } = await gql("StartFaceLogin", { input: {
      ...person, channel: CHANNEL, consentVersion } }, { auth: false });
    if (r.__typename === "FaceChallenge") { await cameraStage(stage, person, r, ctx, done); return; }
    if (r.__typename === "ConsentRequired") {
      consentNotice = null; // the notice changed since it was read: read it again
      await consentStage(stage, person, ctx, done, errorBox(r.__typename, r));
      return;
    }
    show(slot, errorBox(r.__typename, r));
  }));
  show(stage, card({},
    h("h2", { class: "card-title" }, "《人脸识别信息处理告知书》"),
    h("p", { class: "hint" }, `版本 ${consentVersion}`),
    h("div", { class: "consent-text", test: "consent-text", tabindex: "0" },
      text.map((p) => h("p", {}, p))),
    h("label", { class: "check" }, check,
      h("span", {}, `我已阅读并同意《人脸识别信息处理告知书》（${consentVersion} 版）`)),
    slot, agree));
  check.focus();
}

async function cameraStage(stage, person, firstChallenge, ctx, done) {
  let challenge = firstChallenge;
  const video = h("video", { class: "camera-video", test: "camera-video", autoplay: true,
    muted: true, playsInline: true, "aria-label": "摄像头画面" });
  const status = h("p", { class: "face-status", test: "face-status", role: "status" },
    "请正对屏幕，保持光线充足，将脸部置于框内");
  const slot = h("div", { class: "slot" });
  const capture = button("拍照并验证", { class: "btn btn-primary btn-block", test: "face-capture",
    disabled: true });
  const file = h("input", { type: "file", accept: "image/*", class: "visually-hidden",
    test: "face-file" });

  const submit = async (image) => {
    status.textContent = "正在比对，请稍候…";
    if (!challenge) { // each challenge is single-use: a retry asks for a new one
      const { startFaceLogin: s } = await gql("StartFaceLogin", { input: {
        ...person, channel: CHANNEL, consentVersion } }, { auth: false });
      if (s.__typename !== "FaceChallenge") {
        status.textContent = "";
        show(slot, errorBox(s.__typename, s));
        return;
      }
      challenge = s;
    }
    const { completeFaceLogin: r } = await gql("CompleteFaceLogin", { input: {
      challengeId: challenge.challengeId, image } }, { auth: false });
    challenge = null;
    if (r.__typename === "LoginSuccess") { status.textContent = "认证成功"; done(r); return; }
    status.textContent = "未通过，请按提示重试";
    if (r.__typename === "ConsentRequired") consentVersion = r.currentVersion;
    show(slot, errorBox(r.__typename, r));
  };

  capture.addEventListener("click", () => busy(capture, slot, () => submit(captureFrame(video))));
  file.addEventListener("change", () => {
    const picked = file.files?.[0];
    file.value = "";
    if (!picked) return;
    busy(capture, slot, async () => {
      const image = await photoFromFile(picked);
      if (!image) { show(slot, errorBox("ImageInvalid")); return; }
      await submit(image);
    });
  });

  show(stage, card({ class: "card camera" },
    h("div", { class: "camera-frame" }, video, h("div", { class: "camera-mask",
      "aria-hidden": "true" })),
    status, slot, capture,
    h("label", { class: "btn btn-block btn-ghost file-label" }, "从相册选择照片", file),
    h("p", { class: "hint secondary" },
      `挑战有效期至 ${formatDateTime(challenge.expiresAt)}，过期请返回重新开始`)));

  const stream = await openCamera(video);
  if (stream) {
    capture.disabled = false;
    ctx.onLeave(() => stream.getTracks().forEach((t) => t.stop()));
  } else {
    status.textContent = "无法打开摄像头，请从相册选择一张本人正面照片";
  }
}

// -- SMS ---------------------------------------------------------------------------

async function startSms(stage, slot, person, done) {
  const { startSmsLogin: r } = await gql("StartSmsLogin", { input: { ...person, channel: CHANNEL } },
    { auth: false });
  if (r.__typename !== "SmsChallenge") { show(slot, errorBox(r.__typename, r)); return; }

  const code = h("input", { type: "text", inputMode: "numeric", autocomplete: "one-time-code",
    maxLength: 6, test: "sms-code", placeholder: "6 位验证码" });
  const codeSlot = h("div", { class: "slot" });
  const submit = button("登录", { class: "btn btn-primary btn-block", test: "sms-submit" });
  submit.addEventListener("click", () => busy(submit, codeSlot, async () => {
    const { completeSmsLogin: c } = await gql("CompleteSmsLogin", { input: {
      challengeId: r.challengeId, code: code.value.trim() } }, { auth: false });
    if (c.__typename === "LoginSuccess") { done(c); return; }
    show(codeSlot, errorBox(c.__typename, c));
    code.select();
  }));
  show(stage, card({},
    // No phone number is shown before a factor is proven (a masked number told
    // a real name + ID pair from a made-up one).
    notice(`若姓名和身份证号码无误，验证码已发送至您登记的手机，${formatDateTime(r.expiresAt)} 前有效；`
      + "如未收到，请核对信息，或改用刷脸登录、到大厅窗口办理"),
    field("短信验证码", code), codeSlot, submit,
    h("p", { class: "hint secondary" }, "短信登录为 L1 认证：查看房产、开具证明需刷脸")),
  await smsInbox(code));
  code.focus();
}

/** 模拟短信: outside production, the mock gateway's outbox (GET /dev/sms-inbox). */
async function smsInbox(codeInput) {
  const { serviceInfo } = await gql("ServiceInfo", {}, { auth: false });
  if (serviceInfo.environment === "production") return null;
  const list = h("ul", { class: "sms-list" });
  const refresh = button("刷新", { class: "btn btn-small", test: "sms-inbox-refresh" });
  const load = async () => {
    let messages = [];
    try {
      const res = await fetch("/dev/sms-inbox", { cache: "no-store" });
      messages = res.ok ? (await res.json()).messages : [];
    } catch { messages = []; }
    messages.sort((a, b) => (a.at < b.at ? 1 : -1)); // newest first
    show(list, messages.length ? messages.map((m) => h("li", { class: "sms", test: "sms-message" },
      h("p", { class: "sms-meta" }, `${m.to} · ${formatDateTime(m.at)}`),
      h("p", {}, m.code ? `【佛山不动产】您的验证码为 ${m.code}，5 分钟内有效，请勿告诉他人。`
        : `【佛山不动产】${m.template}`),
      m.code ? button("填入", { class: "btn btn-small", test: "sms-fill",
        on: { click: () => { codeInput.value = m.code; codeInput.focus(); } } }) : null))
      : [h("li", { class: "hint" }, "暂无短信")]);
  };
  refresh.addEventListener("click", load);
  await load();
  return h("section", { class: "card sms-inbox", test: "sms-inbox", "aria-label": "模拟短信" },
    h("div", { class: "card-head" }, h("h2", { class: "card-title" }, "模拟短信（演示环境）"), refresh),
    list);
}

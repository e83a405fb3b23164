// Welcome / task menu (扫码签到 without login: scan.js), and the login: ID card (simulated reader) → consent to
// the face-recognition notice → camera → startFaceLogin + completeFaceLogin.

import { h, button, screen, maskId } from "./ui.js";
import { register, show, home, state, startTask, loggedIn, errorBox, logout, call } from "./app.js";
import { signCapture } from "./device.js";

// The simulated card reader's cards: the demo citizens whose ID-card photos
// the identity provider holds (README "Demo citizens"). Fictitious people.
const DEMO_CARDS = [
  { name: "陈志强", idNumber: "440604196603129119" },
  { name: "黄国梁", idNumber: "440606195611059331" },
  { name: "梁俊杰", idNumber: "440607198709309554" },
  { name: "何诗琪", idNumber: "430104199012089666" },
];

const TASKS = [
  { task: "certificate", label: "打印证明", hint: "查询结果证明 · 无房证明", icon: "doc" },
  { task: "checkin", label: "预约签到取号", hint: "凭预约签到，领取排队号", icon: "ticket" },
  { task: "walkin", label: "现场取号", hint: "未预约，现场排队办理", icon: "queue" },
  { task: "rate", label: "服务评价", hint: "好差评：评价已办结的服务", icon: "star" },
];

register("home", () => {
  // 扫码签到 needs no login: the booking's QR code is enough.
  const scan = h("button", { type: "button", class: ["tile", "tile-wide", "icon-qr"], test: "task-scan",
                             on: { click: () => show("scan") } },
  h("span", { class: "tile-label" }, "扫码签到（已预约）"),
  h("span", { class: "tile-hint" }, "出示小程序中的预约签到二维码，无需刷身份证和刷脸"));
  const tiles = TASKS.map((t) => h("button", {
    type: "button", class: ["tile", `icon-${t.icon}`], test: `task-${t.task}`,
    on: { click: () => startTask(t.task) } },
  h("span", { class: "tile-label" }, t.label), h("span", { class: "tile-hint" }, t.hint)));
  const lead = state.citizen ? `${state.citizen.maskedName}，您好！请选择要办理的业务`
    : "已预约的市民可直接扫码签到；其他业务请按提示刷身份证并刷脸登录";
  return screen("不动产登记自助服务", lead, h("div", { class: "tiles" }, scan, ...tiles),
    state.citizen ? button("办完了，退出登录", "menu-logout", () => logout("user"), "secondary wide") : null);
});

register("card", () => {
  const list = h("div", { class: "cards", test: "card-list", hidden: true },
    h("h2", {}, "模拟读卡：请选择一张演示身份证"),
    ...DEMO_CARDS.map((c, i) => h("button", { type: "button", class: "card-item", test: "card",
      data: { index: String(i) }, on: { click: () => readCard(c) } },
    h("span", { class: "card-name" }, c.name), h("span", { class: "card-id" }, maskId(c.idNumber)))),
    manualEntry());
  return screen("请将身份证放在读卡区", "将第二代居民身份证平放在屏幕下方的读卡区，读卡成功后自动进入下一步",
    h("div", { class: "reader", "aria-hidden": "true" }, h("div", { class: "reader-card" })),
    button("模拟读卡", "simulate-card", (e) => { list.hidden = false; e.currentTarget.hidden = true; },
      "primary wide"),
    list);
});

/** Demo only: another card's name and number, typed in as if the reader read them. */
function manualEntry() {
  const name = h("input", { type: "text", class: "field", test: "card-name", autocomplete: "off",
                            maxlength: "30", "aria-label": "姓名" });
  const id = h("input", { type: "text", class: "field", test: "card-id", autocomplete: "off",
                          maxlength: "18", inputmode: "text", "aria-label": "身份证号码" });
  const form = h("form", { class: "manual", test: "card-manual" },
    h("label", {}, "姓名", name), h("label", {}, "身份证号码", id),
    h("button", { type: "submit", class: "btn primary", test: "card-manual-ok" }, "读取此卡"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const card = { name: name.value.trim(), idNumber: id.value.trim().toUpperCase() };
    name.value = ""; id.value = "";
    if (card.name && card.idNumber) readCard(card);
  });
  return h("details", { class: "manual-wrap" },
    h("summary", { test: "card-manual-open" }, "其他身份证（演示：手动输入）"), form);
}

function readCard(card) {
  state.card = { name: card.name, idNumber: card.idNumber, masked: maskId(card.idNumber) };
  show("consent");
}

register("consent", ({ notice } = {}) => {
  if (!state.card) return home();
  const version = state.consentVersion;
  return screen("《人脸识别信息处理告知书》", `版本 ${version} · 请阅读后选择是否同意`,
    notice ? h("p", { class: "notice", test: "consent-notice" }, notice) : null,
    h("div", { class: "consent-text", test: "consent-text" },
      h("p", {}, "为核实您的身份，本机将调用摄像头采集您的人脸图像，与公安机关留存的身份证照片比对。"),
      h("p", {}, "处理目的：仅用于本次登录的身份核验；处理方式：比对完成后照片不在本机保存，不用于其他用途。"),
      h("p", {}, "处理者：佛山市不动产登记中心。您可以拒绝，拒绝后可到服务窗口由工作人员人工核验办理。"),
      h("p", {}, "您可随时在“佛山通”小程序撤回授权；撤回后需重新同意才能刷脸登录。")),
    h("p", { class: "who-card", test: "card-read" }, `已读取身份证：${state.card.name.slice(0, 1)}** ${state.card.masked}`),
    h("div", { class: "actions" },
      button("同意并开始刷脸", "consent-agree", () => show("face"), "primary"),
      button("不同意", "consent-decline", () => { state.card = null; state.task = null; home(); },
        "secondary")));
});

register("face", ({ onCleanup }) => {
  if (!state.card) return home();
  const video = h("video", { class: "camera", test: "camera", autoplay: true, muted: true,
                             playsinline: true });
  const frame = h("div", { class: "viewfinder" }, video, h("div", { class: "face-guide" }));
  const status = h("p", { class: "status", test: "face-status", "aria-live": "polite" },
    "正在打开摄像头…");
  const result = h("div", { class: "result", test: "face-result" });
  const go = button("开始识别", "capture", () => attempt(), "primary wide");
  go.disabled = true;
  let stream = null;
  const stop = () => { stream?.getTracks().forEach((t) => t.stop()); stream = null; };
  onCleanup(stop);

  navigator.mediaDevices?.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 },
                                                  facingMode: "user" }, audio: false })
    .then(async (s) => {
      stream = s;
      video.srcObject = s;
      await video.play().catch(() => {});
      status.textContent = "请正对摄像头，保持面部在取景框内，然后点“开始识别”";
      go.disabled = false;
    })
    .catch(() => {
      status.textContent = "";
      result.replaceChildren(errorBox({ code: "CAMERA" }));
    });

  async function attempt() {
    go.disabled = true;
    result.replaceChildren();
    status.textContent = "正在识别，请保持不动…";
    const image = grab(video);
    try {
      const card = state.card;
      if (!card) return home();
      const start = (await call("KioskStartFaceLogin", { input: {
        name: card.name, idNumber: card.idNumber, channel: "KIOSK",
        consentVersion: state.consentVersion } }, { auth: false })).startFaceLogin;
      if (start.__typename === "ConsentRequired") {
        state.consentVersion = start.currentVersion;
        return show("consent", { notice: start.message });
      }
      if (start.__typename !== "FaceChallenge") return failed(start);
      // An enrolled terminal signs the capture (device.js); an unenrolled one
      // sends it unsigned, which only a development server accepts.
      const kiosk = await signCapture({ challengeId: start.challengeId, nonce: start.nonce, image, card });
      const done = (await call("KioskCompleteFaceLogin", { input: {
        challengeId: start.challengeId, image, kiosk } }, { auth: false })).completeFaceLogin;
      if (done.__typename === "LoginSuccess") {
        stop();
        return loggedIn(done);
      }
      if (done.__typename === "ConsentRequired") {
        state.consentVersion = done.currentVersion;
        return show("consent", { notice: done.message });
      }
      return failed(done);
    } catch (err) {
      return failed(err);
    }
  }

  function failed(err) {
    status.textContent = "";
    const locked = err.__typename === "AccountLocked" || err.__typename === "IdentityNotFound"
      || err.__typename === "NoReferencePhoto" || err.__typename === "InvalidIdNumber";
    result.replaceChildren(errorBox(err,
      locked ? null : button("重新识别", "retry", () => attempt(), "primary"),
      button("换一张身份证", "recard", () => { state.card = null; show("card"); }, "secondary")));
    go.disabled = false;
    go.hidden = true;
  }

  return screen("刷脸核验身份", `${state.card.name.slice(0, 1)}**，请正对摄像头`, frame, status, go, result);
});

/** The current camera frame as a JPEG data URL (kept only for this request). */
function grab(video) {
  const canvas = document.createElement("canvas");
  canvas.width = video.videoWidth || 640;
  canvas.height = video.videoHeight || 480;
  canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL("image/jpeg", 0.92);
}


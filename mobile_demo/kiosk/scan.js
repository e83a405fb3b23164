// 扫码签到（已预约）without logging in: the citizen holds the booking's QR code
// (shown in the mini-program: Appointment.checkInQr, content checkInCode, a
// short code with a MAC) to the hall's scanner, which acts as a keyboard: it types the
// code into the focused input and presses Enter. checkInByCode answers the
// ticket (a second scan: the same ticket); the kiosk shows it big and goes
// back to the welcome screen by itself. The code is a credential: it only
// travels in the request body, is cleared from the input at once, and is
// never logged, stored or put in a URL.

import { h, button, screen, priorityToggle } from "./ui.js";
import { register, home, ref, finalScreen, logout, startTask, RETURN_SECONDS } from "./app.js";
import { session } from "/ui/gql.js";
import { qrForm, checkInByCode, ticketCard } from "./queue.js";

register("scan", () => {
  const priority = priorityToggle();
  const result = h("div", { class: "result", test: "scan-result" });
  const { form, input } = qrForm((code) => checkInByCode(code, priority.on, result, "scan-ticket"),
    { label: "扫码内容（扫码后自动提交）", submitText: "签到取号", autofocus: true });
  form.classList.add("scan-form");

  // The scanner types wherever the focus is: keep it on the input. A tap on
  // the toggle (or on nothing) gives it back, so the scanner's Enter never
  // presses a button by accident.
  priority.el.addEventListener("click", () => input.focus());
  input.addEventListener("blur", () => setTimeout(() => {
    const active = document.activeElement;
    if (input.isConnected && (!active || active === document.body)) input.focus();
  }, 0));

  return screen("扫码签到", "已在网上预约的市民：打开“佛山通”小程序 →“我的预约”→“出示签到码”，将二维码对准下方扫码口，无需刷身份证和刷脸",
    h("div", { class: "reader scanner", "aria-hidden": "true" },
      h("div", { class: "scanner-qr" }), h("p", { class: "scanner-hint" }, "扫码口 · 二维码距离约 10 厘米")),
    priority.el, form, result,
    h("div", { class: "actions" },
      button("没有签到码？刷身份证签到", "scan-login", () => startTask("checkin"), "secondary"),
      button("未预约，现场取号", "scan-walkin", () => startTask("walkin"), "secondary")));
});

register("scan-ticket", async ({ ticket, onCleanup }) => {
  const reference = await ref();
  const signedIn = session.loggedIn;
  let back = null;
  if (signedIn) {
    finalScreen(); // a logged-in citizen: the idle logout ends the session soon
  } else {
    // Nobody logged in: back to the welcome screen for the next person.
    let left = RETURN_SECONDS;
    let seen = false;
    const seconds = h("span", { class: "return-seconds", test: "scan-return-seconds" }, String(left));
    back = h("p", { class: "notice return", test: "scan-return" }, h("span", {}, seconds, " 秒后自动返回首页"));
    const timer = setInterval(() => {
      if (!seconds.isConnected) { if (seen) clearInterval(timer); return; } // left this screen
      seen = true;
      left -= 1;
      seconds.textContent = String(Math.max(left, 0));
      if (left <= 0) { clearInterval(timer); home(); }
    }, 1000);
    onCleanup(() => clearInterval(timer));
  }
  return screen("签到成功", "请留意大厅叫号屏和广播，叫到您的号码时请到对应窗口办理；过号需重新取号",
    ticketCard(ticket, reference),
    h("p", { class: "notice", test: "scan-watch" }, "前面等候人数和叫号进度，请留意大厅叫号屏"),
    back,
    h("div", { class: "actions" },
      button("打印小票", "print-ticket", () => window.print(), "secondary"),
      signedIn ? button("完成并退出", "finish", () => logout("user"), "primary")
        : button("完成", "finish", home, "primary")));
});

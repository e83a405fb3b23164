// 佛山通 · 不动产登记 mini-program demo: a hash router over small screens.
// Each screen is `render(page, ctx)` in screens/*.js; the API is reached only
// through /ui/gql.js with the persisted operations of mobile_demo/operations/.
//
// Stable hooks for browser tests (data-test="..."):
//   shell       page-title, back, tab-home, tab-properties, tab-services, tab-me,
//               error-message (data-code = __typename or error code), notice, empty,
//               load-more, confirm-ok, confirm-cancel
//   elder mode  elder-toggle (home and 我的; aria-pressed)
//   home        home-login, home-greeting, entry-<route> (e.g. entry-properties)
//   login       login-name, login-id, login-face, login-sms, consent-text, consent-check,
//               consent-agree, camera-video, face-capture, face-file, face-status,
//               sms-code, sms-submit, sms-inbox, sms-inbox-refresh, sms-message, sms-fill
//   properties  filter-district, filter-use, filter-encumbered, property-count,
//               property-card, property-detail, encumbrance-mortgage, encumbrance-seizure,
//               encumbrance-pre-registration, encumbrance-objection, co-holder,
//               property-certificate
//   messages    notification, mark-read, unread-only, access-entry
//   certificate cert-kind-HOLDINGS, cert-kind-PARTIAL_HOLDINGS, cert-kind-NO_HOLDINGS,
//               cert-purpose, cert-property (PARTIAL_HOLDINGS only), cert-scope, cert-partial,
//               cert-issue, cert-new, certificate-card, certificate-detail, cert-number,
//               cert-code, cert-status, certificate-download, certificate-view,
//               certificate-verify (the QR code's verification page)
//   booking     book-hall, book-item, slot-day, slot, book-submit, book-next-free,
//               appointment-card, appointment-status, appointment-reschedule,
//               appointment-cancel, reschedule-submit, queue-ticket, queue-ahead,
//               queue-wait, queue-refresh
//   ratings     pending-rating, rate-start, rate-level-<LEVEL>, rate-tag, rate-comment,
//               rate-submit, my-rating
//   proofs      share-code, proof-request, proof-params, proof-param, proof-approve,
//               proof-decline, grant, grant-revoke
//   me          me-profile, me-level, session-card, session-revoke, consent-withdraw, logout

import { ApiError, session } from "/ui/gql.js";
import { button, errorBox, h, loading } from "./ui.js";
import { state } from "./state.js";
import * as home from "./screens/home.js";
import * as login from "./screens/login.js";
import * as properties from "./screens/properties.js";
import * as messages from "./screens/messages.js";
import * as certificates from "./screens/certificates.js";
import * as booking from "./screens/booking.js";
import * as ratings from "./screens/ratings.js";
import * as proofs from "./screens/proofs.js";
import * as me from "./screens/me.js";

// path -> title, tab (tab roots have no back button), back, auth, render
const ROUTES = {
  "/": { title: "不动产登记", tab: "home", render: home.render },
  "/services": { title: "办事", tab: "services", render: home.services },
  "/me": { title: "我的", tab: "me", render: me.render },
  "/login": { title: "登录", back: "/", render: login.render },
  "/properties": { title: "我的房产", tab: "properties", auth: true, render: properties.list },
  "/property": { title: "房产详情", back: "/properties", auth: true, render: properties.detail },
  "/notifications": { title: "我的消息", back: "/me", auth: true, render: messages.notifications },
  "/access-log": { title: "谁查询了我的信息", back: "/me", auth: true, render: messages.accessLog },
  "/certificates": { title: "我的证明", back: "/services", auth: true, render: certificates.list },
  "/certificates/new": { title: "开具证明", back: "/services", auth: true, render: certificates.issue },
  "/certificate": { title: "证明详情", back: "/certificates", auth: true, render: certificates.detail },
  "/appointments": { title: "我的预约", back: "/services", auth: true, render: booking.list },
  "/appointments/new": { title: "预约办事", back: "/services", auth: true, render: booking.book },
  "/appointments/reschedule": { title: "改约", back: "/appointments", auth: true,
    render: booking.reschedule },
  "/queue": { title: "排队进度", back: "/services", auth: true, render: booking.queue },
  "/ratings": { title: "好差评", back: "/services", auth: true, render: ratings.list },
  "/rate": { title: "评价服务", back: "/ratings", auth: true, render: ratings.rate },
  "/proofs": { title: "授权查询", back: "/services", auth: true, render: proofs.render },
  "/sessions": { title: "登录设备", back: "/me", auth: true, render: me.sessions },
};

const view = document.getElementById("view");
const titleEl = document.querySelector(".topbar-title");
const backEl = document.querySelector(".topbar-back");
let leaving = [];
let current = null;

export function go(path) {
  if (location.hash === `#${path}`) route();
  else location.hash = `#${path}`;
}

function toLogin(path) {
  state.next = path;
  go("/login");
}

/** Actions offered with a screen-level error (not logged in, SMS level only). */
function recovery(error, path) {
  if (error.code === "UNAUTHENTICATED" || error.code === "INSUFFICIENT_ASSURANCE") {
    return [button(error.code === "UNAUTHENTICATED" ? "去登录" : "刷脸登录",
      { class: "btn btn-primary", on: { click: () => toLogin(path) } })];
  }
  return [button("重试", { class: "btn", on: { click: () => route() } })];
}

async function route() {
  for (const fn of leaving.splice(0)) fn();
  const path = (location.hash.replace(/^#/, "") || "/").split("?")[0];
  const spec = ROUTES[path] || ROUTES["/"];
  if (spec.auth && !session.loggedIn) { toLogin(path); return; }

  current = spec;
  titleEl.textContent = spec.title;
  document.title = `${spec.title} · 佛山通`;
  backEl.hidden = !spec.back;
  for (const tab of document.querySelectorAll(".tab")) {
    const active = tab.dataset.tab === (spec.tab || ROUTES[spec.back]?.tab);
    tab.classList.toggle("active", active);
    if (active) tab.setAttribute("aria-current", "page"); else tab.removeAttribute("aria-current");
  }

  const page = h("div", { class: "page" }, loading());
  view.replaceChildren(page);
  view.scrollTop = 0;
  window.scrollTo(0, 0);
  const ctx = {
    go,
    toLogin,
    onLeave: (fn) => leaving.push(fn),
    stale: () => !page.isConnected,
  };
  try {
    await spec.render(page, ctx);
    page.querySelector(".loading")?.remove();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (page.isConnected) page.replaceChildren(errorBox(error, {}, ...recovery(error, path)));
  }
}

backEl.addEventListener("click", () => { if (current?.back) go(current.back); });
window.addEventListener("hashchange", route);
route();

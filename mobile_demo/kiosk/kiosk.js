// 自助服务一体机 (self-service kiosk): portrait touch screen in a registration
// hall. Card + face login, print a certificate, check in / take a ticket, rate;
// 扫码签到 (the booking's QR code) without logging in.
// Talks to the API only through /ui/gql.js (persisted Kiosk* operations) with
// its own token store (store.js). Nothing personal in URLs, logs or storage;
// logout (button, end of task, idle timeout) wipes tokens and memory.
//
// URL: /kiosk/            idle timeout 60 s (warning in the last 10 s)
//      /kiosk/?idle=3     idle timeout 3 s (tests; the only URL parameter)
// Anonymous 扫码签到 goes back to the welcome screen min(idle, 15) s after
// showing the ticket.
//
// Browser-test hooks (data-test="..."):
//   chrome     home (返回首页, always visible), logout, who (masked name),
//              clock, elder (长辈模式), idle-countdown, idle-warning,
//              idle-seconds, idle-continue, toast, screen (main; its
//              data-screen names the screen once rendered: home, card, consent,
//              face, certificate, cert-purpose, cert-properties, cert-issued,
//              checkin, walkin, ticket, scan, scan-ticket, rate, rate-level,
//              rated; "loading" while it loads, "error" after a top-level
//              error), title, loading
//   home       task-scan (no login), task-certificate, task-checkin, task-walkin,
//              task-rate, menu-logout
//   login      simulate-card, card-list, card (data-index), card-manual-open,
//              card-manual, card-name, card-id, card-manual-ok,
//              consent-text, consent-notice, card-read, consent-agree, consent-decline,
//              camera, face-status, capture, face-result, retry, recard
//   errors     error (data-code = the API's code), error-message (the API's
//              message), error-next (what to do next), error-home, relogin
//   certificate cert-kind-HOLDINGS, cert-kind-PARTIAL_HOLDINGS, cert-kind-NO_HOLDINGS,
//              purpose-<PURPOSE>, property (data-id; PARTIAL_HOLDINGS only), cert-issue,
//              certificate, cert-number, cert-code, cert-scope, cert-properties, print (the PDF link),
//              rate-now, finish, cert-switch, cert-again
//   queue      priority (aria-pressed), appointments, appointment (data-id),
//              checkin, no-appointments, current-ticket, current-ticket-open,
//              qr-form, qr-input, qr-submit, checkin-result, go-walkin,
//              hall (data-id), item-<SERVICE_ITEM>, walkin-result,
//              ticket, ticket-code, ticket-priority, ticket-priority-requested,
//              ticket-hall, ticket-status,
//              ticket-item, people-ahead, wait-minutes, print-ticket, finish
//   scan       (扫码签到, no login) priority, qr-form, qr-input (focused; the
//              scanner types the code + Enter), qr-submit, scan-result,
//              scan-login, scan-walkin; scan-ticket: ticket, ticket-code,
//              ticket-priority, ticket-hall, ticket-item, ticket-status,
//              scan-watch, scan-return, scan-return-seconds, print-ticket,
//              finish
//   rating     pending (data-ref, data-kind), no-pending, rate-home,
//              level-<RATING_LEVEL>, tag (data-tag), comment, rate-submit,
//              rate-result, rated, rate-more, finish

import "./store.js";
import { boot } from "./app.js";
import "./login.js";
import "./certificate.js";
import "./queue.js";
import "./scan.js";
import "./rating.js";

boot();

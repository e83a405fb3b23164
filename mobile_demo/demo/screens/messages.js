// 我的消息 (notifications, mark read) and 谁查询了我的信息 (data access log).

import { gql } from "/ui/gql.js";
import { formatDateTime } from "/ui/format.js";
import { ACCESSOR, CHANNEL, label } from "../labels.js";
import { badge, busy, button, card, empty, h, notice, show } from "../ui.js";

const PAGE = 20;

/** A paged list: `fetchPage(after)` -> {edges, pageInfo}; `item(node)` -> element. */
async function paged(page, ctx, { fetchPage, item, head = [], none }) {
  const items = h("div", { class: "cards" });
  const more = h("div", { class: "slot" });
  const load = async (after = null) => {
    const conn = await fetchPage(after);
    if (ctx.stale()) return;
    if (!after) items.replaceChildren(...(conn.edges.length ? [] : [empty(none)]));
    items.append(...conn.edges.map((e) => item(e.node)));
    show(more, conn.pageInfo.hasNextPage ? button("加载更多", { class: "btn btn-block",
      test: "load-more",
      on: { click: (ev) => busy(ev.currentTarget, more, () => load(conn.pageInfo.endCursor)) } })
      : null);
  };
  page.replaceChildren(...head, items, more);
  await load();
  return load;
}

function notificationCard(n) {
  return card({ class: `card ${n.read ? "" : "unread"}`, test: "notification",
    dataset: { id: n.id, read: String(n.read) } },
  h("div", { class: "card-head" }, h("strong", {}, n.title),
    n.read ? badge("已读", "muted") : badge("未读", "info")),
  n.severity === "SERIOUS" ? badge("重要", "bad") : null,
  h("p", {}, n.body),
  h("p", { class: "card-sub" }, formatDateTime(n.at)));
}

export async function notifications(page, ctx) {
  let unreadOnly = false;
  let newest = null; // the newest message shown: "mark all" stops there
  const status = h("div", { class: "slot" });
  const unread = h("p", { class: "count", test: "unread-count", role: "status" });
  const markRead = button("全部标为已读", { class: "btn btn-small", test: "mark-read" });
  const only = h("input", { type: "checkbox", test: "unread-only" });
  const load = await paged(page, ctx, {
    none: "暂无消息",
    item: notificationCard,
    head: [unread, h("div", { class: "toolbar" },
      h("label", { class: "check secondary" }, only, h("span", {}, "只看未读")), markRead), status],
    fetchPage: async (after) => {
      const conn = (await gql("MyNotifications", { first: PAGE, after, unreadOnly }))
        .myNotifications;
      if (!after) newest = conn.edges[0]?.node.at ?? null;
      unread.textContent = conn.unreadCount ? `${conn.unreadCount} 条未读` : "没有未读消息";
      return conn;
    },
  });
  only.addEventListener("change", () => { unreadOnly = only.checked; load(); });
  // Every unread message up to the newest shown, not only the page on screen:
  // the server marks them; one that arrived since stays unread.
  markRead.addEventListener("click", () => busy(markRead, status, async () => {
    const { markAllNotificationsRead: done } = newest
      ? await gql("MarkAllNotificationsRead", { upTo: newest })
      : { markAllNotificationsRead: { marked: 0 } };
    const count = done.marked;
    await load();
    show(status, notice(count ? `已将 ${count} 条消息标为已读` : "没有未读消息"));
  }));
}

export async function accessLog(page, ctx) {
  await paged(page, ctx, {
    none: "暂无查询记录",
    head: [h("p", { class: "hint" }, "您的不动产信息每次被查询都会记录在此，如有异常请到大厅窗口反映")],
    item: (a) => card({ test: "access-entry" },
      h("div", { class: "card-head" }, h("strong", {}, a.accessorName),
        badge(label(ACCESSOR, a.accessorKind), a.accessorKind === "SELF" ? "muted" : "info")),
      h("p", {}, `用途：${a.purpose}`),
      h("p", { class: "card-sub" }, `${formatDateTime(a.at)} · ${label(CHANNEL, a.channel)}`),
      h("p", { class: "card-sub secondary" }, `范围：${a.scope}`)),
    fetchPage: async (after) => (await gql("MyDataAccessLog", { first: PAGE, after }))
      .myDataAccessLog,
  });
}

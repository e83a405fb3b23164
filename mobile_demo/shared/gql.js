// The one way the demo and the kiosk talk to the API: persisted operations.
//
//   import { gql, session } from "/ui/gql.js";
//   const data = await gql("MyProperties", { first: 20 });
//
// gql(name, variables) sends {operationName, variables, extensions:
// {persistedQuery: {version: 1, sha256Hash}}} — the hash comes from
// /ui/operations.json, the manifest of mobile_demo/operations/*.graphql — so
// a phone sends a hash instead of the document. It attaches the access token,
// refreshes it once on UNAUTHENTICATED (rotating refresh token), and throws an
// ApiError (code + Chinese message) for top-level errors. Typed results
// (unions with __typename) are returned as data: the screen decides.
// No business rule lives here or anywhere in the client.

const STORE = window.FSREG_STORE || "fsreg.session";
let manifestPromise = null;

export class ApiError extends Error {
  constructor(code, message, extra = {}) {
    super(message);
    this.code = code;
    this.extra = extra;
  }
}

async function manifest(force = false) {
  if (force || !manifestPromise) {
    manifestPromise = fetch("/ui/operations.json", { cache: "no-cache" }).then((r) => {
      if (!r.ok) throw new ApiError("NETWORK", "无法连接服务，请检查网络后重试");
      return r.json();
    });
  }
  return (await manifestPromise).operations;
}

export const session = {
  get() {
    try { return JSON.parse(localStorage.getItem(STORE) || "null"); } catch { return null; }
  },
  set(tokens) { localStorage.setItem(STORE, JSON.stringify(tokens)); },
  clear() { localStorage.removeItem(STORE); },
  get loggedIn() { return !!this.get(); },
};

async function post(name, variables, token) {
  const ops = await manifest();
  let hash = ops[name];
  if (!hash) throw new ApiError("UNKNOWN_OPERATION", `客户端缺少操作 ${name}`);
  const send = (h) => fetch("/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ operationName: name, variables: variables || {},
                           extensions: { persistedQuery: { version: 1, sha256Hash: h } } }),
  });
  let response;
  try { response = await send(hash); } catch {
    throw new ApiError("NETWORK", "网络连接失败，请检查网络后重试");
  }
  let body = await response.json().catch(() => null);
  if (body && body.errors && body.errors[0]?.extensions?.code === "PERSISTED_QUERY_NOT_FOUND") {
    // The server was updated since the manifest was read: read it again, once.
    hash = (await manifest(true))[name];
    response = await send(hash);
    body = await response.json().catch(() => null);
  }
  if (!body) throw new ApiError("SERVER", `服务暂时不可用（${response.status}），请稍后再试`);
  return body;
}

let refreshing = null;
async function refresh() {
  const current = session.get();
  if (!current?.refreshToken) return false;
  refreshing ||= post("RefreshSession", { refreshToken: current.refreshToken }, null)
    .then((body) => {
      const r = body.data?.refreshSession;
      if (r?.__typename === "SessionRefreshed") {
        session.set({ ...current, accessToken: r.accessToken, refreshToken: r.refreshToken,
                      assuranceLevel: r.assuranceLevel });
        return true;
      }
      if (r?.__typename === "RefreshConflict") return true; // another tab rotated it
      session.clear();
      return false;
    })
    .finally(() => { refreshing = null; });
  return refreshing;
}

export async function gql(name, variables = {}, { auth = true } = {}) {
  const token = auth ? session.get()?.accessToken : null;
  let body = await post(name, variables, token);
  const first = body.errors?.[0];
  if (first?.extensions?.code === "UNAUTHENTICATED" && token && await refresh()) {
    body = await post(name, variables, session.get()?.accessToken);
  }
  if (body.errors?.length) {
    const e = body.errors[0];
    const code = e.extensions?.code || "ERROR";
    if (code === "UNAUTHENTICATED") session.clear();
    throw new ApiError(code, e.message || "请求失败", e.extensions || {});
  }
  return body.data;
}

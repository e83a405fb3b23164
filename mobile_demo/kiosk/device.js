// This terminal's enrolled identity (issue 12, item 2): an ECDSA P-256 key that
// signs every face capture, so the server accepts a kiosk login only from an
// enrolled terminal's own camera.
//
// Provisioning: `python -m api add-kiosk --hall FS-CENTRE` prints a link
// /kiosk/#provision=<bundle> once. The installer opens it on the terminal; the
// fragment never reaches a server or a log. The key is imported as a
// NON-extractable WebCrypto key and kept in IndexedDB (a CryptoKey survives
// structured cloning, its private bytes can never be read back by a script),
// then the fragment is removed from the address bar and history.
//
// What is signed: "fsreg-kiosk-capture/v1\n<kiosk id>\n<challenge id>\n<nonce>\n
// <sha256 hex of the exact JPEG bytes>\n<sha256 hex of "name\nID NUMBER">" (the
// card the reader read). Signature: raw r||s, base64url.

const DB = "fsreg-kiosk-device";
const STORE = "device";
const KEY = "identity";

function idb(mode, work) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction(STORE, mode);
      const req = work(tx.objectStore(STORE));
      tx.oncomplete = () => { open.result.close(); resolve(req?.result); };
      tx.onerror = () => { open.result.close(); reject(tx.error); };
    };
  });
}

const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
  .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const unb64url = (text) => atob(text.replace(/-/g, "+").replace(/_/g, "/"));
const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
const sha256 = async (bytes) => hex(await crypto.subtle.digest("SHA-256", bytes));

/** On load: a #provision= fragment enrols this terminal (then is forgotten). */
export async function provisionFromLocation() {
  const hash = location.hash || "";
  if (!hash.startsWith("#provision=")) return null;
  history.replaceState(null, "", location.pathname + location.search);
  const bundle = JSON.parse(unb64url(hash.slice("#provision=".length)));
  const key = await crypto.subtle.importKey("jwk", { ...bundle.jwk, ext: false },
    { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  const identity = { kioskId: bundle.kiosk, hall: bundle.hall, key };
  await idb("readwrite", (s) => s.put(identity, KEY));
  return identity;
}

let cached;
/** {kioskId, hall, key} of an enrolled terminal, or null. */
export async function deviceIdentity() {
  if (cached === undefined) {
    try {
      cached = (await idb("readonly", (s) => s.get(KEY))) || null;
    } catch {
      cached = null;
    }
  }
  return cached;
}

export function rememberIdentity(identity) { cached = identity; }

/** The kiosk input of completeFaceLogin for this capture, or null when not enrolled. */
export async function signCapture({ challengeId, nonce, image, card }) {
  const identity = await deviceIdentity();
  if (!identity) return null;
  const b64 = image.slice(image.indexOf(",") + 1);
  const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const enc = new TextEncoder();
  const cardDigest = await sha256(enc.encode(`${card.name.trim()}\n${card.idNumber.trim().toUpperCase()}`));
  const message = ["fsreg-kiosk-capture/v1", identity.kioskId, challengeId, nonce,
    await sha256(raw), cardDigest].join("\n");
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, identity.key,
    enc.encode(message));
  return { kioskId: identity.kioskId, signature: b64url(signature) };
}

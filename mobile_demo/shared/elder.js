// 长辈版 (elder mode): larger type, one main action per screen, never colour
// alone. A class on <html> (`elder`) that the style sheets key on; the choice
// persists in localStorage (the only thing stored besides the session tokens).
//
//   import { elder } from "/ui/elder.js";
//   elder.on; elder.set(true); elder.toggle();
//   document.addEventListener("elderchange", (e) => e.detail.on);

const KEY = "fsreg.elder";

function apply(on) {
  document.documentElement.classList.toggle("elder", on);
}

export const elder = {
  get on() { return document.documentElement.classList.contains("elder"); },
  set(on) {
    try { localStorage.setItem(KEY, on ? "1" : "0"); } catch { /* private mode: this visit only */ }
    apply(on);
    document.dispatchEvent(new CustomEvent("elderchange", { detail: { on } }));
  },
  toggle() { this.set(!this.on); },
};

try { apply(localStorage.getItem(KEY) === "1"); } catch { apply(false); }

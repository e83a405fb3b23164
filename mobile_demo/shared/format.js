// Formatting shared by the demo and the kiosk: Beijing time, durations, amounts.
// Display only: no business rule lives here.

const TZ = "Asia/Shanghai";
const parts = (options) => new Intl.DateTimeFormat("zh-CN", { timeZone: TZ, ...options });
const DATE = parts({ year: "numeric", month: "long", day: "numeric" });
const SHORT = parts({ month: "numeric", day: "numeric", weekday: "short" });
const TIME = parts({ hour: "2-digit", minute: "2-digit", hour12: false });
const ISO_DAY = parts({ year: "numeric", month: "2-digit", day: "2-digit" });

const asDate = (value) => (value instanceof Date ? value : new Date(value));

/** 2026年11月25日 */
export const formatDate = (value) => (value ? DATE.format(asDate(value)) : "—");
/** 2026年11月25日 09:30 */
export function formatDateTime(value) {
  if (!value) return "—";
  const d = asDate(value);
  return `${DATE.format(d)} ${TIME.format(d)}`;
}
/** 11/25 周三 */
export const formatDay = (value) => SHORT.format(asDate(value));
/** 09:30 */
export const formatTime = (value) => TIME.format(asDate(value));
/** 09:30-10:00 */
export const formatRange = (from, to) => `${formatTime(from)}-${formatTime(to)}`;

/** YYYY-MM-DD in Beijing time, `offsetDays` from now. */
export function isoDay(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86400000);
  const p = Object.fromEntries(ISO_DAY.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

/** "3 分钟" / "1 小时 5 分钟" from seconds (rounded up to a minute). */
export function formatSeconds(seconds) {
  const minutes = Math.max(1, Math.ceil((seconds || 0) / 60));
  if (minutes < 60) return `${minutes} 分钟`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} 小时 ${m} 分钟` : `${h} 小时`;
}

/** 1,200,000.00 元 */
export function formatYuan(amount) {
  if (amount === null || amount === undefined) return "—";
  const n = Number(amount);
  return `${n.toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 元`;
}

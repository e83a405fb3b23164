// Chinese labels for the API's enums (as described in schema.graphql), and
// the tone of each status badge. Display only.

export const CO_OWNERSHIP = { SOLE: "单独所有", JOINT: "共同共有", IN_SHARES: "按份共有" };

export const CERT_KIND = { HOLDINGS: "不动产登记查询结果证明", PARTIAL_HOLDINGS: "部分不动产证明",
  NO_HOLDINGS: "无房证明" };

// Purposes that count every property: a partial certificate cannot serve them.
export const WHOLE_ONLY_PURPOSES = ["SCHOOL_ENROLMENT", "HOUSE_PURCHASE"];

export const PURPOSE = {
  SCHOOL_ENROLMENT: "子女入学", HOUSE_PURCHASE: "购房", TAX: "缴税", LOAN: "贷款",
  HUKOU_TRANSFER: "户口迁移", OTHER: "其他",
};

export const CERT_STATUS = {
  VALID: ["有效", "ok"], EXPIRED: ["已过期", "muted"], REVOKED: ["已作废", "bad"],
  SUPERSEDED: ["登记已变化", "warn"],
};

export const APPOINTMENT_STATUS = {
  BOOKED: ["已预约", "ok"], CHECKED_IN: ["已签到", "info"], SERVED: ["已办理", "muted"],
  NO_SHOW: ["爽约", "bad"], CANCELLED: ["已取消", "muted"],
};

export const TICKET_STATUS = {
  WAITING: ["等候中", "info"], CALLED: ["已叫号，请到窗口", "warn"], SERVED: ["已办结", "ok"],
  NO_SHOW: ["过号未到", "bad"],
};

export const ENCUMBRANCE_STATUS = { ACTIVE: ["现势", "warn"], RELEASED: ["已注销", "muted"] };

export const ACCESSOR = { SELF: "本人", STAFF: "登记中心工作人员", THIRD_PARTY: "第三方机构",
  VERIFIER: "核验机构" };

export const CHANNEL = { FOSHANTONG: "佛山通", YUESHENGSHI: "粤省事", KIOSK: "自助终端",
  WINDOW: "窗口评价器" };

export const SERVICE_ITEM = {
  TRANSFER: "转移登记", MORTGAGE: "抵押登记", PRE_REGISTRATION: "预告登记",
  CANCELLATION: "注销登记", QUERY_CERTIFICATE: "查询/证明", OTHER: "其他",
  CERTIFICATE: "网上开具证明",
};

export const RATING_LEVEL = { VERY_SATISFIED: "非常满意", SATISFIED: "满意", BASIC: "基本满意",
  DISSATISFIED: "不满意", VERY_DISSATISFIED: "非常不满意" };

export const WORK_ORDER = { OPEN: "待回访", CALLED_BACK: "已回访", RECTIFIED: "已整改",
  CLOSED: "已办结" };

export const PROOF_STATUS = { PENDING: ["待授权", "warn"], APPROVED: ["已同意", "ok"],
  DECLINED: ["已拒绝", "muted"] };

export const label = (table, value) => {
  const v = table[value];
  return Array.isArray(v) ? v[0] : v || value || "—";
};

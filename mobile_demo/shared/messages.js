// What to tell a citizen for every typed error the API returns (each type
// implementing UserError in schema.graphql) and every top-level error code,
// with what to do next. Shared by the mini-program demo and the kiosk.
//
//   import { explain } from "/ui/messages.js";
//   const { title, next } = explain(result.__typename, result);   // typed result
//   const { title, next } = explain(error.code, error.extra);     // ApiError
//
// `result` is the union member (or the error's extensions): its fields fill in
// the details (minutes to wait, the next free slot, attempts left). The server
// decides; this table only words its answer.
// tests/api/test_demo_operations.py checks every UserError type has an entry.

import { formatDateTime, formatSeconds } from "./format.js";

const WINDOW = "或携带身份证到不动产登记大厅窗口办理";
const retry = (r, what = "重试") =>
  (r?.retryAfterSeconds ? `请在 ${formatSeconds(r.retryAfterSeconds)}后${what}` : `请稍后${what}`);
const attempts = (r) =>
  (r?.attemptsLeft !== null && r?.attemptsLeft !== undefined ? `还可尝试 ${r.attemptsLeft} 次。` : "");
const PHOTO = "请在光线充足处，正对镜头、摘下帽子和口罩后重新拍摄";

const MESSAGES = {
  // -- login ---------------------------------------------------------------
  // The server's message names the way still open (the other login route, or
  // the hall window): a lock on face login leaves SMS login open and the reverse.
  AccountLocked: { title: "已临时锁定",
    next: (r) => `${r?.message ? `${r.message}。` : ""}${retry(r)}` },
  TooManyAttempts: { title: "操作过于频繁", next: (r) => `${retry(r)}。` },
  InvalidIdNumber: { title: "身份证号码有误",
    next: "请核对 18 位居民身份证号码（末位可能是 X）后重新输入" },
  IdentityNotFound: { title: "身份核验未通过",
    next: "请核对姓名与身份证号码是否与身份证一致；仍不通过请到大厅窗口核验身份" },
  NoPhoneOnRecord: { title: "没有登记手机号",
    next: "无法发送短信验证码，请改用刷脸登录，或到大厅窗口登记手机号" },
  CodeMismatch: { title: "验证码错误",
    next: (r) => `${attempts(r)}请核对短信中的 6 位验证码后重新输入` },
  ChallengeExpired: { title: "验证已过期",
    next: "本次验证已过期或已使用，请返回重新开始登录" },
  ConsentRequired: { title: "请先阅读并同意告知书",
    next: (r) => `《人脸识别信息处理告知书》已更新${r?.currentVersion ? `（${r.currentVersion} 版）` : ""}，请阅读并同意后再刷脸` },
  // Also the answer to a name that does not match the ID number: the server
  // never says which, so the hint asks to check both.
  FaceMismatch: { title: "人脸比对未通过",
    next: (r) => `${attempts(r)}请核对姓名和身份证号码，并由本人${PHOTO}；多次失败将临时锁定，可改用短信登录` },
  NoFaceFound: { title: "没有检测到人脸", next: `${PHOTO}` },
  MultipleFacesFound: { title: "画面中有多张人脸", next: "请确保画面中只有您本人后重新拍摄" },
  FaceTooSmall: { title: "人脸太小", next: "请把手机靠近一些，让脸部占画面的大部分后重新拍摄" },
  FacePartial: { title: "人脸不完整", next: "请让整张脸都在画面内（不要被边缘截断）后重新拍摄" },
  ReplayDetected: { title: "照片未通过检测",
    next: (r) => `${attempts(r)}疑似翻拍或重复提交的照片，请本人现场重新拍摄` },
  ImageInvalid: { title: "照片无法识别", next: "请重新拍摄，或选择一张 JPEG/PNG 格式的照片" },
  ImageTooLarge: { title: "照片太大", next: "请重新拍摄，或选择一张较小的照片" },
  AssertionInvalid: { title: "活体检测结果无效", next: "请返回重新开始刷脸登录" },
  LivenessRequired: { title: "需要活体检测",
    next: "请在“佛山通”或“粤省事”小程序内刷脸（不支持上传相册照片），或到登记大厅的自助终端办理；也可改用短信登录" },
  FaceServiceBusy: { title: "人脸识别服务繁忙", next: (r) => `${retry(r)}，或改用短信登录。` },
  NoReferencePhoto: { title: "暂无可比对的证件照",
    next: "无法刷脸登录，请改用短信登录，或到大厅窗口办理" },
  SessionExpired: { title: "登录已失效", next: "请重新登录" },
  RefreshConflict: { title: "登录状态已在其他页面更新", next: "请刷新页面后继续" },
  SessionNotFound: { title: "未找到该登录设备", next: "该设备可能已下线，请刷新列表" },

  // -- certificates ----------------------------------------------------------
  NoHoldingsToCertify: { title: "名下没有不动产",
    next: "不能出具查询结果证明；如需证明名下无房，请选择“无房证明”" },
  HoldingsExist: { title: "名下有不动产",
    next: "不能出具无房证明；如需证明名下不动产情况，请选择“查询结果证明”" },
  PropertyNotSelectable: { title: "所选不动产不可开具", next: "请返回刷新房产列表后重新选择" },
  SelectionNotWhole: { title: "查询结果证明须载明名下全部",
    next: "只证明所选的不动产，请改选“部分不动产证明”（注明非名下全部）" },
  NothingSelected: { title: "请选择不动产", next: "部分不动产证明须至少选择一处不动产" },
  SelectionIsWhole: { title: "已选择名下全部",
    next: "证明名下全部不动产，请改选“不动产登记查询结果证明”" },
  PurposeNeedsWholeHoldings: { title: "该用途须证明名下全部",
    next: "子女入学、购房只认可载明名下全部不动产的查询结果证明或无房证明，请改选" },
  IdempotencyConflict: { title: "请求重复", next: "该请求编号已用于其他申请，请返回重新提交" },
  CertificateNotFound: { title: "证明不存在", next: "请返回“我的证明”刷新后查看" },
  AlreadyRevoked: { title: "证明已作废", next: "如仍需证明，请重新开具" },

  // -- appointments and queue ------------------------------------------------
  SlotFull: { title: "该时段已约满",
    next: (r) => (r?.nextFreeStartsAt
      ? `最近可约时段为 ${formatDateTime(r.nextFreeStartsAt)}，可直接预约该时段，或另选时间`
      : "近期暂无可约时段，请选择其他大厅或日期") },
  QuotaExceeded: { title: "预约次数已达上限",
    next: (r) => `${r?.period === "MONTH" ? "每月" : "每周"}最多预约 ${r?.limit ?? "规定"} 次，` +
      `${r?.until ? `${formatDateTime(r.until)} 起可再预约` : "请稍后再预约"}；急办可到大厅现场取号` },
  BookingSuspended: { title: "预约已暂停",
    next: (r) => `因多次爽约暂停网上预约至 ${formatDateTime(r?.until)}，期间可到大厅现场取号办理` },
  OutsideBookingWindow: { title: "不在可预约时间内",
    next: (r) => (r?.opensAt ? `号源将于 ${formatDateTime(r.opensAt)} 放出，届时再来预约`
      : "该时段已开始或已截止，请选择其他时段") },
  AlreadyBooked: { title: "当天已预约该事项", next: "请在“我的预约”查看或改约已有的预约" },
  SlotNotFound: { title: "时段不可用", next: "请返回刷新时段后重新选择" },
  AppointmentNotFound: { title: "预约不存在", next: "请返回“我的预约”刷新后查看" },
  AppointmentNotActive: { title: "预约已取消或已办理", next: "该预约不能再修改，请返回“我的预约”查看" },
  ChangeTooLate: { title: "已过改约/取消截止时间",
    next: (r) => `截止时间为 ${formatDateTime(r?.deadline)}；如不能前往，请联系大厅或按时到场办理` },
  CheckInWindowClosed: { title: "不在签到时间内",
    next: (r) => `请在 ${formatDateTime(r?.opensAt)} 至 ${formatDateTime(r?.closesAt)} 之间签到取号` },
  HallNotFound: { title: "该大厅不办理此事项", next: "请选择其他大厅或事项" },
  HallClosed: { title: "大厅今日不办公", next: "请在工作日办公时间前往，或先在网上预约" },
  WalkInPoolExhausted: { title: "今日现场号已发完", next: "请在网上预约其他日期的时段" },
  WalkInLimitReached: { title: "今日取号次数已达上限",
    next: "每人每天在同一大厅的现场取号次数有限；如需办理其他事项，请到咨询台由工作人员协助" },
  NoTicketWaiting: { title: "没有等候中的号", next: "当前无人排队" },
  TicketNotFound: { title: "排队号不存在", next: "请核对号码后重试" },
  TicketAlreadyFinished: { title: "该号已办结或已过号", next: "如需继续办理，请重新取号" },

  // -- ratings ---------------------------------------------------------------
  AlreadyRated: { title: "该服务已评价", next: "每次服务只能评价一次，可在“我的评价”查看" },
  ServiceNotCompleted: { title: "服务尚未办结", next: "办结后再来评价" },
  CommentRequired: { title: "请填写意见", next: "选择“不满意”或“非常不满意”时须写明原因，以便整改" },
  NotYourService: { title: "不能评价该服务", next: "只能评价本人办理的服务，请返回刷新列表" },
  RatingNotFound: { title: "评价不存在", next: "请返回刷新后查看" },
  AppealAlreadyFiled: { title: "该评价已申诉过", next: "每条评价只能申诉一次，请等待审核结果" },
  AppealAlreadyReviewed: { title: "申诉已审核", next: "请刷新查看审核结果" },
  AppealNotFound: { title: "申诉不存在", next: "请返回刷新后查看" },
  WorkOrderNotFound: { title: "工单不存在", next: "请返回刷新后查看" },
  InvalidTransition: { title: "工单状态不允许该操作",
    next: (r) => `工单当前状态为 ${r?.status ?? "未知"}，请刷新后重试` },

  // -- third-party proof requests --------------------------------------------
  AlreadyDecided: { title: "该查询已处理", next: "请返回刷新列表" },
  ProofRequestNotFound: { title: "查询申请不存在", next: "该申请可能已失效，请返回刷新列表" },
  GrantUnavailable: { title: "授权不可用", next: "授权已过期、已撤回或次数已用完，请重新向申请人取得授权" },
  ProofDeclined: { title: "申请人已拒绝", next: "如仍需查询，请与申请人沟通后重新发起" },
  ProofPending: { title: "等待申请人授权",
    next: (r) => `申请人须在 ${formatDateTime(r?.decideBy)} 前授权，请稍后再查` },
  QuestionNotAllowed: { title: "超出备案范围", next: "只能询问本机构已备案的用途与问题" },
  ProofParametersInvalid: { title: "查询参数有误", next: (r) => r?.message || "请按该问题的要求填写参数" },
  SubjectNotFound: { title: "授权码无效", next: "请申请人在小程序“授权查询”中重新出示授权码（10 分钟有效）" },

  // -- top-level error codes (ApiError.code) ---------------------------------
  UNAUTHENTICATED: { title: "请先登录", next: "登录已失效或尚未登录，请登录后继续" },
  FORBIDDEN: { title: "无权访问", next: "当前账户不能办理该事项，如有疑问请咨询大厅窗口" },
  INSUFFICIENT_ASSURANCE: { title: "需要刷脸认证",
    next: "短信登录不能查看房产或开具证明，请退出后使用刷脸登录" },
  BATCH_NOT_ALLOWED: { title: "请求方式不支持", next: "请刷新页面后重试" },
  RATE_LIMITED: { title: "操作过于频繁", next: (r) => `${retry(r)}。` },
  SERVER_BUSY: { title: "当前办事人数较多", next: (r) => `系统繁忙，${retry(r)}。` },
  SERVICE_UNAVAILABLE: { title: "服务暂时不可用", next: "系统维护或网络波动，请稍后重试；急办可到大厅窗口办理" },
  TIMEOUT: { title: "请求超时", next: "处理时间过长，请稍后重试" },
  NETWORK: { title: "网络连接失败", next: "请检查手机网络后重试" },
  SERVER: { title: "服务暂时不可用", next: "请稍后重试" },
  INTERNAL_SERVER_ERROR: { title: "系统繁忙", next: "请稍后重试；如多次出现，请联系大厅窗口" },
  BAD_USER_INPUT: { title: "输入有误", next: "请检查填写的内容后重试" },
  UNKNOWN_OPERATION: { title: "页面版本过旧", next: "请刷新页面后重试" },
  PERSISTED_QUERY_NOT_FOUND: { title: "页面版本过旧", next: "请刷新页面后重试" },
};

const FALLBACK = { title: "办理未成功", next: "请稍后重试；如多次出现，请到大厅窗口咨询" };

/** {title, next} for a typed result's __typename or a top-level error code. */
export function explain(typenameOrCode, result = {}) {
  const entry = MESSAGES[typenameOrCode];
  if (!entry) return { title: result?.message || FALLBACK.title, next: FALLBACK.next };
  const next = typeof entry.next === "function" ? entry.next(result || {}) : entry.next;
  return { title: entry.title, next };
}

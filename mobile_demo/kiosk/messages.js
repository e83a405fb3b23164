// What the kiosk tells a citizen after a typed error: the shared table
// (/ui/messages.js) words most answers; this one replaces the "what to do next"
// where a kiosk differs from a phone (no SMS login here, a camera on a stand,
// staff at the windows nearby). The server decides; this only words its answer.

import { explain } from "/ui/messages.js";

const DESK = "如需帮助，请到服务窗口或咨询大厅工作人员";
const POSE = "请站在屏幕正前方，正对上方摄像头，摘下帽子和口罩后点“重新识别”";
const left = (r) =>
  (r?.attemptsLeft !== null && r?.attemptsLeft !== undefined ? `还可尝试 ${r.attemptsLeft} 次。` : "");

const KIOSK = {
  FaceMismatch: (r) => `${left(r)}请持本人身份证，由本人刷脸；${POSE}。${DESK}`,
  AssertionInvalid: `本机采集签名未通过核验，请点“重新识别”；如仍不行，请换一台自助终端，或${DESK}`,
  LivenessRequired: `本机尚未登记为自助终端，暂不能刷脸登录，请换一台自助终端，或${DESK}`,
  ReplayDetected: (r) => `${left(r)}请本人站在摄像头前现场识别，不要使用照片或屏幕。`,
  NoFaceFound: `没有拍到人脸：${POSE}`,
  FaceTooSmall: "请再靠近屏幕一些，让脸部位于取景框中间后点“重新识别”",
  FacePartial: "请让整张脸都在取景框内后点“重新识别”",
  MultipleFacesFound: "请其他人稍稍离开取景范围，只留本人在画面中后点“重新识别”",
  ImageInvalid: "摄像头画面无法识别，请点“重新识别”；如仍不行，请换一台自助终端",
  ImageTooLarge: "摄像头画面无法识别，请点“重新识别”；如仍不行，请换一台自助终端",
  FaceServiceBusy: (r) => `请${r?.retryAfterSeconds ? ` ${r.retryAfterSeconds} 秒` : "稍"}后点“重新识别”。${DESK}`,
  NoReferencePhoto: `公安系统暂无您的证件照，无法在自助终端刷脸登录。${DESK}`,
  IdentityNotFound: `身份证信息核验未通过。${DESK}`,
  AccountLocked: (r) => `${r?.message ? `${r.message}。` : ""}请${r?.retryAfterSeconds ? `在 ${Math.ceil(r.retryAfterSeconds / 60)} 分钟后` : "稍后"}再试，或${DESK}`,
  WalkInLimitReached: `您今天在本大厅的取号次数已达上限。${DESK}`,
  ChallengeExpired: "本次识别已过期，请点“重新识别”",
  INSUFFICIENT_ASSURANCE: "请退出后重新刷身份证并刷脸登录",
  UNAUTHENTICATED: "为保护您的信息已自动退出，请重新刷身份证登录",
  NETWORK: `自助终端网络中断，请稍后再试，或${DESK}`,
  SERVER: `系统暂时不可用，请稍后再试，或${DESK}`,
  CAMERA: `摄像头无法打开，请换一台自助终端，或${DESK}`,
  // 签到: by the booking's QR code (扫码签到) or from the list after logging in.
  AppointmentNotFound: "请确认二维码来自本人的预约，或刷脸后在列表中签到",
  AppointmentNotActive: `该预约已取消或已办理，不能再签到；如需办理请现场取号，或${DESK}`,
};

const TITLES = { CAMERA: "摄像头不可用", AppointmentNotFound: "未找到预约" };

/** {title, next} for a typed result's __typename or an ApiError code. */
export function explainKiosk(typenameOrCode, result = {}) {
  const shared = explain(typenameOrCode, result);
  const local = KIOSK[typenameOrCode];
  const next = typeof local === "function" ? local(result || {}) : local;
  return { title: TITLES[typenameOrCode] || shared.title, next: next || shared.next };
}

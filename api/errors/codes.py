"""Every error code the API emits, each with its Chinese message and a recovery hint.

``message`` is what the user is shown when the failure carries nothing more
precise (a domain exception may say more, e.g. until when a quota runs);
``hint`` tells a client developer how to recover. The values are the wire
codes: ``ErrorCode.SLOT_FULL == "SLOT_FULL"``.
"""

from __future__ import annotations

from enum import StrEnum, auto


class ErrorCode(StrEnum):
    message: str
    hint: str

    @staticmethod
    def _generate_next_value_(name: str, start: int, count: int, last_values: list[str]) -> str:
        return name

    def __new__(cls, value: str, message: str, hint: str) -> ErrorCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.message, member.hint = message, hint
        return member

    # -- top level (``errors[].extensions.code``): auth, malformed requests, bugs --
    UNAUTHENTICATED = auto(), "请先登录", "登录（或刷新令牌）后重试"
    FORBIDDEN = auto(), "无权访问", "该凭证不能执行此操作，不要自动重试"
    INSUFFICIENT_ASSURANCE = (auto(), "该操作需要刷脸认证，请先完成人脸识别登录",
                              "引导用户刷脸登录（认证等级 L2）后重试")
    BATCH_NOT_ALLOWED = auto(), "该操作不能在批量请求中执行", "单独发送该操作"
    RATE_LIMITED = (auto(), "操作过于频繁，请稍后再试",
                    "extensions.retryAfterSeconds 秒后重试")
    SERVICE_UNAVAILABLE = (auto(), "服务暂时不可用，请稍后再试",
                           "依赖的数据库或存储暂不可用：稍后重试，勿重复提交不同内容")
    SERVER_BUSY = auto(), "服务繁忙，请稍后再试", "按 Retry-After 头的秒数后重试"
    TIMEOUT = auto(), "请求处理超时，请稍后再试", "稍后重试；带请求编号的变更重试不会重复执行"
    INTERNAL_SERVER_ERROR = (auto(), "系统繁忙，请稍后再试",
                             "把 extensions.requestId 告知运维以便排查")
    BAD_USER_INPUT = (auto(), "输入有误",
                      "extensions.field（或 variable）指明哪个值不对：改正后重发")
    INVALID_CURSOR = (auto(), "分页游标无效，请从第一页重新加载",
                      "去掉 after，从第一页重新加载")
    BAD_REQUEST = auto(), "请求有误", "按 GraphQL over HTTP 规范组织请求"
    METHOD_NOT_ALLOWED = auto(), "不支持该请求方法", "按 Allow 头改用 POST（或 GET 查询）"
    NOT_ACCEPTABLE = (auto(), "不支持所要求的返回格式",
                      "Accept 头应含 application/graphql-response+json 或 application/json")
    UNSUPPORTED_MEDIA_TYPE = (auto(), "请求必须为 application/json（UTF-8）",
                              "Content-Type 设为 application/json")
    PAYLOAD_TOO_LARGE = auto(), "请求内容过大", "压缩照片或拆分请求"
    GRAPHQL_PARSE_FAILED = auto(), "查询文档无法解析", "修正文档语法（或减少其长度）"
    GRAPHQL_VALIDATION_FAILED = auto(), "查询文档不符合接口定义", "对照 schema.graphql 修正文档"
    OPERATION_RESOLUTION_FAILURE = (auto(), "无法确定要执行的操作",
                                    "用 operationName 指明文档中的一个操作")
    PERSISTED_QUERY_NOT_FOUND = (auto(), "PersistedQueryNotFound",
                                 "连同 query 重发一次以登记该哈希（Apollo APQ 协议）")
    PERSISTED_QUERY_INVALID = (auto(), "持久化查询参数无效",
                               "version 应为 1，sha256Hash 为 64 位小写十六进制")
    PERSISTED_QUERY_HASH_MISMATCH = auto(), "查询内容与哈希值不一致", "重新计算 query 的 SHA-256"

    # -- session: login, face, SMS, refresh (union members) --
    INVALID_ID_NUMBER = (auto(), "身份证号码格式不正确，请核对后重新输入",
                         "请用户核对 18 位身份证号码（含校验位）")
    IDENTITY_NOT_FOUND = (auto(), "姓名与身份证号码不匹配，请核对后重试",
                          "请用户核对姓名与身份证号码")
    CONSENT_REQUIRED = (auto(), "请先阅读并同意《人脸识别信息处理告知书》",
                        "展示 currentVersion 版本的告知书，同意后以该版本号重新开始")
    CHALLENGE_EXPIRED = auto(), "认证已过期，请重新开始", "重新调用 start 接口获取新挑战"
    ACCOUNT_LOCKED = (auto(), "验证失败次数过多，已临时锁定，请稍后再试；也可携带身份证到登记大厅窗口办理",
                      "retryAfterSeconds 秒后重试，或改用另一种登录方式")
    TOO_MANY_ATTEMPTS = auto(), "操作过于频繁，请稍后再试", "retryAfterSeconds 秒后重试"
    FACE_MISMATCH = (auto(), "人脸比对未通过：请核对姓名和身份证号码，并由本人正对镜头重试",
                     "attemptsLeft 次内可重试；用完后将临时锁定")
    REPLAY_DETECTED = (auto(), "检测到翻拍或重复使用的照片，请本人正对镜头实时拍摄",
                       "重新实时拍摄；attemptsLeft 次内可重试")
    ASSERTION_INVALID = (auto(), "活体检测结果无效或已过期，请重新进行人脸识别",
                         "重新进行平台活体检测（绑定新的 nonce）后重试")
    LIVENESS_REQUIRED = (auto(), "请在“佛山通”或“粤省事”小程序内完成刷脸（活体检测），或到登记大厅的自助终端办理；"
                         "不支持上传相册照片", "提供 platformAssertion 或自助终端签名")
    NO_FACE = auto(), "未检测到人脸，请正对镜头、保持光线充足后重试", "重新拍摄"
    MULTIPLE_FACES = auto(), "画面中有多张人脸，请确保只有本人在镜头前", "只留本人在画面中后重新拍摄"
    FACE_TOO_SMALL = auto(), "人脸太小，请靠近镜头，让面部占据取景框的主要部分", "靠近镜头后重新拍摄"
    FACE_PARTIAL = auto(), "人脸不完整，请将整张脸置于画面中央后重试", "让整张脸在画面内后重新拍摄"
    IMAGE_INVALID = auto(), "照片无法识别，请上传 JPEG 或 PNG 格式的照片", "以 JPEG 或 PNG 重新上传"
    IMAGE_TOO_LARGE = auto(), "照片过大，请压缩后重新上传", "压缩或缩小照片后重新上传"
    FACE_BUSY = auto(), "人脸识别服务繁忙，请稍后重试", "retryAfterSeconds 秒后用同一挑战重新开始"
    NO_REFERENCE_PHOTO = (auto(), "公安系统中没有可用于比对的证件照片，请使用短信验证码登录或到大厅办理",
                          "改用短信验证码登录")
    CODE_MISMATCH = auto(), "验证码不正确", "attemptsLeft 次内可重新输入"
    NO_PHONE_ON_RECORD = (auto(), "未查询到您登记的手机号，请使用刷脸登录或到大厅办理",
                          "改用刷脸登录")
    SESSION_EXPIRED = auto(), "登录已失效，请重新登录", "重新登录"
    REFRESH_CONFLICT = (auto(), "登录状态已在其他请求中更新，请使用最新凭证",
                        "使用并发请求中最新得到的令牌")
    SESSION_NOT_FOUND = auto(), "未找到该登录设备", "刷新设备列表"

    # -- certificates --
    NO_HOLDINGS = (auto(), "您名下没有可出具查询结果证明的不动产，如需证明无房，请选择“无房证明”",
                   "改开无房证明（NO_HOLDINGS 类型）")
    HOLDINGS_EXIST = (auto(), "您名下登记有不动产，无法出具无房证明，请选择“不动产登记查询结果证明”",
                      "改开查询结果证明（HOLDINGS 类型）")
    SELECTION_NOT_ALL = (auto(), "“不动产登记查询结果证明”须载明名下全部不动产；只证明所选的不动产，"
                         "请选择“部分不动产证明”", "去掉 propertyIds，或改开 PARTIAL_HOLDINGS")
    NOTHING_SELECTED = auto(), "请选择要证明的不动产", "至少选择一处不动产"
    SELECTION_IS_ALL = (auto(), "您选择了名下全部不动产，请开具“不动产登记查询结果证明”",
                        "改开 HOLDINGS")
    PURPOSE_NEEDS_ALL_HOLDINGS = (auto(), "子女入学、购房（限购核查）只能使用载明名下全部不动产的查询结果证明"
                                  "或无房证明，不能使用部分不动产证明", "改开 HOLDINGS 或 NO_HOLDINGS")
    PROPERTY_NOT_FOUND = (auto(), "所选不动产不在您的名下，请刷新后重新选择",
                          "刷新名下不动产列表后重新选择")
    IDEMPOTENCY_CONFLICT = (auto(), "该请求编号已用于另一份不同的证明申请",
                            "新的申请用新的 idempotencyKey；重试原申请用原内容")
    CERTIFICATE_NOT_FOUND = auto(), "未找到该证明", "核对证明编号"
    ALREADY_REVOKED = auto(), "该证明已作废", "无需再次作废"

    # -- appointments and the hall queue --
    SLOT_NOT_FOUND = (auto(), "该时段不存在或不办理所选事项，请刷新后重新选择",
                      "刷新可约时段后重新选择")
    SLOT_FULL = auto(), "该时段已约满", "改约 nextFreeSlotId 所示的最近可约时段，或另选日期"
    QUOTA_EXCEEDED = auto(), "预约次数已达上限", "until 之后再预约"
    BOOKING_SUSPENDED = auto(), "因多次爽约，预约功能已暂停", "until 之后再预约，或到大厅现场取号"
    OUTSIDE_BOOKING_WINDOW = auto(), "不在可预约时间内", "opensAt 放号后再预约，或另选时段"
    ALREADY_BOOKED = auto(), "您当天已预约该事项", "查看 appointmentId 所指的已有预约"
    APPOINTMENT_NOT_FOUND = auto(), "未找到该预约", "刷新“我的预约”"
    APPOINTMENT_NOT_ACTIVE = auto(), "该预约已取消、已签到或已结束", "刷新“我的预约”"
    CHANGE_TOO_LATE = auto(), "已过取消或改约的截止时间", "到大厅窗口办理"
    CHECK_IN_WINDOW_CLOSED = auto(), "不在签到时间内", "在 opensAt 至 closesAt 之间签到"
    HALL_NOT_FOUND = auto(), "未找到该办事大厅", "刷新大厅列表"
    HALL_CLOSED = auto(), "大厅今日不办公", "另选办公日"
    WALK_IN_POOL_EXHAUSTED = auto(), "今日现场号已发完，请预约其他日期", "预约其他日期"
    WALK_IN_LIMIT_REACHED = (auto(), "您今天在本大厅的现场取号次数已达上限；如需办理其他事项，"
                             "请到咨询台由工作人员协助", "到咨询台由工作人员协助")
    NO_TICKET_WAITING = auto(), "当前没有排队的号", "稍后再叫号"
    TICKET_NOT_FOUND = auto(), "未找到该号", "刷新本大厅的排队列表"
    TICKET_ALREADY_FINISHED = auto(), "该号已办结或已标记爽约", "刷新本大厅的排队列表"

    # -- ratings (好差评), work orders, appeals --
    ALREADY_RATED = auto(), "该次服务已评价（每次服务只能评价一次）", "查看 ratingId 所指的已有评价"
    SERVICE_NOT_COMPLETED = auto(), "服务尚未办结，办结后才能评价", "办结后再评价"
    COMMENT_REQUIRED = (auto(), "选择“不满意”或“非常不满意”时请填写具体意见",
                        "填写意见后重新提交")
    NOT_YOUR_SERVICE = auto(), "未找到您本人办理的该项服务", "刷新待评价列表"
    RATING_NOT_FOUND = auto(), "未找到该评价", "刷新本大厅的评价列表"
    WORK_ORDER_NOT_FOUND = auto(), "未找到该工单", "刷新本大厅的工单列表"
    INVALID_TRANSITION = (auto(), "工单当前状态不能进行该操作（顺序：待回访 → 已回访 → 已整改 → 已办结）",
                          "按 status 所示的当前状态推进下一步")
    APPEAL_ALREADY_FILED = auto(), "该评价已提出过申诉", "查看已有申诉"
    APPEAL_NOT_FOUND = auto(), "未找到该申诉", "刷新申诉列表"
    APPEAL_ALREADY_REVIEWED = auto(), "该申诉已审核", "无需再次审核"

    # -- third-party property proofs --
    QUESTION_NOT_ALLOWED = (auto(), "贵单位的备案范围不包括该用途或该问题",
                            "只询问备案范围内的用途和问题")
    PARAMETERS_INVALID = auto(), "查询参数不符合该问题的要求", "按 message 所述补齐或改正参数"
    SUBJECT_NOT_FOUND = (auto(), "授权码无效或已过期，请申请人在小程序中重新出示授权码",
                         "请申请人重新出示授权码")
    PROOF_REQUEST_NOT_FOUND = auto(), "未找到该查询申请", "核对申请编号"
    ALREADY_DECIDED = auto(), "该申请已处理或已过期", "刷新待授权列表"
    PROOF_PENDING = auto(), "申请人尚未授权，请稍后再查", "decideBy 之前再查询"
    PROOF_DECLINED = auto(), "申请人拒绝了本次查询", "不要重复发起同一查询"
    GRANT_UNAVAILABLE = auto(), "授权已过期、次数已用完或已被申请人撤回", "请申请人重新授权"

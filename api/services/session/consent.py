"""The biometric-information notice (《人脸识别信息处理告知书》) a citizen agrees
to before the first face use (RELIABILITY 19), by version, as data.

``startFaceLogin`` accepts only the version in ``biometric_consent_version``;
clients read the text of that version here and show it before asking.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Notice:
    version: str
    title: str
    paragraphs: tuple[str, ...]


NOTICES = {
    "2026-01": Notice("2026-01", "人脸识别信息处理告知书", (
        "佛山市不动产登记中心（以下简称“我们”）在您使用“刷脸”登录、查询名下不动产和开具证明时，"
        "需要处理您的人脸图像，用于核验您是否为本人。",
        "处理目的与方式：您拍摄的照片仅用于与公安机关身份核验系统中的证件照比对，比对完成后即删除，"
        "我们不保存您的照片，只保存比对结果、时间和渠道，用于安全审计。",
        "必要性：人脸信息属于敏感个人信息。不动产信息涉及您的重大财产权益，刷脸核验可以防止他人冒用"
        "您的身份查询或开具证明。",
        "您的权利：您可以不同意本告知书，改用短信验证码登录（可办理预约、评价等业务），或到登记大厅"
        "窗口办理；您可以随时在“我的”中撤回授权，撤回后不再使用刷脸登录。",
        "保存期限：授权记录与核验记录按档案管理规定保存；照片不保存。",
        "如有疑问，请拨打 12345 政务服务便民热线或到登记大厅咨询。",
    )),
    # 2026-12: says what 2026-01 left out: the encrypted reference template and the
    # descriptors of recent selfies kept for replay detection (docs/privacy.md 3.4).
    "2026-12": Notice("2026-12", "人脸识别信息处理告知书", (
        "佛山市不动产登记中心（以下简称“我们”）在您使用“刷脸”登录、查询名下不动产、开具证明和在线办理"
        "不动产登记时，需要处理您的人脸信息，用于核验您是否为本人、是否为本人真实意愿。",
        "处理目的与方式：您拍摄的照片仅用于与公安机关身份核验系统中的证件照比对，比对完成后即删除，"
        "我们不保存您的照片。",
        "我们保存的人脸信息：①由证件照计算出的人脸特征值（加密保存，最长 7 天，用于加快后续比对）；"
        "②您最近 10 次自拍的人脸特征值（加密保存，用于识别翻拍、重复提交照片等冒用行为）；"
        "③每次核验的结果、时间、渠道和照片摘要值，用于安全审计。特征值不能还原为照片，任何人都无法"
        "通过本平台查看。",
        "必要性：人脸信息属于敏感个人信息。不动产信息涉及您的重大财产权益，刷脸核验可以防止他人冒用"
        "您的身份查询、开具证明或处分您的不动产。",
        "您的权利：您可以不同意本告知书，改用短信验证码登录（可办理预约、评价等业务），或到登记大厅"
        "窗口办理；您可以随时在“我的”中撤回授权，撤回后我们立即删除上述①②特征值，结束刷脸登录的"
        "会话，且不再使用刷脸登录。",
        "保存期限：①②如上；③与授权记录按档案管理规定保存。",
        "如有疑问，请拨打 12345 政务服务便民热线或到登记大厅咨询。",
    )),
}


def current(version: str) -> Notice:
    """The notice of the configured version (an unknown version is a
    configuration error, caught at start-up by the tests)."""
    return NOTICES[version]

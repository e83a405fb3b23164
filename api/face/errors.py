"""Stable error codes of the face pipeline and the Chinese message for each.

Every way a face attempt can fail without being a match decision has its own
code (RELIABILITY R3.17), so the client can tell the user what to change. The
codes are ``StrEnum`` members: they compare equal to their plain string, pickle
across the worker-process boundary, and are what the GraphQL layer exposes.
"""

from __future__ import annotations

from enum import StrEnum


class FaceErrorCode(StrEnum):
    IMAGE_INVALID = "IMAGE_INVALID"
    IMAGE_TOO_LARGE = "IMAGE_TOO_LARGE"
    NO_FACE = "NO_FACE"
    MULTIPLE_FACES = "MULTIPLE_FACES"
    FACE_TOO_SMALL = "FACE_TOO_SMALL"
    # Not in the first list of codes: a face cut by the frame edge is found by
    # the detector (so it is not NO_FACE) and is not small, but its descriptor
    # is unreliable and a cropped ID photo slips under the replay threshold.
    FACE_PARTIAL = "FACE_PARTIAL"
    FACE_BUSY = "FACE_BUSY"
    FACE_UNAVAILABLE = "FACE_UNAVAILABLE"

    @property
    def message(self) -> str:
        return MESSAGES[self]


MESSAGES: dict[FaceErrorCode, str] = {
    FaceErrorCode.IMAGE_INVALID: "照片无法识别，请上传 JPG 或 PNG 格式的照片",
    FaceErrorCode.IMAGE_TOO_LARGE: "照片过大，请压缩后重新上传",
    FaceErrorCode.NO_FACE: "未检测到人脸，请正对镜头、保持光线充足后重试",
    FaceErrorCode.MULTIPLE_FACES: "画面中有多张人脸，请确保只有本人入镜后重试",
    FaceErrorCode.FACE_TOO_SMALL: "人脸太小，请靠近镜头后重试",
    FaceErrorCode.FACE_PARTIAL: "人脸不完整，请将整张脸置于画面中央后重试",
    FaceErrorCode.FACE_BUSY: "刷脸人数较多，请稍后再试",
    FaceErrorCode.FACE_UNAVAILABLE: "人脸识别服务暂时不可用，请稍后再试或使用其他方式登录",
}


class FaceError(Exception):
    """Raised inside the worker for a refused image; turned into a code before it leaves."""

    def __init__(self, code: FaceErrorCode) -> None:
        super().__init__(code.value)
        self.code = code

"""Decoding untrusted uploads: caps, formats, bombs, corrupt data, orientation."""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Callable, Iterator

import pytest
from PIL import Image, ImageFile

from api.face.config import ImageLimits
from api.face.errors import FaceError, FaceErrorCode
from api.face.images import decode

Encode = Callable[..., bytes]
LIMITS = ImageLimits()


def refused(data: bytes, limits: ImageLimits = LIMITS) -> FaceErrorCode:
    with pytest.raises(FaceError) as caught:
        decode(data, limits)
    return caught.value.code


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` RGB pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + png_chunk(b"IEND", b""))


def jpeg_claiming(jpeg: bytes, width: int, height: int) -> bytes:
    """Rewrite the frame header (SOFn) of a real JPEG to claim other dimensions."""
    at = 2
    while at < len(jpeg):
        marker, length = jpeg[at + 1], struct.unpack(">H", jpeg[at + 2:at + 4])[0]
        if 0xC0 <= marker <= 0xC2:
            size = struct.pack(">HH", height, width)
            return jpeg[:at + 5] + size + jpeg[at + 9:]
        at += 2 + length
    raise AssertionError("no SOF marker")


@pytest.fixture
def no_pixel_decoding(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Records any attempt to decode pixel data (ImageFile.load) and makes it fail."""
    calls: list[str] = []

    def spy(self: ImageFile.ImageFile) -> None:
        calls.append(type(self).__name__)
        raise AssertionError("pixels decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    yield calls
    assert calls == [], "the image was decoded"


def test_fixture_photo_decodes_to_rgb(face_bytes: Callable[[str], bytes]) -> None:
    rgb = decode(face_bytes("person_a/reference.jpg"), LIMITS)
    assert rgb.dtype.name == "uint8"
    assert rgb.shape == (640, 512, 3)
    assert rgb.flags.c_contiguous  # dlib refuses strided arrays


def test_over_the_byte_cap_is_too_large(face_bytes: Callable[[str], bytes]) -> None:
    data = face_bytes("person_a/reference.jpg")
    assert refused(data, ImageLimits(max_bytes=len(data) - 1)) is FaceErrorCode.IMAGE_TOO_LARGE


def test_fifty_megapixels_refused_from_the_header(encode: Encode,
                                                  no_pixel_decoding: list[str]) -> None:
    # Mode "1" keeps the in-memory image at 6 MB and the PNG at ~18 kB.
    data = encode(Image.new("1", (8000, 6300), 1), "PNG")
    assert len(data) < 100_000
    assert refused(data) is FaceErrorCode.IMAGE_TOO_LARGE


@pytest.mark.parametrize(("width", "height"),
                         [(30000, 30000), (10000, 10000), (7000, 7000), (40_000_001, 1)])
def test_png_bomb_refused_without_decoding(width: int, height: int,
                                           no_pixel_decoding: list[str]) -> None:
    # 30000^2 trips Pillow's own bomb error at open, 10000^2 its bomb *warning*
    # (an error under -W error unless decode() keeps it in), the others our cap.
    data = png_claiming(width, height)
    assert len(data) < 200
    assert refused(data) is FaceErrorCode.IMAGE_TOO_LARGE


@pytest.mark.parametrize(("width", "height"), [(8000, 6300), (65000, 65000)])
def test_jpeg_claiming_huge_size_refused_without_decoding(
        encode: Encode, width: int, height: int, no_pixel_decoding: list[str]) -> None:
    data = jpeg_claiming(encode(Image.new("RGB", (64, 48), "white")), width, height)
    assert refused(data) is FaceErrorCode.IMAGE_TOO_LARGE


def test_random_bytes_are_invalid() -> None:
    assert refused(os.urandom(4096)) is FaceErrorCode.IMAGE_INVALID
    assert refused(b"") is FaceErrorCode.IMAGE_INVALID


@pytest.mark.parametrize("magic", [b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"])
def test_right_magic_then_garbage_is_invalid(magic: bytes) -> None:
    assert refused(magic + os.urandom(2048)) is FaceErrorCode.IMAGE_INVALID


def test_truncated_jpeg_is_invalid(face_bytes: Callable[[str], bytes]) -> None:
    data = face_bytes("person_a/reference.jpg")
    assert refused(data[: len(data) // 2]) is FaceErrorCode.IMAGE_INVALID


def test_truncated_png_is_invalid(encode: Encode) -> None:
    data = encode(Image.effect_noise((300, 300), 64).convert("RGB"), "PNG")
    assert refused(data[: len(data) // 2]) is FaceErrorCode.IMAGE_INVALID


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "WEBP"])
def test_other_formats_are_invalid(encode: Encode, fmt: str) -> None:
    assert refused(encode(Image.new("RGB", (64, 64), "red"), fmt)) is FaceErrorCode.IMAGE_INVALID


def test_large_jpeg_is_downscaled(encode: Encode) -> None:
    data = encode(Image.new("RGB", (4000, 3000), (90, 120, 150)), quality=80)
    assert decode(data, LIMITS).shape == (600, 800, 3)


def test_exif_orientation_is_applied(encode: Encode) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown rotated 90 degrees clockwise
    data = encode(Image.new("RGB", (300, 200), "blue"), exif=exif)
    assert decode(data, LIMITS).shape == (300, 200, 3)


@pytest.mark.parametrize("mode", ["RGBA", "LA", "L", "P", "1", "I;16"])
def test_png_modes_become_rgb_without_warnings(encode: Encode, mode: str) -> None:
    image = Image.new(mode, (1200, 900))
    options = {"transparency": 0} if mode == "P" else {}  # the palette-transparency warning case
    rgb = decode(encode(image, "PNG", **options), LIMITS)
    assert rgb.shape == (600, 800, 3)


def test_cmyk_jpeg_becomes_rgb(encode: Encode) -> None:
    assert decode(encode(Image.new("CMYK", (100, 80))), LIMITS).shape == (80, 100, 3)

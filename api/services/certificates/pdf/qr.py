"""The QR code of the signed statement: qrcode's encoder with its mask chosen in one
numpy pass (module for module the code qrcode makes), embedded as a 1-bit PNG."""

from __future__ import annotations

import io

import numpy as np
import qrcode
from PIL import Image

_QR_BOX = 6  # pixels per module in the embedded PNG
_FINDER_LIKE = (np.array([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0], dtype=bool),
                np.array([0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1], dtype=bool))
_MASKS = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i * j) % 3 + (i + j) % 2) % 2 == 0,
)


def _mask_penalty(m: np.ndarray) -> int:
    """The mask penalty score of ISO/IEC 18004 §7.8.3, as ``qrcode.util.lost_point``."""
    n = m.shape[0]
    score = 0
    for grid in (m, m.T):
        # N1: runs of 5+ modules of one colour in a row or column score (length - 2).
        flat = np.concatenate([grid.astype(np.int8), np.full((n, 1), 2, np.int8)],
                              axis=1).ravel()
        starts = np.concatenate(([0], np.flatnonzero(flat[1:] != flat[:-1]) + 1))
        lengths = np.diff(np.append(starts, flat.size))
        runs = lengths[(flat[starts] != 2) & (lengths >= 5)]
        score += int((runs - 2).sum())
        # N3: finder-like 1:1:3:1:1 patterns with four light modules on one side.
        windows = np.lib.stride_tricks.sliding_window_view(grid, 11, axis=1)
        score += 40 * sum(int((windows == p).all(axis=2).sum()) for p in _FINDER_LIKE)
    # N2: 2x2 blocks of one colour.
    a = m[:-1, :-1]
    score += 3 * int(((a == m[1:, :-1]) & (a == m[:-1, 1:]) & (a == m[1:, 1:])).sum())
    # N4: dark modules departing from 50 %.
    score += int(abs(int(m.sum()) / (n * n) * 100 - 50) / 5) * 10
    return score


class QRCode(qrcode.QRCode):  # type: ignore[type-arg]
    """qrcode's encoder with its mask choice made in one pass instead of eight.

    qrcode lays the data out under each of the eight masks in pure Python and
    scores each (~35 ms for a 500-character payload). The masks only flip data
    modules, so one layout, XORed with each mask over the data area, gives all
    eight; they are scored with numpy by the same rules, and the first best
    wins, as in qrcode: the code is module for module the one qrcode makes.
    """

    _data_area: np.ndarray

    def map_data(self, data: bytes, mask_pattern: int) -> None:
        # Whatever is still unset when the data is laid out is the data area.
        self._data_area = np.array([[m is None for m in row] for row in self.modules])
        super().map_data(data, mask_pattern)

    def best_mask_pattern(self) -> int:
        self.makeImpl(True, 0)
        n = self.modules_count
        i, j = np.indices((n, n))
        flips = np.stack([mask(i, j) for mask in _MASKS]) & self._data_area
        unmasked = np.array(self.modules, dtype=bool) ^ flips[0]
        return int(np.argmin([_mask_penalty(unmasked ^ flip) for flip in flips]))


def qr_png(payload: str) -> bytes:
    # Level M (15 % recovery): a 400-600 character payload fits version 15-20 (77-97
    # modules), 0.4-0.5 mm a module at 38 mm, which phone cameras read easily; Q or H
    # would need version 25+ and smaller modules for the same payload.
    qr = QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(payload)
    qr.make(fit=True)
    dark = np.array(qr.modules, dtype=bool)
    pixels = np.where(dark, 0, 255).astype(np.uint8).repeat(_QR_BOX, 0).repeat(_QR_BOX, 1)
    out = io.BytesIO()
    Image.fromarray(pixels, mode="L").convert("1").save(out, format="PNG")
    return out.getvalue()

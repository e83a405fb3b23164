"""A progress line for long commands (``seed --holders N``): done/total, percent,
rate and time left. On a terminal one line redrawn in place (a bar); otherwise
(a log file, CI) a plain line at most every ``every_seconds``, and the last one."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

_BAR = 24


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class Progress:
    def __init__(self, total: int, label: str, *, stream: TextIO | None = None,
                 tty: bool | None = None, every_seconds: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.label = max(total, 1), label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.every, self.clock = every_seconds, clock
        self.started = clock()
        self._printed_at: float | None = None
        self._done = 0

    def line(self, done: int) -> str:
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = done / elapsed
        share = min(done / self.total, 1.0)
        left = (self.total - done) / rate if rate > 0 else None
        eta = "done" if done >= self.total else (
            f"~{_duration(left)} left" if left is not None else "estimating")
        text = f"{self.label} {done:,}/{self.total:,} {share:4.0%} {rate:,.0f}/s {eta}"
        if self.tty:
            filled = round(share * _BAR)
            text = f"{self.label} [{'#' * filled}{'.' * (_BAR - filled)}]" + text[len(
                self.label):]
        return text

    def update(self, done: int) -> None:
        self._done = done
        now = self.clock()
        if self.tty:
            self.stream.write("\r" + self.line(done) + "\x1b[K")
        elif done >= self.total or self._printed_at is None or \
                now - self._printed_at >= self.every:
            self.stream.write(self.line(done) + "\n")
            self._printed_at = now
        else:
            return
        self.stream.flush()

    def close(self) -> None:
        """Ends the terminal line (the last plain line was already printed)."""
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

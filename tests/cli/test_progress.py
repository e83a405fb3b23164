"""The progress line of long commands: rate and time left, a bar on a terminal,
periodic plain lines otherwise (issue 14, item 5)."""

from __future__ import annotations

import io

from api.cli.progress import Progress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_plain_lines_are_periodic_and_end_with_the_total() -> None:
    clock, stream = Clock(), io.StringIO()
    bar = Progress(100_000, "holders", stream=stream, tty=False, every_seconds=5, clock=clock)
    for i in range(1, 21):
        clock.now += 1.0
        bar.update(i * 5000)
    bar.close()
    lines = stream.getvalue().splitlines()
    assert lines[0] == "holders 5,000/100,000   5% 5,000/s ~19s left"
    assert len(lines) == 5  # at 1 s, 6 s, 11 s, 16 s and the last one
    assert lines[-1] == "holders 100,000/100,000 100% 5,000/s done"
    assert "\r" not in stream.getvalue()


def test_a_terminal_gets_one_redrawn_bar() -> None:
    clock, stream = Clock(), io.StringIO()
    bar = Progress(200_000, "holders", stream=stream, tty=True, clock=clock)
    clock.now = 10.0
    bar.update(50_000)
    clock.now = 100.0
    bar.update(200_000)
    bar.close()
    text = stream.getvalue()
    assert text.count("\r") == 2
    assert text.endswith("\n")
    first = text.split("\r")[1]
    assert first.startswith("holders [######..................] 50,000/200,000  25%")
    assert "5,000/s ~30s left" in first
    assert "1h" not in text


def test_long_estimates_read_in_minutes_and_hours() -> None:
    clock, stream = Clock(), io.StringIO()
    bar = Progress(10_000_000, "holders", stream=stream, tty=False, clock=clock)
    clock.now = 10.0
    bar.update(10_000)
    assert stream.getvalue().strip().endswith("1,000/s ~2h46m left")

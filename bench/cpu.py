"""How busy the machine was with work that is not the benchmark's (Linux).

A leg's numbers mean little if a test run elsewhere took half the cores. From
``/proc``: all CPU time spent, minus the time of the benchmark's own server
process groups, of wrk (a reaped child) and of this process (a Python load
driver), over the leg. PostgreSQL's and Redis's processes (``postgres``,
``redis-server``, on the same machine) are counted apart as ``db``: a
database-backed scenario's queries run there, so that time is the app's work,
not someone else's. PostgreSQL's parallel query workers live shorter than a
leg and are not seen: their time lands in ``others``. Elsewhere every reading
is ``None``.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_HZ = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _system_ticks() -> tuple[int, int]:
    """(busy, total) jiffies over all CPUs."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    total = sum(fields[:8])  # guest time is already counted in user
    return total - idle, total


DB_COMMANDS = ("postgres", "redis-server")


def _group_ticks(pgids: set[int]) -> tuple[int, int]:
    """(ticks of the process groups, ticks of the database server's processes)."""
    ticks = db = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            comm = text[text.index("(") + 1:text.rindex(")")]
            after_comm = text.rsplit(")", 1)[1].split()
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
        used = int(after_comm[11]) + int(after_comm[12])  # utime + stime
        if int(after_comm[2]) in pgids:
            ticks += used
        elif comm in DB_COMMANDS:
            db += used
    return ticks, db


def _children_ticks() -> float:
    """Reaped children (wrk) and this process itself (a Python load driver)."""
    total = 0.0
    for who in (resource.RUSAGE_CHILDREN, resource.RUSAGE_SELF):
        usage = resource.getrusage(who)
        total += (usage.ru_utime + usage.ru_stime) * _HZ
    return total


@dataclass
class CpuMeter:
    """Wraps one leg: ``start()`` before wrk, ``stop()`` after it was reaped."""

    pgids: set[int]
    _start: tuple[int, int, tuple[int, int], float] | None = None

    @classmethod
    def for_groups(cls, pgids: Iterable[int]) -> CpuMeter:
        return cls(set(pgids))

    def start(self) -> None:
        try:
            busy, total = _system_ticks()
            self._start = (busy, total, _group_ticks(self.pgids), _children_ticks())
        except (OSError, ValueError):
            self._start = None

    def stop(self) -> dict[str, float] | None:
        """Shares of all CPU time over the leg: ours, the database's, others', idle."""
        if self._start is None:
            return None
        busy0, total0, groups0, children0 = self._start
        try:
            busy1, total1 = _system_ticks()
            groups1 = _group_ticks(self.pgids)
        except (OSError, ValueError):
            return None
        total = max(total1 - total0, 1)
        ours = (groups1[0] - groups0[0]) + (_children_ticks() - children0)
        db = groups1[1] - groups0[1]
        busy = busy1 - busy0
        return {"ours": round(ours / total, 3),
                "db": round(db / total, 3),
                "others": round(max(busy - ours - db, 0) / total, 3),
                "idle": round(1 - busy / total, 3)}


def busy_share(seconds: float = 1.0) -> float | None:
    """Share of all CPUs busy over ``seconds`` (before anything is started)."""
    try:
        busy0, total0 = _system_ticks()
        time.sleep(seconds)
        busy1, total1 = _system_ticks()
    except (OSError, ValueError):
        return None
    return (busy1 - busy0) / max(total1 - total0, 1)

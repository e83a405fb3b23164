"""The raw face pipeline on the login benchmark's selfies: the baseline for ``login.py``.

Run by ``login.py`` as ``python -c <this file's source> JSON`` in the app's
source directory (so ``api.face`` imports from a ``--at`` export). JSON holds
``images`` (a file of length-prefixed selfie byte strings), ``pool_workers``,
``concurrency`` (a list), ``count`` (embeds per concurrency level) and
``inproc`` (single in-process calls, 0 to skip). Prints one JSON line: per
concurrency level the latency of each ``await pool.embed(bytes)`` and the
wall time, and the in-process ``embed_bytes`` latencies (no pool, no pickling).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any


def read_images(path: Path) -> list[bytes]:
    data, out, pos = path.read_bytes(), [], 0
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        out.append(data[pos + 4:pos + 4 + n])
        pos += 4 + n
    return out


async def one_level(pool: Any, images: list[bytes], level: int, count: int) -> dict:
    """``count`` embeds by ``level`` concurrent callers: each latency and the wall time."""
    latencies: list[float] = []
    todo = iter(range(count))

    async def runner() -> None:
        for i in todo:
            t0 = time.perf_counter()
            result = await pool.embed(images[i % len(images)])
            latencies.append(time.perf_counter() - t0)
            if result.embedding is None:
                raise RuntimeError(f"raw embed failed: {result.code}")

    t0 = time.perf_counter()
    await asyncio.gather(*(runner() for _ in range(level)))
    return {"latencies_s": latencies, "wall_s": time.perf_counter() - t0}


async def pool_legs(images: list[bytes], workers: int, levels: list[int],
                    count: int) -> dict[str, object]:
    from api.face.config import FaceSettings
    from api.face.pool import FacePool

    pool = FacePool(FaceSettings(workers=workers))
    started = time.perf_counter()
    await pool.start()
    start_s = time.perf_counter() - started
    for data in images[:workers * 2]:  # every worker touches the model once
        await pool.embed(data)
    legs = {}
    try:
        for level in levels:
            legs[str(level)] = await one_level(pool, images, level, count)
    finally:
        await pool.close()
    return {"pool_start_s": start_s, "legs": legs}


def inproc(images: list[bytes], count: int) -> list[float]:
    from api.face import worker
    from api.face.config import FaceSettings

    settings = FaceSettings()
    worker.init_worker()
    worker.embed_bytes(images[0], settings.images, settings.min_face_px)  # warm
    out = []
    for i in range(count):
        t0 = time.perf_counter()
        worker.embed_bytes(images[i % len(images)], settings.images, settings.min_face_px)
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    spec = json.loads(sys.argv[1])
    images = read_images(Path(spec["images"]))
    result = asyncio.run(pool_legs(images, spec["pool_workers"], spec["concurrency"],
                                   spec["count"]))
    if spec.get("inproc"):
        result["inproc_latencies_s"] = inproc(images, spec["inproc"])
    print(json.dumps(result))  # noqa: T201


if __name__ == "__main__":
    main()

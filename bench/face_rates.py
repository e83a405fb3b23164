"""False accept / false reject rates and embed cost on the fixture faces (RELIABILITY R3.20).

    .venv/bin/python bench/face_rates.py [--repeats 5] [--no-pool]

Embeds every fixture photo in-process (the same function the pool workers
run), prints the selfie x reference distance matrix, FAR/FRR at the
configured accept threshold (``FSREG_FACE_ACCEPT_THRESHOLD``) and at others,
the replay distances, the time per embed, and the pool's start-up time.

Four people give 4 genuine and 12 impostor pairs: a measured rate of 0 only
says the true rate is probably below 3/n (the "rule of three", 95%). The
printed bound says how little these fixtures can prove.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from api.face import images, model
from api.face.config import FaceSettings
from api.face.matcher import MatchOutcome, decide, distance
from api.face.pool import FacePool
from api.face.result import FaceResult
from api.face.worker import embed_bytes
from api.infra.settings import get_settings

FACES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "faces"
PEOPLE = sorted(p.name for p in FACES.glob("person_*"))
OTHER_THRESHOLDS = (0.3, 0.4, 0.45, 0.55, 0.6, 0.7, 0.8)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def timed_embeds(settings: FaceSettings, repeats: int) -> tuple[dict[str, FaceResult], str]:
    results: dict[str, FaceResult] = {}
    decode_s: list[float] = []
    total_s: list[float] = []
    for path in sorted(FACES.glob("*/*.jpg")):
        data = path.read_bytes()
        for _ in range(repeats):
            start = time.perf_counter()
            images.decode(data, settings.images)
            decode_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            result = embed_bytes(data, settings.images, settings.min_face_px)
            total_s.append(time.perf_counter() - start)
        results[str(path.relative_to(FACES))] = result
    q = statistics.quantiles(total_s, n=20)
    phone = _phone_sized_jpeg()
    phone_decode = min(_seconds(lambda: images.decode(phone, settings.images))
                       for _ in range(repeats))
    phone_total = min(_seconds(lambda: embed_bytes(phone, settings.images, settings.min_face_px))
                      for _ in range(repeats))
    assert embed_bytes(phone, settings.images, settings.min_face_px).ok
    rows = [
        "| embed (decode + detect + encode) | median | p95 | max |",
        "|---|---|---|---|",
        f"| all {len(total_s)} runs | {ms(statistics.median(total_s))} | {ms(q[18])} "
        f"| {ms(max(total_s))} |",
        f"| decode alone | {ms(statistics.median(decode_s))} | "
        f"{ms(statistics.quantiles(decode_s, n=20)[18])} | {ms(max(decode_s))} |",
        f"| 12 MP phone JPEG ({len(phone) // 1024} kB), best of {repeats}: decode "
        f"{ms(phone_decode)}, embed | {ms(phone_total)} | | |",
    ]
    return results, "\n".join(rows)


def _phone_sized_jpeg() -> bytes:
    """A 4032x3024 JPEG (a 12 MP phone photo) built in memory from a fixture selfie."""
    selfie = Image.open(FACES / "person_d" / "selfie_1.jpg").convert("RGB")
    height = 3024
    width = round(selfie.width * height / selfie.height)
    photo = Image.new("RGB", (4032, height), (200, 200, 200))
    photo.paste(selfie.resize((width, height), Image.Resampling.BICUBIC), ((4032 - width) // 2, 0))
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def matrix(results: dict[str, FaceResult]) -> str:
    head = "| selfie \\ reference | " + " | ".join(PEOPLE) + " |"
    rows = [head, "|---" * (len(PEOPLE) + 1) + "|"]
    for s in PEOPLE:
        cells = []
        for r in PEOPLE:
            d = distance(_emb(results, f"{s}/selfie_1.jpg"), _emb(results, f"{r}/reference.jpg"))
            cells.append(f"**{d:.3f}**" if s == r else f"{d:.3f}")
        rows.append(f"| {s} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def rates(results: dict[str, FaceResult], settings: FaceSettings) -> str:
    pairs = [(s, r, distance(_emb(results, f"{s}/selfie_1.jpg"),
                             _emb(results, f"{r}/reference.jpg")))
             for s in PEOPLE for r in PEOPLE]
    genuine = [d for s, r, d in pairs if s == r]
    impostor = [d for s, r, d in pairs if s != r]
    rows = ["| accept threshold | FAR (impostors accepted) | FRR (genuine rejected) |",
            "|---|---|---|"]
    for t in sorted({settings.accept_threshold, *OTHER_THRESHOLDS}):
        replay = min(settings.replay_threshold, t / 2)

        def outcome(d: float, t: float = t, replay: float = replay) -> MatchOutcome:
            return decide([d], [0.0], accept_threshold=t, replay_threshold=replay).outcome

        fa = sum(outcome(d) is MatchOutcome.MATCH for d in impostor)
        fr = sum(outcome(d) is not MatchOutcome.MATCH for d in genuine)
        label = f"**{t:.2f}** (configured)" if t == settings.accept_threshold else f"{t:.2f}"
        rows.append(f"| {label} | {_rate(fa, len(impostor))} | {_rate(fr, len(genuine))} |")
    rows.append("")
    rows.append(f"genuine pairs {min(genuine):.3f}-{max(genuine):.3f}, "
                f"impostor pairs {min(impostor):.3f}-{max(impostor):.3f}")
    return "\n".join(rows)


def replays(results: dict[str, FaceResult], settings: FaceSettings) -> str:
    reference = _emb(results, "person_a/reference.jpg")
    rows = ["| photo vs person_a/reference | distance | outcome |", "|---|---|---|"]
    for name in ("person_a/replay_letterboxed.jpg", "person_a/replay_cropped.jpg",
                 "person_a/selfie_1.jpg", "edge/partial_face.jpg", "edge/two_faces.jpg"):
        result = results[name]
        if result.embedding is None:
            rows.append(f"| {name} | - | refused: {result.code} |")
            continue
        decision = decide(result.embedding, reference, accept_threshold=settings.accept_threshold,
                          replay_threshold=settings.replay_threshold)
        rows.append(f"| {name} | {decision.distance:.3f} | {decision.outcome} |")
    return "\n".join(rows)


async def pool_startup(settings: FaceSettings) -> str:
    pool = FacePool(settings)
    start = time.perf_counter()
    await pool.start()
    started = time.perf_counter() - start
    data = (FACES / "person_b" / "selfie_1.jpg").read_bytes()
    await pool.embed(data)
    start = time.perf_counter()
    n = pool.workers * 4
    await asyncio.gather(*(pool.embed(data) for _ in range(n)))
    burst = time.perf_counter() - start
    await pool.close()
    return (f"pool ({settings.start_method}, {pool.workers} workers): start incl. model load "
            f"{ms(started)}; {n} concurrent embeds {ms(burst)} "
            f"({n / burst:.1f} embeds/s)")


def _emb(results: dict[str, FaceResult], name: str) -> tuple[float, ...]:
    embedding = results[name].embedding
    if embedding is None:
        raise SystemExit(f"{name} was refused: {results[name].code}")
    return embedding


def _rate(count: int, n: int) -> str:
    if count == 0:
        return f"0/{n} (95% upper bound {3 / n:.0%})"
    return f"{count}/{n} = {count / n:.0%}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-pool", action="store_true")
    args = parser.parse_args()
    settings = FaceSettings.from_settings(get_settings())

    start = time.perf_counter()
    model.load()
    loaded = time.perf_counter() - start
    results, timing = timed_embeds(settings, args.repeats)
    out = [
        f"# Face rates (accept {settings.accept_threshold}, replay "
        f"{settings.replay_threshold}, min face {settings.min_face_px} px, "
        f"max side {settings.images.max_side} px)",
        "", "## Distances, selfie vs reference (diagonal: same person)", "", matrix(results),
        "", "## Error rates", "", rates(results, settings),
        "", "## Replays and edge cases", "", replays(results, settings),
        "", "## Cost", "", f"model load in-process: {ms(loaded)}", "", timing,
    ]
    if not args.no_pool:
        out += ["", asyncio.run(pool_startup(settings))]
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

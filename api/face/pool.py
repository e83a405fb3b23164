"""A bounded pool of worker processes that turn selfie bytes into face descriptors.

Why processes: dlib is single-threaded and holds the GIL while it works, so
threads would serialise and stall the event loop; one process per core is
the most parallelism the machine has. The event loop only submits jobs and
awaits futures; decoding, detection and encoding run in the workers.

Why ``forkserver``: ``fork`` copies a process that has an event loop and
threads (the executor's own manager thread, DB drivers), which can deadlock
the child. ``forkserver`` forks workers from a small single-threaded server
started from a clean interpreter. We preload the worker module there, so a
worker skips re-importing numpy/Pillow/pydantic/dlib and only loads the models
(~0.35 s). Measured on 2 cores: start with 2 workers ~0.6 s either way (the
first start also launches the forkserver), restart plus one embed after a
crash ~0.55 s with forkserver vs ~0.75 s with ``spawn``, which also works.
The preload list is process-global; nothing else here uses the forkserver.
Starting and restarting run in a thread: launching the forkserver blocks.

Failure handling (R3.17): bad images come back as codes from the worker.
Beyond ``capacity`` jobs in flight, ``embed`` answers FACE_BUSY at once
instead of queueing without limit. A worker that dies (segfault, OOM kill)
breaks a ProcessPoolExecutor for good: we drop it, answer FACE_UNAVAILABLE for
the jobs it took down, and the next call starts a fresh pool. We do not retry:
if the image itself kills dlib, a retry would just kill the next pool.

Bounds are per API process: N uvicorn workers each hold their own pool, so
size ``workers`` to cores / N when running several on one machine.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from api.face import worker
from api.face.config import FaceSettings
from api.face.errors import FaceErrorCode
from api.face.result import FaceResult

log = logging.getLogger("api.face.pool")

_UNAVAILABLE = FaceResult.failed(FaceErrorCode.FACE_UNAVAILABLE)


class FacePool:
    def __init__(self, settings: FaceSettings, *, model_directory: Path | None = None) -> None:
        self._settings = settings
        self._model_directory = model_directory
        self.workers = settings.worker_count
        # Running plus waiting: one job per worker plus queue_per_worker each.
        self.capacity = self.workers * (1 + settings.queue_per_worker)
        self.in_flight = 0
        self.restarts = 0
        self._executor: ProcessPoolExecutor | None = None
        self._starting = asyncio.Lock()
        self._closed = False

    async def start(self) -> None:
        """Start every worker and wait until each has loaded the models.

        Raises if the models cannot be loaded, so a broken deployment fails at
        startup rather than on the first login.
        """
        try:
            await self._running_executor()
        except BrokenProcessPool as exc:
            raise RuntimeError("face workers failed to start (model files?)") from exc

    async def embed(self, data: bytes) -> FaceResult:
        """Descriptor of the one face in ``data`` (JPEG/PNG bytes), or an error code."""
        if len(data) > self._settings.images.max_bytes:
            # Refuse before pickling megabytes across to a worker.
            return FaceResult.failed(FaceErrorCode.IMAGE_TOO_LARGE)
        return await self._call(worker.embed_bytes, data, self._settings.images,
                                self._settings.min_face_px)

    async def close(self) -> None:
        self._closed = True
        executor, self._executor = self._executor, None
        if executor is not None:
            # Waits for running jobs, so off the event loop.
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)

    def worker_pids(self) -> list[int]:
        """Live worker pids, for health checks and tests."""
        if self._executor is None:
            return []
        # _processes is private but has been stable since 3.2; nothing else exposes pids.
        processes: dict[int, Any] = getattr(self._executor, "_processes", None) or {}
        return list(processes)

    async def _call(self, fn: Callable[..., FaceResult], *args: Any) -> FaceResult:
        if self._closed:
            return _UNAVAILABLE
        if self.in_flight >= self.capacity:
            return FaceResult.failed(FaceErrorCode.FACE_BUSY)
        # Counted from here, so callers waiting out a restart are bounded too.
        self.in_flight += 1
        try:
            executor = await self._running_executor()
        except (BrokenProcessPool, RuntimeError):  # restart failed, or close() won the race
            self.in_flight -= 1
            log.error("face pool could not be started")
            return _UNAVAILABLE
        except BaseException:
            self.in_flight -= 1
            raise
        try:
            job = asyncio.get_running_loop().run_in_executor(executor, fn, *args)
        except (BrokenProcessPool, RuntimeError):  # broke since, or shut down by close()
            self.in_flight -= 1
            self._discard(executor)
            return _UNAVAILABLE
        # The slot is freed when the worker is done, not when the caller stops
        # waiting: a timed-out or cancelled request still occupies its worker.
        job.add_done_callback(self._release)
        try:
            return await asyncio.wait_for(asyncio.shield(job), self._settings.timeout_seconds)
        except TimeoutError:
            log.error("face job exceeded %.1f s", self._settings.timeout_seconds)
            return _UNAVAILABLE
        except BrokenProcessPool:
            log.error("face worker died; the pool will be restarted")
            self._discard(executor)
            return _UNAVAILABLE
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if job.cancelled() and current is not None and not current.cancelling():
                return _UNAVAILABLE  # our job was cancelled by close(), not our caller
            raise
        except Exception:  # a bug in the worker code: log it, never leak it to the client
            log.exception("face job failed")
            return _UNAVAILABLE

    def _release(self, job: asyncio.Future[Any]) -> None:
        self.in_flight -= 1
        if not job.cancelled():
            job.exception()  # mark retrieved: a shielded job may outlive its waiter

    async def _running_executor(self) -> ProcessPoolExecutor:
        """The live executor, (re)starting it off the event loop when there is none.

        Starting the forkserver and forking workers blocks for up to a few
        hundred ms, and a job cannot run before its worker has loaded the
        models anyway, so callers arriving during a (re)start wait for it.
        """
        if self._executor is not None:
            return self._executor
        async with self._starting:
            if self._executor is None:
                executor = self._new_executor()
                try:
                    await asyncio.to_thread(self._warm, executor)
                except BaseException:
                    executor.shutdown(wait=False)
                    raise
                if self._closed:
                    executor.shutdown(wait=False)
                    raise RuntimeError("face pool closed")
                self._executor = executor
            return self._executor

    def _new_executor(self) -> ProcessPoolExecutor:
        method = self._settings.start_method
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            context.set_forkserver_preload([worker.__name__])
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                   initializer=worker.init_worker,
                                   initargs=(self._model_directory,))

    def _discard(self, executor: ProcessPoolExecutor) -> None:
        """Forget a broken executor once, however many of its jobs report the breakage."""
        if self._executor is executor:
            self._executor = None
            self.restarts += 1
            executor.shutdown(wait=False)

    def _warm(self, executor: ProcessPoolExecutor) -> None:
        # Each submit with no idle worker forks one more, up to max_workers;
        # all initializers then load the models in parallel.
        pings: list[Future[int]] = [executor.submit(worker.ping) for _ in range(self.workers)]
        wait(pings)
        for ping in pings:
            ping.result()

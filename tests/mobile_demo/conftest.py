"""Real-browser harness for the mini-program demo (/demo/) and the kiosk (/kiosk/).

One real server process (embedded default: SQLite + in-process store, demo
data, ``APP_ENV=development``) and one headless Debian chromium per session;
a fresh browser context per test. The fake camera plays a face photo from
``tests/fixtures/faces`` (a Y4M file made once per session). See README.md
in this directory.

These tests are plain synchronous tests: they never ask for ``leg`` (so they
run once, not once per storage leg) and the playwright sync API runs outside
pytest-asyncio's event loop.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.serverproc import ServerProcess, embedded_env, free_port, serve

ROOT = Path(__file__).resolve().parents[2]
FACES = ROOT / "tests" / "fixtures" / "faces"
SCREENSHOTS = ROOT / "docs" / "screenshots"
IN_CI = os.environ.get("CI", "").lower() == "true"
DEFAULT_FACE = "person_a/selfie_1.jpg"  # 陈志强
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
KIOSK = {"viewport": {"width": 1080, "height": 1920}, "device_scale_factor": 1,
         "is_mobile": False, "has_touch": True}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--use-fake-ui-for-media-stream",
                 "--use-fake-device-for-media-stream"]
DEFAULT_TIMEOUT_MS = 15_000
# A real camera never gives two byte-identical pictures; the fake one loops the
# same frames, and the server refuses a selfie it has seen before as a replay.
# So every video frame drawn onto a canvas gets one random corner pixel
# ("sensor noise"): the face is untouched, each capture is new.
CAMERA_NOISE = """(() => {
  const noisy = (proto) => {
    const draw = proto.drawImage;
    proto.drawImage = function (source, ...rest) {
      const result = draw.call(this, source, ...rest);
      if (source instanceof HTMLVideoElement) {
        const r = () => Math.floor(Math.random() * 256);
        this.save();
        this.setTransform(1, 0, 0, 1, 0, 0);
        this.globalAlpha = 1;
        this.globalCompositeOperation = "source-over";
        this.fillStyle = `rgb(${r()},${r()},${r()})`;
        this.fillRect(0, 0, 1, 1);
        this.restore();
      }
      return result;
    };
  };
  noisy(CanvasRenderingContext2D.prototype);
  if (self.OffscreenCanvasRenderingContext2D) noisy(OffscreenCanvasRenderingContext2D.prototype);
})();"""


# -- skipping --------------------------------------------------------------------

def _chromium() -> str | None:
    """FSREG_TEST_CHROMIUM if set, else Debian's /usr/bin/chromium, else PATH."""
    chosen = os.environ.get("FSREG_TEST_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).is_file() else None
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"playwright is not installed ({exc})"
    if _chromium() is None:
        return ("chromium not found (FSREG_TEST_CHROMIUM, /usr/bin/chromium or on PATH); "
                "apt-get install chromium")
    return None


@pytest.fixture(scope="session", autouse=True)
def _browser_available() -> None:
    """Skips every test in this directory without a browser; fails in CI instead."""
    reason = _missing()
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"browser tests required in CI: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last, whatever else is selected: Playwright's sync API
    keeps an event loop marked running in the main thread until the session
    ends, and pytest-asyncio cannot start one for an async test after it."""
    here = Path(__file__).resolve().parent
    items.sort(key=lambda item: here in Path(str(item.path)).resolve().parents)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "allow_console_errors(*patterns): console errors matching one of these "
        "regular expressions do not fail a browser test")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"_report_{report.when}", report)  # for the failure screenshot
    return report


# -- the server ------------------------------------------------------------------

@dataclass
class DemoServer(ServerProcess):
    """A running ``python -m api serve`` with demo data on a temporary var dir
    (``url``, ``env``, ``log``, ``cli()``, ``log_tail()`` from ServerProcess)."""

    var_dir: Path = Path()
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.url, timeout=30)

    @property
    def process(self) -> subprocess.Popen[bytes]:
        return self.proc

    def gql(self, query: str, variables: dict[str, Any] | None = None, *,
            token: str | None = None) -> dict[str, Any]:
        """POST /graphql with a full document (the test's side, not the page's)."""
        headers = {"authorization": f"Bearer {token}"} if token else {}
        resp = self.http.post("/graphql", json={"query": query, "variables": variables or {}},
                              headers=headers)
        assert resp.headers["content-type"].startswith("application/json"), resp.text
        return resp.json()

    def sms_code(self, masked_phone_suffix: str | None = None) -> str:
        """The newest login code in the mock SMS outbox (``/dev/sms-inbox``)."""
        for m in self.http.get("/dev/sms-inbox").json()["messages"]:
            if m["code"] and (masked_phone_suffix is None or m["to"].endswith(masked_phone_suffix)):
                return str(m["code"])
        raise AssertionError("no SMS code in /dev/sms-inbox")

    def login_sms(self, name: str, id_number: str, channel: str = "FOSHANTONG") -> dict[str, Any]:
        """An L1 session: ``LoginSuccess`` fields (accessToken, refreshToken, ...)."""
        start = self.gql(_START_SMS, {"input": {"name": name, "idNumber": id_number,
                                                "channel": channel}})
        challenge = start["data"]["startSmsLogin"]
        assert challenge["__typename"] == "SmsChallenge", start
        done = self.gql(_COMPLETE_SMS, {"input": {"challengeId": challenge["challengeId"],
                                                  "code": self.sms_code()}})
        result = done["data"]["completeSmsLogin"]
        assert result["__typename"] == "LoginSuccess", done
        return result

    def login_face(self, name: str, id_number: str, photo: str | Path = DEFAULT_FACE,
                   channel: str = "FOSHANTONG") -> dict[str, Any]:
        """An L2 session by face login; ``photo`` relative to tests/fixtures/faces."""
        import base64

        path = photo if isinstance(photo, Path) else FACES / photo
        selfie = unique_jpeg(path.read_bytes())
        start = self.gql(_START_FACE, {"input": {"name": name, "idNumber": id_number,
                                                 "channel": channel, "consentVersion": "2026-12"}})
        challenge = start["data"]["startFaceLogin"]
        assert challenge["__typename"] == "FaceChallenge", start
        done = self.gql(_COMPLETE_FACE, {"input": {
            "challengeId": challenge["challengeId"],
            "image": base64.b64encode(selfie).decode()}})
        result = done["data"]["completeFaceLogin"]
        assert result["__typename"] == "LoginSuccess", done
        return result

    def staff_token(self, name: str = "张工", hall: str = "FS-CENTRE") -> str:
        return self.cli("staff-token", "--name", name, "--hall", hall).strip()


def unique_jpeg(jpeg: bytes) -> bytes:
    """The same picture with a unique JPEG comment: the server refuses a
    byte-identical selfie seen before (any citizen) as a replay."""
    import uuid

    assert jpeg[:2] == b"\xff\xd8", "a JPEG file"
    note = f"test {uuid.uuid4()}".encode()
    return jpeg[:2] + b"\xff\xfe" + (len(note) + 2).to_bytes(2, "big") + note + jpeg[2:]


_START_SMS = """mutation ($input: StartSmsLoginInput!) { startSmsLogin(input: $input) {
  __typename ... on SmsChallenge { challengeId } ... on UserError { code message } } }"""
_COMPLETE_SMS = """mutation ($input: CompleteSmsLoginInput!) { completeSmsLogin(input: $input) {
  __typename ... on LoginSuccess { accessToken refreshToken assuranceLevel }
  ... on UserError { code message } } }"""
_START_FACE = """mutation ($input: StartFaceLoginInput!) { startFaceLogin(input: $input) {
  __typename ... on FaceChallenge { challengeId nonce } ... on UserError { code message } } }"""
_COMPLETE_FACE = """mutation ($input: CompleteFaceLoginInput!) { completeFaceLogin(input: $input) {
  __typename ... on LoginSuccess { accessToken refreshToken assuranceLevel }
  ... on UserError { code message } } }"""


def _server_env(var: Path, port: int) -> dict[str, str]:
    # tests.serverproc.serve picks its own port; the QR links need it up front.
    return embedded_env(
        var,
        APP_ENV="development",  # /dev/sms-inbox, staff-token, add-citizen ...
        FSREG_KEYS_DIR=str(var / "keys"),
        PORT=str(port),
        FSREG_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",  # QR links open this server
        # Every test logs in and verifies from 127.0.0.1: the per-IP throttles
        # are tested in tests/auth and tests/resolvers, not here.
        FSREG_DEV_SMS_INBOX="true",  # the 模拟短信 panel and sms_code()
        FSREG_IP_LOGIN_ATTEMPTS="10000",
        FSREG_VERIFY_ATTEMPTS_PER_MINUTE="10000",
        # The background jobs (register events into notifications, ...) run on
        # `server.cli("run-jobs")`, not on a timer: deterministic screens.
        FSREG_REGISTER_SYNC_SECONDS="0",
        FSREG_FACE_POOL_WORKERS="1",  # two cores: leave one for chromium
        # The fake camera loops one photo, so a citizen's second login is a
        # near-identical capture: the embedding replay check (issue 12, item 2,
        # tested in tests/resolvers/session) would refuse it. Off here only.
        FSREG_FACE_SELFIE_HISTORY="0",
        PYTHONUNBUFFERED="1",
    )


@pytest.fixture(scope="session")
def demo_server(_browser_available: None,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    var = tmp_path_factory.mktemp("demo-server")
    port = free_port()  # up front: the QR links name it
    with serve(_server_env(var, port), demo=True, port=port) as running:
        server = DemoServer(url=running.url, proc=running.proc, log=running.log,
                            env=running.env, var_dir=var)
        try:
            yield server
        finally:
            server.http.close()
            if server.proc.poll() is not None:
                print(f"demo server had exited with {server.proc.returncode}:\n"  # noqa: T201
                      f"{server.log_tail()}")


# -- the fake camera --------------------------------------------------------------

def make_y4m(photo: Path, out: Path, width: int = 640, height: int = 480,
             frames: int = 10) -> Path:
    """A short YUV4MPEG2 clip of ``photo`` letterboxed into width x height, for
    chromium's ``--use-file-for-fake-video-capture`` (which loops it).
    4:2:0 with JPEG chroma siting, BT.601 full range."""
    import numpy as np
    from PIL import Image

    with Image.open(photo) as img:
        src = img.convert("RGB")
    scale = min(width / src.width, height / src.height)
    size = (round(src.width * scale), round(src.height * scale))
    canvas = Image.new("RGB", (width, height), (128, 128, 128))
    canvas.paste(src.resize(size, Image.Resampling.LANCZOS),
                 ((width - size[0]) // 2, (height - size[1]) // 2))
    rgb = np.asarray(canvas, dtype=np.float32)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    u = -0.168736 * r - 0.331264 * g + 0.5 * b + 128
    v = 0.5 * r - 0.418688 * g - 0.081312 * b + 128

    def sub(plane: Any) -> Any:  # 2x2 average: chroma centred between luma samples
        return plane.reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))

    planes = b"".join(np.clip(np.rint(p), 0, 255).astype(np.uint8).tobytes()
                      for p in (y, sub(u), sub(v)))
    with out.open("wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F15:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            f.write(b"FRAME\n" + planes)
    return out


# -- browsers, contexts, pages ------------------------------------------------------

@pytest.fixture(scope="session")
def _playwright(_browser_available: None) -> Iterator[Any]:
    # While the sync API is started it leaves an event loop marked running in
    # this thread, so no async test may run after it: see
    # pytest_collection_modifyitems below, which runs this directory last.
    from playwright.sync_api import expect, sync_playwright

    # expect() has its own 5 s default, apart from the pages' timeout: the
    # first certificate of a run (cold PDF path) took 2.5 s under load.
    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def launch_browser(_playwright: Any, tmp_path_factory: pytest.TempPathFactory
                   ) -> Iterator[Callable[..., Any]]:
    """``launch_browser(face="person_b/selfie_1.jpg")``: a chromium whose camera
    shows that photo (relative to tests/fixtures/faces, or a Path). One browser
    per face per session, closed at the end."""
    videos = tmp_path_factory.mktemp("camera")
    browsers: dict[str, Any] = {}

    def launch(face: str | Path = DEFAULT_FACE) -> Any:
        photo = face if isinstance(face, Path) else FACES / face
        key = str(photo)
        if key not in browsers:
            y4m = make_y4m(photo, videos / (re.sub(r"[^\w]+", "_", key.removeprefix(str(FACES)))
                                            .strip("_") + ".y4m"))
            browsers[key] = _playwright.chromium.launch(
                executable_path=_chromium(), headless=True,
                args=[*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={y4m}"])
        return browsers[key]

    try:
        yield launch
    finally:
        for b in browsers.values():
            b.close()


@pytest.fixture(scope="session")
def browser(launch_browser: Callable[..., Any]) -> Any:
    """The session's chromium; its camera shows 陈志强 (person_a/selfie_1.jpg)."""
    return launch_browser()


class ConsoleErrors:
    """Console errors and uncaught exceptions of the pages of one test."""

    def __init__(self, patterns: list[str]) -> None:
        self.errors: list[str] = []
        # The browser asks for /favicon.ico on pages without an icon link; the
        # server has none. Not a fault of the page under test.
        self._allowed = [re.compile(p) for p in [r"/favicon\.ico\b", *patterns]]

    def allow(self, pattern: str) -> None:
        """Errors matching this regular expression (searched) are expected."""
        self._allowed.append(re.compile(pattern))

    def watch(self, page: Any) -> None:
        def on_console(msg: Any) -> None:
            if msg.type == "error":
                loc = msg.location or {}
                self.errors.append(f"console.error: {msg.text} ({loc.get('url', '')}"
                                   f":{loc.get('lineNumber', '')})")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self._allowed)]

    def clear(self) -> None:
        self.errors.clear()


@pytest.fixture
def console_errors(request: pytest.FixtureRequest) -> ConsoleErrors:
    """Collected by ``phone``/``kiosk``/``new_page``; asserted empty at teardown.
    ``console_errors.allow(regex)`` or ``@pytest.mark.allow_console_errors(regex, ...)``."""
    patterns = [p for m in request.node.iter_markers("allow_console_errors") for p in m.args]
    return ConsoleErrors(patterns)


@pytest.fixture(scope="session")
def kiosk_link(demo_server: DemoServer) -> str:
    """One enrolled terminal for the run (``add-kiosk``): its provisioning link."""
    out = demo_server.cli("add-kiosk", "--hall", "FS-CENTRE", "--label", "browser tests")
    return out.strip().splitlines()[-1]


def provision(page: Any, link: str) -> None:
    """What an installer does once per terminal: open the link (the key goes into
    the page's IndexedDB, the fragment is dropped)."""
    page.goto("/kiosk/" + link.split("/kiosk/", 1)[1])
    page.locator("[data-test=task-certificate]").wait_for()
    assert "provision" not in page.url


@pytest.fixture
def new_page(demo_server: DemoServer, launch_browser: Callable[..., Any],
             console_errors: ConsoleErrors, request: pytest.FixtureRequest,
             tmp_path: Path, kiosk_link: str) -> Iterator[Callable[..., Any]]:
    """``new_page(device="phone"|"kiosk", face=DEFAULT_FACE, **context_options)``:
    a page in a fresh context (own storage; camera granted for the server's
    origin; ``base_url`` = the server, so ``page.goto("/demo/")`` works)."""
    contexts: list[Any] = []

    def make(device: str = "phone", face: str | Path = DEFAULT_FACE, **options: Any) -> Any:
        profile = {"phone": PHONE, "kiosk": KIOSK}[device]
        context = launch_browser(face).new_context(
            **{**profile, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
               "base_url": demo_server.url, **options})
        context.grant_permissions(["camera"], origin=demo_server.url)
        context.add_init_script(CAMERA_NOISE)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        console_errors.watch(page)
        if device == "kiosk":
            provision(page, kiosk_link)
        return page

    yield make
    if demo_server.process is not None and demo_server.process.poll() is not None:
        pytest.fail(f"the demo server died (exit {demo_server.process.returncode}); log "
                    f"{demo_server.log}:\n{demo_server.log_tail()}")
    failed = any(getattr(getattr(request.node, f"_report_{w}", None), "failed", False)
                 for w in ("setup", "call"))
    for i, context in enumerate(contexts):
        if failed:
            for j, page in enumerate(context.pages):
                path = tmp_path / f"failure-{i}-{j}.png"
                try:
                    page.screenshot(path=str(path))
                    print(f"screenshot of the failing page: {path}")  # noqa: T201
                except Exception as exc:  # the page may be gone; the failure matters more
                    print(f"no failure screenshot: {exc}")  # noqa: T201
        context.close()
    if not failed:
        problems = console_errors.unexpected()
        assert not problems, "console errors / uncaught exceptions:\n" + "\n".join(problems)


@pytest.fixture
def phone(new_page: Callable[..., Any]) -> Any:
    """A 390x844 phone page (DPR 2, touch, zh-CN, Asia/Shanghai), camera = 陈志强."""
    return new_page("phone")


@pytest.fixture
def kiosk(new_page: Callable[..., Any]) -> Any:
    """A 1080x1920 touch kiosk page (not mobile), camera = 陈志强."""
    return new_page("kiosk")


@pytest.fixture(scope="session")
def shot() -> Callable[..., Path]:
    """``shot(page, "verify-valid")`` writes docs/screenshots/verify-valid.png
    (the viewport, CSS pixels: 390x844 for a phone, 1080x1920 for the kiosk)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str, *, scale: str = "css") -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=False, animations="disabled", caret="hide",
                        scale=scale)
        return path

    return take

"""The demo and the kiosk load in a real browser, under their CSP, and talk to the
API through persisted operations only; the fake camera is good enough to log in."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = ROOT / "mobile_demo" / "operations"

FETCH_PERSISTED = """async ([name, hash]) => {
  const r = await fetch("/graphql", {method: "POST",
    headers: {"content-type": "application/json"},
    body: JSON.stringify({operationName: name, variables: {},
                          extensions: {persistedQuery: {version: 1, sha256Hash: hash}}})});
  return {status: r.status, body: await r.json()};
}"""

GRAB_FRAME = """async () => {
  const stream = await navigator.mediaDevices.getUserMedia({video: true});
  const video = document.createElement("video");
  video.muted = true;
  video.srcObject = stream;
  await video.play();
  while (video.videoWidth === 0) await new Promise((r) => setTimeout(r, 50));
  const canvas = document.createElement("canvas");
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext("2d").drawImage(video, 0, 0);
  stream.getTracks().forEach((t) => t.stop());
  return canvas.toDataURL("image/jpeg", 0.92);
}"""


@pytest.mark.parametrize(("path", "device"), [("/demo/", "phone"), ("/kiosk/", "kiosk")])
def test_screen_loads_under_csp(new_page: Any, path: str, device: str) -> None:
    page = new_page(device)
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, f"{path}: HTTP {response.status}"
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    page.wait_for_load_state("networkidle")
    assert page.title()
    # No horizontal scrolling at the device width.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_manifest_lists_every_operation(demo_server: Any) -> None:
    manifest = demo_server.http.get("/ui/operations.json").json()
    files = {p: p.read_text(encoding="utf-8") for p in OPERATIONS.glob("*.graphql")}
    assert manifest["algorithm"] == "sha256"
    assert set(manifest["operations"].values()) == {
        hashlib.sha256(text.encode()).hexdigest() for text in files.values()}
    assert {"ServiceInfo", "RefreshSession"} <= set(manifest["operations"])


def test_persisted_operation_from_the_page(demo_server: Any, phone: Any) -> None:
    phone.goto("/demo/")
    ops = phone.evaluate("async () => (await (await fetch('/ui/operations.json')).json())"
                         ".operations")
    result = phone.evaluate(FETCH_PERSISTED, ["ServiceInfo", ops["ServiceInfo"]])
    assert result["status"] == 200
    assert "errors" not in result["body"], result
    info = result["body"]["data"]
    assert info["serviceInfo"]["environment"].lower() == "development"
    assert any(d["name"] == "禅城区" for d in info["districts"])

    unknown = phone.evaluate(FETCH_PERSISTED, ["ServiceInfo", "0" * 64])
    assert unknown["status"] == 200
    assert unknown["body"]["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


def _face_login(server: Any, frame: bytes) -> dict[str, Any]:
    start = server.gql(
        """mutation { startFaceLogin(input: {name: "陈志强", idNumber: "440604196603129119",
           channel: FOSHANTONG, consentVersion: "2026-12"}) {
           __typename ... on FaceChallenge { challengeId } } }""")["data"]["startFaceLogin"]
    return server.gql(
        """mutation ($input: CompleteFaceLoginInput!) { completeFaceLogin(input: $input) {
           __typename ... on LoginSuccess { assuranceLevel } ... on UserError { code message } } }""",
        {"input": {"challengeId": start["challengeId"],
                   "image": base64.b64encode(frame).decode()}})["data"]["completeFaceLogin"]


def test_fake_camera_face_logs_in(demo_server: Any, phone: Any) -> None:
    """The harness itself: frames from the fake camera (陈志强's selfie) pass the
    real face check, twice (the camera-noise shim makes each capture new, as a
    real camera's are; the server refuses a byte-identical selfie as a replay)."""
    phone.goto("/livez")  # any page of the server's origin: the camera is granted there
    frames = []
    for _ in range(2):
        data_url = phone.evaluate(GRAB_FRAME)
        assert data_url.startswith("data:image/jpeg;base64,")
        frames.append(base64.b64decode(data_url.split(",", 1)[1]))
    assert frames[0] != frames[1]
    for frame in frames:
        done = _face_login(demo_server, frame)
        assert done == {"__typename": "LoginSuccess", "assuranceLevel": "L2"}, done

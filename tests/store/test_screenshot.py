"""A full-page screenshot by headless Chromium (Debian's, driven by Playwright), stored and hashed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.store.conftest import Env
from tests.webserver import PAGE, serve
from vigil.capture.screenshot import chromium_path
from vigil.store.tables import Capture

pytestmark = pytest.mark.skipif(
    not Path(chromium_path()).exists(),
    reason=f"no Chromium at {chromium_path()} (make test installs it when it can)",
)


def test_screenshot_is_stored_hashed_and_in_the_warc(store_env: Env) -> None:
    if store_env.backend == "postgresql" and os.environ.get("VIGIL_FAST"):
        pytest.skip("one browser run is enough when VIGIL_FAST is set")
    with serve(routes={"/p": (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE)}) as base:
        store_env.vigil("capture", f"{base}/p", "--allow-private", "--screenshot", timeout=180)
    store = store_env.open()
    with store.sessions() as s:
        cap = s.scalars(select(Capture)).one()
    assert cap.screenshot_sha256 is not None
    png = store.blobs.get(cap.screenshot_sha256)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000
    from vigil.capture.warc import check

    records = list(check(store.blobs.get(cap.warc_sha256)))
    assert [r.record_type for r in records] == ["warcinfo", "request", "response", "resource"]
    assert not any(r.problem for r in records)
    assert store_env.vigil("verify").returncode == 0

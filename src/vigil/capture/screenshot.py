"""A full-page screenshot from headless Chromium (the Berkeley Protocol's third minimum item).

Playwright drives Debian's `chromium` (VIGIL_CHROMIUM, default
/usr/bin/chromium) with a fresh profile and no background networking.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from vigil.errors import VigilError

FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    return os.environ.get("VIGIL_CHROMIUM", "/usr/bin/chromium")


def screenshot(url: str, timeout: float = 30.0, width: int = 1280) -> bytes:
    """PNG bytes of the whole page at `url`."""
    exe = chromium_path()
    if not Path(exe).exists():
        raise VigilError(
            f"--screenshot needs Chromium at {exe} (apt-get install chromium, or set VIGIL_CHROMIUM)"
        )
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise VigilError("--screenshot needs the playwright package (pip install playwright)") from None
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        try:
            ctx = pw.chromium.launch_persistent_context(
                profile,
                executable_path=exe,
                headless=True,
                args=FLAGS,
                viewport={"width": width, "height": 900},
            )
            page = ctx.new_page()
            page.goto(url, timeout=timeout * 1000, wait_until="load")
            png = page.screenshot(full_page=True, type="png")
            ctx.close()
        except Error as exc:
            raise VigilError(f"screenshot of {url} failed: {str(exc).splitlines()[0]}") from None
    return png

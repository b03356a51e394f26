"""A full-page screenshot from headless Chromium (the Berkeley Protocol's third minimum item).

Playwright drives Debian's `chromium` (VIGIL_CHROMIUM, default
/usr/bin/chromium) with a fresh profile and no background networking.

The screenshot renders the preserved response body with the network closed;
Chromium never fetches anything itself. Letting it load the URL would bypass
the fetcher's address checks (vigil.capture.fetch): a server can answer the
fetcher with an article and Chromium with a redirect to a private address,
or the page can pull sub-resources from inside the network, and the picture
of an internal page would be stored beside the article as evidence. A closed
network also means the screenshot shows exactly the bytes that were stored.

Closed means, in layers, each of which was seen to be needed:

* request interception serves the stored body for the one navigation to the
  URL; every other request is aborted, and any later top-level navigation
  (a meta refresh, say) is answered 204 so the article stays on screen
  instead of an error page;
* preconnect hints and WebSockets never pass through interception, so the
  host resolver maps every name and IP literal to "not found";
* JavaScript is off: WebRTC sends STUN packets straight to IP literals,
  past both of the above, and scripts in a page are the widest door out.
  The WebRTC policy flags stay as a second lock on that door.

A guarded mode that fetched sub-resources through the fetcher's checks was
considered and not built: it would reopen the time-of-check gap (DNS can
answer Chromium differently from the fetcher), and pictures, styles and
scripts fetched later are not the preserved evidence, so the screenshot
would show a page that was never stored. Pages that need their sub-resources
look plainer here; the stored bytes are what the record vouches for.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from vigil.errors import VigilError

if TYPE_CHECKING:
    from playwright.sync_api import Route

# General flags, shared with the browser tests of the web app (which need the network).
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

# Only for screenshots: nothing Chromium resolves or dials may reach a host.
CLOSED_NETWORK_FLAGS = [
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--force-webrtc-ip-handling-policy",
]


def chromium_path() -> str:
    return os.environ.get("VIGIL_CHROMIUM", "/usr/bin/chromium")


class StoredPage:
    """Answers Chromium's requests from the stored body, once; nothing ever goes to the network."""

    def __init__(self, body: bytes, content_type: str | None) -> None:
        self.body = body
        self.content_type = content_type or None
        self.served = False

    def __call__(self, route: Route) -> None:
        if not self._top_level(route):
            route.abort("blockedbyclient")
        elif self.served:
            route.fulfill(status=204, body=b"")  # 204 keeps the stored page on screen
        else:
            self.served = True
            route.fulfill(status=200, body=self.body, content_type=self.content_type)

    @staticmethod
    def _top_level(route: Route) -> bool:
        from playwright.sync_api import Error

        request = route.request
        if not request.is_navigation_request():
            return False
        try:
            return request.frame.parent_frame is None
        except Error:  # a request without a frame (a worker's) is never the page
            return False


def screenshot(
    body: bytes, url: str, content_type: str | None, timeout: float = 30.0, width: int = 1280
) -> bytes:
    """PNG bytes of the whole page that `body` renders as when served at `url`, offline."""
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
                args=FLAGS + CLOSED_NETWORK_FLAGS,
                viewport={"width": width, "height": 900},
                java_script_enabled=False,
                service_workers="block",
                accept_downloads=False,
            )
            ctx.route("**/*", StoredPage(body, content_type))
            page = ctx.new_page()
            page.goto(url, timeout=timeout * 1000, wait_until="load")
            png = page.screenshot(full_page=True, type="png")
            ctx.close()
        except Error as exc:
            raise VigilError(f"screenshot of {url} failed: {str(exc).splitlines()[0]}") from None
    return png

"""The fetcher refuses the inside of the network and stops oversized bodies early."""

from __future__ import annotations

import socket

import pytest

from tests.webserver import serve
from vigil.capture.fetch import FetchRefused, check_address, fetch


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://[::1]/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost/",
        "http://0.0.0.0/",
        "http://[fe80::1]/",
        "http://224.0.0.1/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_inside_addresses_are_refused_before_connecting(url: str) -> None:
    with pytest.raises(FetchRefused) as err:
        fetch(url, timeout=5)
    assert "refused" in str(err.value) and "--allow-private" in str(err.value)


def test_public_addresses_pass_the_check() -> None:
    assert check_address("93.184.216.34") is None
    assert check_address("2606:4700::1111") is None
    assert check_address("169.254.169.254") == "link-local"
    assert check_address("127.0.0.2") == "loopback"


def test_a_redirect_into_loopback_is_refused_at_that_hop() -> None:
    with serve("127.0.0.1", {"/secret": (200, {"Content-Type": "text/plain"}, b"internal")}) as inside:
        port = inside.rsplit(":", 1)[1]
        routes = {"/go": (302, {"Location": f"http://127.0.0.1:{port}/secret"}, b"")}
        with serve("127.0.0.2", routes) as outside:
            # the first host is let through (as a public one would be); the hop to 127.0.0.1 is not
            with pytest.raises(FetchRefused) as err:
                fetch(f"{outside}/go", allowed=frozenset({"127.0.0.2"}), timeout=5)
            assert "127.0.0.1" in str(err.value) and "loopback" in str(err.value)
            ok = fetch(f"{outside}/go", allow_private=True, timeout=5)
            assert ok.body == b"internal" and ok.hops[0].status == 302


def test_a_name_resolving_to_loopback_is_refused() -> None:
    assert "127.0.0.1" in {i[4][0] for i in socket.getaddrinfo("localhost", 80)}
    with pytest.raises(FetchRefused) as err:
        fetch("http://localhost:9/", timeout=5)
    assert "loopback" in str(err.value)


def test_200_megabyte_body_is_aborted_early() -> None:
    sent: dict[str, int] = {}
    with serve("127.0.0.1", sent=sent) as base:
        with pytest.raises(FetchRefused) as err:
            fetch(f"{base}/huge", allow_private=True, max_bytes=2 * 1024 * 1024, timeout=30)
        assert "limit" in str(err.value)
        with pytest.raises(FetchRefused) as err:
            fetch(f"{base}/huge-declared", allow_private=True, timeout=30)
        assert "declares 209,715,200 bytes" in str(err.value)
    assert 0 < sent.get("/huge", 0) < 50 * 1024 * 1024  # the server was cut off long before 200 MB


def test_other_schemes_and_dead_hosts() -> None:
    for url in ("file:///etc/passwd", "ftp://example.org/x", "gopher://x/"):
        with pytest.raises(FetchRefused):
            fetch(url)
    with pytest.raises(FetchRefused) as err:
        fetch("http://no-such-host.invalid/", timeout=5)
    assert "cannot resolve" in str(err.value)

"""Fetch a URL as evidence without letting it reach inside the network.

Every hop is resolved and each address checked before connecting;
loopback, private, link-local (169.254.169.254 included), multicast,
reserved and unspecified addresses are refused unless the user opens them
for a lab. The connection goes to the address that was checked (the name
is not resolved twice), with the original Host header and TLS server name.
Bodies stream under a size limit and a deadline and stop as soon as either
is passed.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpx

from vigil import __version__
from vigil.errors import VigilError

USER_AGENT = f"Vigil/{__version__} (evidence capture; +https://example.org/vigil)"
DEFAULT_MAX_BYTES = 25 * 1024 * 1024


class FetchRefused(VigilError):
    """The URL was refused before or while fetching; the message says why in one line."""


@dataclass
class Hop:
    url: str
    ip: str
    status: int
    headers: list[tuple[str, str]]


@dataclass
class FetchResult:
    requested_url: str
    final_url: str
    server_ip: str
    status: int
    reason: str
    http_version: str
    request_headers: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    body: bytes
    hops: list[Hop] = field(default_factory=list)
    started: float = 0.0
    elapsed: float = 0.0

    @property
    def content_type(self) -> str:
        return next((v for k, v in self.headers if k.lower() == "content-type"), "")


def check_address(ip: str) -> str | None:
    """Why an address may not be fetched, or None when it is public."""
    addr = ipaddress.ip_address(ip.split("%")[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    for test, why in (
        (addr.is_loopback, "loopback"),
        (addr.is_link_local, "link-local"),
        (addr.is_multicast, "multicast"),
        (addr.is_unspecified, "unspecified"),
        (addr.is_reserved, "reserved"),
        (addr.is_private, "private"),
        (not addr.is_global, "not globally routable"),
    ):
        if test:
            return why
    return None


def parse_url(url: str) -> httpx.URL:
    """The URL, with its host decoded, or one line saying why it is not one (never an exception)."""
    try:
        target = httpx.URL(url)
        _ = target.host
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:  # idna's errors are ValueErrors
        raise FetchRefused(f"not a valid URL: {url[:200]!r} ({str(exc).splitlines()[0][:120]})") from None
    return target


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchRefused(f"cannot resolve {host}: {exc.strerror}") from None
    except UnicodeError:
        raise FetchRefused(f"not a valid host name: {host[:200]!r}") from None
    seen: list[str] = []
    for info in infos:
        ip = str(info[4][0])
        if ip not in seen:
            seen.append(ip)
    return seen


def guard(host: str, port: int, *, allow_private: bool, allowed: frozenset[str] = frozenset()) -> str:
    """The address to connect to for host:port, every address it resolves to checked first."""
    ips = resolve(host, port)
    if not allow_private:
        for ip in (i for i in ips if i not in allowed):
            why = check_address(ip)
            if why:
                raise FetchRefused(
                    f"refused {host}: it resolves to {ip}, a {why} address "
                    "(--allow-private opens it for a lab)"
                )
    return ips[0]


def preflight(url: str, *, allow_private: bool = False) -> None:
    """Refuse at once a URL that could never be fetched (scheme, host, a private address), so a form
    can say so before it queues the work; `fetch` checks every hop again when it runs."""
    target = parse_url(url)
    if target.scheme not in ("http", "https"):
        raise FetchRefused(f"only http and https URLs are fetched, not {target.scheme or 'this'}: {url}")
    if not target.host:
        raise FetchRefused(f"URL has no host: {url}")
    guard(target.host, target.port or (443 if target.scheme == "https" else 80), allow_private=allow_private)


def fetch(
    url: str,
    *,
    allow_private: bool = False,
    allowed: frozenset[str] = frozenset(),
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = 30.0,
    max_redirects: int = 5,
    headers: Sequence[tuple[str, str]] = (),
) -> FetchResult:
    """GET a URL hop by hop, each hop's addresses checked, the body capped in size and time.

    `headers` are added to every hop's request (a watch's If-None-Match and If-Modified-Since); a
    304 Not Modified comes back as a result like any other, its body empty."""
    started = time.time()
    deadline = time.monotonic() + timeout
    hops: list[Hop] = []
    current = url
    with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False) as client:
        for _ in range(max_redirects + 1):
            target = parse_url(current)
            if target.scheme not in ("http", "https"):
                raise FetchRefused(
                    f"only http and https URLs are fetched, not {target.scheme or 'this'}: {current}"
                )
            host = target.host
            if not host:
                raise FetchRefused(f"URL has no host: {current}")
            port = target.port or (443 if target.scheme == "https" else 80)
            ip = guard(host, port, allow_private=allow_private, allowed=allowed)
            pinned = target.copy_with(host=ip)
            host_header = host if target.port is None else f"{host}:{target.port}"
            req_headers = [
                ("Host", host_header),
                ("User-Agent", USER_AGENT),
                ("Accept", "*/*"),
                ("Accept-Encoding", "identity"),
                ("Connection", "close"),
                *headers,
            ]
            extensions = {"sni_hostname": host} if target.scheme == "https" else {}
            request = client.build_request("GET", pinned, headers=req_headers, extensions=extensions)
            try:
                response = client.send(request, stream=True)
            except httpx.TimeoutException:
                raise FetchRefused(f"timed out after {timeout:.0f} s fetching {current}") from None
            except httpx.HTTPError as exc:
                raise FetchRefused(f"cannot fetch {current}: {exc.__class__.__name__}: {exc}") from None
            try:
                headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]
                if response.is_redirect and "location" in response.headers:
                    hops.append(Hop(current, ip, response.status_code, headers))
                    current = urljoin(current, response.headers["location"])
                    continue
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise FetchRefused(
                        f"{current} declares {int(declared):,} bytes; the limit is {max_bytes:,}"
                    )
                body = bytearray()
                try:
                    for chunk in response.iter_raw():
                        body.extend(chunk)
                        if len(body) > max_bytes:
                            raise FetchRefused(
                                f"{current} sent more than the {max_bytes:,}-byte limit; aborted"
                            )
                        if time.monotonic() > deadline:
                            raise FetchRefused(f"{current} took longer than {timeout:.0f} s; aborted")
                except httpx.TimeoutException:
                    raise FetchRefused(f"timed out after {timeout:.0f} s reading {current}") from None
                except httpx.HTTPError as exc:
                    raise FetchRefused(
                        f"connection broke reading {current}: {exc.__class__.__name__}"
                    ) from None
                return FetchResult(
                    requested_url=url,
                    final_url=current,
                    server_ip=ip,
                    status=response.status_code,
                    reason=response.reason_phrase,
                    http_version=response.http_version,
                    request_headers=req_headers,
                    headers=headers,
                    body=bytes(body),
                    hops=hops,
                    started=started,
                    elapsed=time.time() - started,
                )
            finally:
                response.close()
    raise FetchRefused(f"more than {max_redirects} redirects from {url}")

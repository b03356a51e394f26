"""WARC packaging (ISO 28500) of a capture, with SHA-256 beside warcio's own digests.

A fetched page becomes request and response records, a file a resource
record; a warcinfo record names the tool and the collector. warcio writes
sha1 digests; each record also carries `WARC-X-Payload-SHA256`, which
`vigil verify` checks.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from vigil.capture.fetch import FetchResult

SHA_HEADER = "WARC-X-Payload-SHA256"


def _writer(buf: io.BytesIO, info: dict[str, Any]) -> WARCWriter:
    writer = WARCWriter(buf, gzip=True)
    writer.write_record(
        writer.create_warcinfo_record("vigil-capture.warc.gz", {k: str(v) for k, v in info.items()})
    )
    return writer


def response_warc(result: FetchResult, info: dict[str, Any], when: str) -> bytes:
    """A WARC with the request and the response exactly as exchanged."""
    buf = io.BytesIO()
    writer = _writer(buf, info)
    target = httpx_path(result.final_url)
    req_headers = StatusAndHeaders(f"GET {target} HTTP/1.1", result.request_headers, is_http_request=True)
    common = {"WARC-Date": when, "WARC-IP-Address": result.server_ip}
    request = writer.create_warc_record(
        result.final_url, "request", http_headers=req_headers, warc_headers_dict=common
    )
    proto = "HTTP/2" if result.http_version.upper().startswith("HTTP/2") else "HTTP/1.1"
    status = StatusAndHeaders(f"{result.status} {result.reason}", result.headers, protocol=proto)
    response = writer.create_warc_record(
        result.final_url,
        "response",
        payload=io.BytesIO(result.body),
        http_headers=status,
        warc_headers_dict={
            **common,
            SHA_HEADER: hashlib.sha256(result.body).hexdigest(),
            "WARC-Concurrent-To": request.rec_headers.get_header("WARC-Record-ID"),
        },
    )
    writer.write_record(request)
    writer.write_record(response)
    return buf.getvalue()


def resource_warc(uri: str, data: bytes, media_type: str, info: dict[str, Any], when: str) -> bytes:
    """A WARC with one resource record: a file or standard input, exactly as read."""
    buf = io.BytesIO()
    writer = _writer(buf, info)
    record = writer.create_warc_record(
        uri,
        "resource",
        payload=io.BytesIO(data),
        warc_content_type=media_type,
        warc_headers_dict={"WARC-Date": when, SHA_HEADER: hashlib.sha256(data).hexdigest()},
    )
    writer.write_record(record)
    return buf.getvalue()


def add_screenshot(warc: bytes, uri: str, png: bytes, when: str) -> bytes:
    """Append a screenshot as a resource record (a new WARC member; the earlier bytes unchanged)."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    writer.write_record(
        writer.create_warc_record(
            f"urn:screenshot:{uri}",
            "resource",
            payload=io.BytesIO(png),
            warc_content_type="image/png",
            warc_headers_dict={"WARC-Date": when, SHA_HEADER: hashlib.sha256(png).hexdigest()},
        )
    )
    return warc + buf.getvalue()


@dataclass
class RecordCheck:
    record_type: str
    uri: str
    problem: str | None


def check(warc: bytes) -> Iterator[RecordCheck]:
    """Every record's digests recomputed: warcio's sha1 ones and our SHA-256."""
    try:
        it = ArchiveIterator(io.BytesIO(warc), check_digests=True)
        for record in it:
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            payload = record.content_stream().read()
            problem = None
            want = record.rec_headers.get_header(SHA_HEADER)
            if want and hashlib.sha256(payload).hexdigest() != want:
                problem = "payload SHA-256 differs from the record's header"
            elif record.digest_checker.problems:
                problem = "; ".join(str(p) for p in record.digest_checker.problems)
            yield RecordCheck(record.rec_type, uri, problem)
    except Exception as exc:  # a truncated or corrupted archive
        yield RecordCheck("?", "", f"unreadable WARC: {exc.__class__.__name__}: {exc}")


def httpx_path(url: str) -> str:
    import httpx

    u = httpx.URL(url)
    return u.raw_path.decode("ascii", "replace") or "/"


def info_record(collector: str, tool: dict[str, str], note: str | None) -> dict[str, Any]:
    return {
        "software": f"{tool['name']}/{tool['version']}",
        "operator": collector,
        "format": "WARC/1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/",
        "note": json.dumps(note or ""),
    }

"""Bytes in, an Article out: decide what the bytes are and refuse what they are not.

Everything a user can hand the CLI passes through here first, so bad input
(binary junk, invalid UTF-8, an empty or oversized file) stops with one
clear line before any parser sees it.
"""

from __future__ import annotations

import os
import re

from vigil.errors import InputError
from vigil.extract.budget import Budget
from vigil.extract.html import from_html
from vigil.extract.pdf import from_pdf
from vigil.extract.text import Article, structure

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
HTML_SNIFF = re.compile(
    rb"<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<article[\s>]|<p[\s>]", re.I
)
CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w-]+)", re.I)


def max_bytes() -> int:
    """The input size limit, `VIGIL_MAX_BYTES` or 50 MB."""
    try:
        return int(os.environ.get("VIGIL_MAX_BYTES", DEFAULT_MAX_BYTES))
    except ValueError:
        return DEFAULT_MAX_BYTES


def sniff(data: bytes) -> str:
    """`pdf`, `html` or `text`, from the bytes themselves."""
    head = data[:4096].lstrip()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if HTML_SNIFF.search(head):
        return "html"
    return "text"


def _decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:65536]:
        raise InputError("input looks binary (NUL bytes), not text, HTML or PDF")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"input is not valid UTF-8 (bad byte at offset {exc.start})") from None
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:65536]) // 100):
        raise InputError("input looks binary (control characters), not text")
    return text


def _decode_html(data: bytes) -> str:
    m = CHARSET.search(data[:4096])
    encoding = m.group(1).decode("ascii", "replace") if m else "utf-8"
    if b"\x00" in data[:65536]:
        raise InputError("input looks binary (NUL bytes), not HTML")
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"HTML is not valid {encoding} (bad byte at offset {exc.start})") from None


def read(data: bytes, url: str | None = None, budget: Budget | None = None) -> Article:
    """Turn input bytes into an Article, or raise InputError with a one-line reason."""
    if len(data) > max_bytes():
        raise InputError(f"input is {len(data):,} bytes; the limit is {max_bytes():,} (VIGIL_MAX_BYTES)")
    if not data.strip():
        raise InputError("input is empty")
    kind = sniff(data)
    if kind == "pdf":
        return from_pdf(data, budget=budget)
    if kind == "html":
        return from_html(_decode_html(data), url=url, budget=budget)
    text = _decode_text(data)
    art = structure(text, budget=budget)
    if url and not art.url:
        art.url = url
    return art

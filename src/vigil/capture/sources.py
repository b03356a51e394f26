"""What `vigil ingest` reads: files, directories, URL lists, WARC and WACZ archives, JSON-lines dumps.

Everything is read lazily, one item at a time, so a dump of a million pages never sits in memory.
The bytes are read here, in the client, so that workers on other machines need no shared disk and
the store can be asked whether an item is already there before any work is sent out.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator

from vigil.capture.intake import is_url
from vigil.errors import InputError
from vigil.extract.reader import max_bytes

PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/pdf")


@dataclass(frozen=True)
class Item:
    """One capture to make: bytes already read (file, archive record, dump line) or a URL to fetch."""

    method: str  # file, url, warc, wacz or jsonl: the capture's method ("http" for a URL)
    uri: str  # the capture's URL: the page's own, or file:// for a file
    label: str  # how messages name it
    source: str | None = None  # the key skipping goes by, with the SHA-256 (captures.source_path)
    data: bytes | None = None  # None: a URL, fetched by a worker
    published: str | None = None
    media_type: str | None = None  # as the archive or the dump declares it
    note: str | None = None  # where in an archive this came from, for the custody record
    details: dict[str, str] = field(default_factory=dict)  # the same, in the custody event


@dataclass(frozen=True)
class Unreadable:
    """An input that could not be read: a failure of the run, named in the summary."""

    label: str
    reason: str


@dataclass(frozen=True)
class PassedOver:
    """An archive record that is no page (a redirect, an image, a script): not a capture."""

    label: str


Entry = Item | Unreadable | PassedOver


def check_date(value: str | None, where: str) -> str | None:
    """YYYY-MM-DD, normalised; InputError names where the bad date was found."""
    if value is None or not str(value).strip():
        return None
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise InputError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def read_list(path: Path) -> list[tuple[str, str | None]]:
    """A list file: PATH_OR_URL, optionally a tab and a YYYY-MM-DD date; # starts a comment line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    listed: list[tuple[str, str | None]] = []
    for ln in lines:
        if not ln.strip() or ln.startswith("#"):
            continue
        item, _, day = ln.partition("\t")
        listed.append((item.strip(), check_date(day, f"{path}: {item.strip()}")))
    return listed


def check_inputs(inputs: Iterable[tuple[str, str | None]]) -> None:
    """Every input is a URL or an existing path: a bad argument is refused before any work starts."""
    for item, _ in inputs:
        if not is_url(item) and not Path(item).exists():
            raise InputError(f"no such file, directory or URL: {item}")


def kind_of(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".wacz"):
        return "wacz"
    if name.endswith((".warc", ".warc.gz")):
        return "warc"
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    return "file"


def expand(inputs: Iterable[tuple[str, str | None]]) -> Iterator[tuple[str, Path | None, str | None]]:
    """(URL or file, its date): directories become their files, recursively, hidden ones left out."""
    for item, day in inputs:
        if is_url(item):
            yield item, None, day
            continue
        p = Path(item)
        if p.is_dir():
            for f in sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")):
                yield str(f), f, day
        else:
            yield item, p, day


def entries(inputs: Iterable[tuple[str, str | None]], published: str | None) -> Iterator[Entry]:
    """Every capture to make from the inputs, in order; `published` where nothing gives a date."""
    for item, path, day in expand(inputs):
        when = day or published
        if path is None:
            yield Item(method="url", uri=item, label=item, published=when)
            continue
        kind = kind_of(path)
        if kind == "file":
            yield file_item(path, when)
        elif kind == "jsonl":
            yield from jsonl_items(path, when)
        else:
            yield from archive_items(path, kind, when)


def count(inputs: Iterable[tuple[str, str | None]]) -> int:
    """How many entries the inputs hold (archives and dumps are read once more for it), for the bar."""
    n = 0
    for _, path, _ in expand(inputs):
        if path is None or kind_of(path) == "file":
            n += 1
        elif kind_of(path) == "jsonl":
            n += _count_lines(path)
        else:
            n += sum(1 for _ in archive_items(path, kind_of(path), None, headers_only=True))
    return n


def _count_lines(path: Path) -> int:
    try:
        with path.open("rb") as fh:
            return sum(1 for ln in fh if ln.strip())
    except OSError:
        return 1


def file_item(path: Path, published: str | None) -> Item | Unreadable:
    """A file's bytes, checked for size before they are read."""
    try:
        size = path.stat().st_size
        if size > max_bytes():
            return Unreadable(str(path), f"input is {size:,} bytes; the limit is {max_bytes():,}")
        data = path.read_bytes()
    except OSError as exc:
        return Unreadable(str(path), f"cannot read: {exc.strerror or exc}")
    if not data:
        return Unreadable(str(path), "input is empty")
    full = path.resolve()
    return Item(
        method="file", uri=full.as_uri(), label=str(path), source=str(full), data=data, published=published
    )


def jsonl_items(path: Path, published: str | None) -> Iterator[Item | Unreadable]:
    """One item a line: {"url": …, "published": …, "html": … or "text": …}."""
    full = path.resolve()
    try:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    yield jsonl_item(full, n, line, published)
    except (OSError, UnicodeDecodeError) as exc:
        yield Unreadable(str(path), f"cannot read the dump: {exc}")


def jsonl_item(dump: Path, n: int, line: str, published: str | None) -> Item | Unreadable:
    label = f"{dump.name} line {n}"
    try:
        obj = json.loads(line)
        if not isinstance(obj, dict):
            raise ValueError("not an object")
        day = check_date(obj.get("published"), label) or published
    except InputError as exc:
        return Unreadable(label, str(exc))
    except ValueError as exc:
        return Unreadable(label, f"not a dump line: {str(exc).splitlines()[0]}")
    body, media = (obj.get("html"), "text/html") if obj.get("html") else (obj.get("text"), "text/plain")
    if not isinstance(body, str) or not body.strip():
        return Unreadable(label, "input is empty (no html or text field)")
    url = obj.get("url") if isinstance(obj.get("url"), str) and obj.get("url") else None
    where = {"dump": str(dump), "dump_line": str(n)}
    return Item(
        method="jsonl",
        uri=url or f"{dump.as_uri()}#L{n}",
        label=label,
        source=f"{dump}#{url or f'L{n}'}",
        data=body.encode("utf-8"),
        published=day,
        media_type=media,
        note=f"from the dump {dump}, line {n}",
        details=where,
    )


def archive_items(
    path: Path, kind: str, published: str | None, headers_only: bool = False
) -> Iterator[Entry]:
    """Each page record of a WARC, or of every WARC inside a WACZ (a zip: archive/*.warc[.gz])."""
    full = path.resolve()
    try:
        if kind == "warc":
            with path.open("rb") as fh:
                yield from warc_records(fh, full, None, kind, published, headers_only)
            return
        with zipfile.ZipFile(path) as z:
            for member in sorted(n for n in z.namelist() if n.endswith((".warc", ".warc.gz"))):
                with z.open(member) as fh:
                    yield from warc_records(fh, full, member, kind, published, headers_only)
    except Exception as exc:  # a truncated or corrupted archive: warcio and zipfile raise many kinds
        yield Unreadable(str(path), f"unreadable {kind.upper()}: {exc.__class__.__name__}: {exc}")


def warc_records(
    stream: IO[bytes], archive: Path, member: str | None, kind: str, published: str | None, headers_only: bool
) -> Iterator[Entry]:
    for record in ArchiveIterator(stream):
        if record.rec_type not in ("response", "resource"):
            continue
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        label = f"{archive.name}{'!' + member if member else ''} {uri}"
        if not is_page(record):
            yield PassedOver(label)
        elif headers_only:
            yield Item(method=kind, uri=uri, label=label)  # counted only
        else:
            yield record_item(record, archive, member, kind, published, label)


def is_page(record: Any) -> bool:
    """A 2xx response (or a resource) whose type is one Vigil reads: HTML, text or PDF."""
    if record.rec_type == "response":
        http = record.http_headers
        if http is None or not str(http.get_statuscode() or "").startswith("2"):
            return False
        declared = http.get_header("Content-Type") or ""
    else:
        declared = record.rec_headers.get_header("Content-Type") or ""
    return str(declared).split(";")[0].strip().lower() in PAGE_TYPES


def record_item(
    record: Any, archive: Path, member: str | None, kind: str, published: str | None, label: str
) -> Item | Unreadable:
    """One record's payload (HTTP chunking and content encoding undone), and where it came from."""
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    rid = record.rec_headers.get_header("WARC-Record-ID") or ""
    data: bytes = record.content_stream().read()
    if not data:
        return Unreadable(label, "input is empty")
    media = (record.http_headers or record.rec_headers).get_header("Content-Type")
    where = f"{archive}{'!' + member if member else ''}"
    details = {"archive": str(archive), "warc_record_id": rid, "target_uri": uri}
    if member:
        details["archive_member"] = member
    if record.rec_headers.get_header("WARC-Date"):
        details["warc_date"] = record.rec_headers.get_header("WARC-Date")
    return Item(
        method=kind,
        uri=uri,
        label=label,
        source=f"{where}#{rid}",
        data=data,
        published=published,
        media_type=media,
        note=f"from {kind.upper()} {where}, record {rid}, {uri}",
        details=details,
    )

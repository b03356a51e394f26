"""Content-addressed storage of exact bytes: written once, never changed.

A blob's name is its SHA-256. Writing goes through a temporary file, fsync
and an atomic rename, so an interrupted capture leaves either the whole
blob or nothing; an existing blob is never rewritten.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root / "blobs" / "sha256"
        self.tmp = root / "tmp"
        self._made: set[Path] = set()  # folders known to exist: a bulk run puts thousands of blobs

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def put(self, data: bytes) -> str:
        """Store bytes and return their SHA-256; a second copy of the same bytes is not written."""
        sha = hashlib.sha256(data).hexdigest()
        dest = self.path(sha)
        if dest.exists():
            return sha
        self._folder(dest.parent)
        self._folder(self.tmp)
        fd, tmp = tempfile.mkstemp(dir=self.tmp, prefix="blob-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o444)
            if dest.exists():  # another writer got there first with the same bytes
                os.unlink(tmp)
            else:
                os.replace(tmp, dest)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return sha

    def put_all(self, items: list[bytes]) -> list[str]:
        """Store many blobs at once, in threads: each waits on its own fsync, and those overlap."""
        if len(items) < 2:
            return [self.put(b) for b in items]
        with ThreadPoolExecutor(max_workers=min(8, len(items))) as pool:
            return list(pool.map(self.put, items))

    def _folder(self, folder: Path) -> None:
        if folder not in self._made:
            folder.mkdir(parents=True, exist_ok=True)
            self._made.add(folder)

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def rehash(self, sha256: str) -> str | None:
        """The SHA-256 of the stored file now, or None when it is missing."""
        p = self.path(sha256)
        if not p.exists():
            return None
        h = hashlib.sha256()
        with p.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()

    def all(self) -> Iterator[str]:
        if self.root.exists():
            for p in sorted(self.root.glob("*/*/*")):
                yield p.name

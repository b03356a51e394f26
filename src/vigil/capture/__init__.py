"""Bytes in: fetching (SSRF-guarded), the blob store, WARC packaging, trusted time."""

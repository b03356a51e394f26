"""Trusted time (RFC 3161): a time-stamp authority signs a capture's digests.

The message is the capture's SHA-256 digests, one per line, sorted (as
Bellingcat's auto-archiver does). The token and the certificate chain
given to trust it are stored as blobs, so `vigil verify` can check the
token later without the network.
"""

from __future__ import annotations

import hashlib

import httpx
from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from vigil.errors import VigilError


class TimestampError(VigilError):
    """The time-stamp authority could not be reached or gave no valid token."""


def message(digests: list[str]) -> bytes:
    return "\n".join(sorted(digests)).encode()


def request_token(tsa_url: str, data: bytes, timeout: float = 30.0) -> bytes:
    """Ask the TSA for a token over `data`; returns the DER time-stamp response."""
    req = (
        TimestampRequestBuilder()
        .data(data)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    try:
        resp = httpx.post(
            tsa_url,
            content=req.as_bytes(),
            timeout=timeout,
            headers={"Content-Type": "application/timestamp-query"},
        )
    except httpx.HTTPError as exc:
        raise TimestampError(
            f"time-stamp authority {tsa_url} unreachable: {exc.__class__.__name__}"
        ) from None
    if resp.status_code != 200:
        raise TimestampError(f"time-stamp authority {tsa_url} answered HTTP {resp.status_code}")
    try:
        decoded = decode_timestamp_response(resp.content)
    except Exception as exc:  # malformed DER
        raise TimestampError(f"time-stamp authority sent an unreadable response: {exc}") from None
    if PKIStatus(decoded.status) not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        raise TimestampError(f"time-stamp authority refused the request (status {decoded.status})")
    if decoded.tst_info.nonce != req.nonce:
        raise TimestampError("time-stamp response does not answer our request (nonce differs)")
    return resp.content


def load_chain(pem: bytes) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise TimestampError(f"cannot read the TSA certificate chain: {exc}") from None


def check_token(token: bytes, digest: bytes, chain_pem: bytes | None) -> str | None:
    """Why a stored token does not prove `digest` (a SHA-256 of the message), or None when it does."""
    try:
        resp = decode_timestamp_response(token)
    except Exception as exc:  # a corrupted token
        return f"token unreadable: {exc.__class__.__name__}"
    if resp.tst_info.message_imprint.message != digest:
        return "token was issued for other data"
    if chain_pem is None:
        return "no certificate chain stored to check the signature"
    certs = load_chain(chain_pem)
    builder = VerifierBuilder()
    builder = builder.add_root_certificate(certs[-1])
    for c in certs[:-1]:
        builder = builder.add_intermediate_certificate(c)
    try:
        builder.build().verify(resp, digest)
    except VerificationError as exc:
        return f"signature does not verify: {exc}"
    return None


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()

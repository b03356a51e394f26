"""Sending an alert: a JSON POST to a webhook and an e-mail through the configured SMTP server.

Each delivery returns what happened as a record (`ok`, `detail`) and never
raises: a webhook that is down or a mail server that refuses must not stop
a poll, and the failure is kept with the alert. The webhook's host is
resolved and checked like any fetch (no loopback, private or link-local
address unless the user opens them for a lab), and the POST goes to the
address that was checked.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
from email.message import EmailMessage
from typing import Any

import httpx

from vigil.capture.fetch import USER_AGENT, FetchRefused, guard, parse_url

TIMEOUT = 10.0


def post_json(url: str, payload: dict[str, Any], *, allow_private: bool, timeout: float = TIMEOUT) -> str:
    """POST the payload; the answer's status line, or FetchRefused saying why it was not delivered."""
    target = parse_url(url)
    if target.scheme not in ("http", "https") or not target.host:
        raise FetchRefused(f"a webhook must be an http or https URL with a host: {url}")
    port = target.port or (443 if target.scheme == "https" else 80)
    ip = guard(target.host, port, allow_private=allow_private)
    host_header = target.host if target.port is None else f"{target.host}:{target.port}"
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {"Host": host_header, "User-Agent": USER_AGENT, "Content-Type": "application/json"}
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    try:
        with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False) as c:
            r = c.post(target.copy_with(host=ip), content=body, headers=headers, extensions=extensions)
    except httpx.HTTPError as exc:
        raise FetchRefused(f"cannot POST to {url}: {exc.__class__.__name__}: {exc}") from None
    if not 200 <= r.status_code < 300:
        raise FetchRefused(f"{url} answered HTTP {r.status_code} {r.reason_phrase}")
    return f"HTTP {r.status_code}"


def smtp_settings() -> tuple[str | None, int, str]:
    """Host, port and sender from VIGIL_SMTP_HOST, VIGIL_SMTP_PORT (25) and VIGIL_SMTP_FROM."""
    host = os.environ.get("VIGIL_SMTP_HOST") or None
    port = int(os.environ.get("VIGIL_SMTP_PORT") or 25)
    sender = os.environ.get("VIGIL_SMTP_FROM") or "vigil@localhost"
    return host, port, sender


def send_mail(to: str, subject: str, body: str, timeout: float = TIMEOUT) -> str:
    """Send one plain-text message (STARTTLS when the server offers it); raises OSError or SMTPException."""
    host, port, sender = smtp_settings()
    if host is None:
        raise smtplib.SMTPException("VIGIL_SMTP_HOST is not set")
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg.set_content(body)
    with smtplib.SMTP(host, port, timeout=timeout) as smtp:
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        smtp.send_message(msg)
    return f"sent through {host}:{port}"


def deliver(
    payload: dict[str, Any],
    subject: str,
    webhook: str | None,
    email: str | None,
    *,
    allow_private: bool = False,
) -> list[dict[str, Any]]:
    """Every delivery the rule asks for, each recorded as done or failed with why."""
    done: list[dict[str, Any]] = []
    if webhook:
        try:
            done.append(
                {
                    "channel": "webhook",
                    "to": webhook,
                    "ok": True,
                    "detail": post_json(webhook, payload, allow_private=allow_private),
                }
            )
        except (FetchRefused, ValueError, OSError) as exc:
            done.append({"channel": "webhook", "to": webhook, "ok": False, "detail": str(exc)})
    if email:
        body = json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True)
        try:
            done.append(
                {"channel": "email", "to": email, "ok": True, "detail": send_mail(email, subject, body)}
            )
        except (OSError, smtplib.SMTPException, ValueError) as exc:
            done.append(
                {"channel": "email", "to": email, "ok": False, "detail": f"{exc.__class__.__name__}: {exc}"}
            )
    return done

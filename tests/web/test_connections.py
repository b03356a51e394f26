"""A keep-alive connection is closed after `connections.REQUESTS` answers, so that clients spread
over the workers; the answer that closes it is whole and carries the security headers."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

from tests.web.conftest import Served
from vigil.web import connections


def test_a_connection_is_closed_after_its_share_of_answers_and_a_new_one_counts_anew(served: Served) -> None:
    where = urlsplit(served.url)
    for _ in range(2):  # a second connection starts its count again
        conn = http.client.HTTPConnection(where.hostname or "", where.port, timeout=30)
        for n in range(1, connections.REQUESTS + 1):
            conn.request("GET", "/login")
            r = conn.getresponse()
            body = r.read()
            assert r.status == 200 and b"<form" in body
            assert r.getheader("x-frame-options") == "DENY"
            assert (r.getheader("connection") == "close") == (n == connections.REQUESTS), n
            assert conn.sock is not None or n == connections.REQUESTS
        assert conn.sock is None  # http.client saw the close and dropped the socket
        conn.close()

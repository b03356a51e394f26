"""Keep-alive connections are closed after REQUESTS answers, so that clients spread over the workers.

`vigil serve --workers N` runs N processes that take connections from one listening socket, and a
connection stays with the worker that took it: a few busy browsers can queue on one worker while
another idles, and under load each worker gets the same share of the cores whatever its queue.
Closing a connection now and then (as nginx's `keepalive_requests` and Envoy's
`max_requests_per_connection` do) lets the client reconnect, and a new connection goes to whichever
worker is free to accept it first. The cost is one reconnection per REQUESTS answers.
"""

from __future__ import annotations

from collections import OrderedDict

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = 20
TRACKED = 10_000  # connections remembered; past that the oldest are forgotten (counted anew)


class RebalanceMiddleware:
    def __init__(self, app: ASGIApp, requests: int = REQUESTS) -> None:
        self.app = app
        self.requests = requests
        self.seen: OrderedDict[tuple[str, int], int] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] != "http" or not client:
            await self.app(scope, receive, send)
            return
        key = (str(client[0]), int(client[1]))
        n = self.seen.pop(key, 0) + 1
        last = n >= self.requests
        if not last:
            self.seen[key] = n
            while len(self.seen) > TRACKED:
                self.seen.popitem(last=False)

        async def closing_send(message: Message) -> None:
            if last and message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, closing_send if last else send)

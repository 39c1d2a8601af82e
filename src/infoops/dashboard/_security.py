"""Every request passes one guard: host check, token, same-origin writes, strict headers.

- On loopback the server answers only to the loopback host names themselves
  (127.0.0.1, ::1, localhost, with or without a port), compared whole: a web page
  cannot reach it through DNS rebinding (a hostile name resolving to 127.0.0.1,
  such as ``127.0.0.1.nip.io`` or ``127.evil.example``).
- With a token (required off loopback) each request carries it: the
  ``Authorization: Bearer`` header, the ``infoops_token`` cookie, or ``?token=``
  on the first page load, which sets that cookie (HttpOnly, SameSite=Strict).
- A request that changes something (POST) must be JSON from the same origin:
  another site's form or script cannot start runs.
- A strict Content-Security-Policy: scripts only from this server, no inline
  script, no eval, nothing from another origin.
"""

from __future__ import annotations

import re
import secrets
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs, urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "infoops_token"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
MIN_TOKEN = 16  # characters, for a token chosen with --token off loopback
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; worker-src 'self' blob:; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def is_loopback(host: str) -> bool:
    """True for a loopback name exactly (127.0.0.1, ::1, [::1], localhost; any case), never
    for a longer name that starts or ends like one (``127.0.0.1.nip.io``)."""
    return host.lower() in LOOPBACK_HOSTS


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Guard:
    """ASGI middleware: refuse what the security model forbids, add the security headers."""

    def __init__(self, app: ASGIApp, token: str | None, check_host: bool) -> None:
        self.app, self.token, self.check_host = app, token, check_host

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await _plain(send, *refusal)
            return
        from_query = self.token is not None and self._query_token(scope) == self.token
        await self.app(scope, receive, self._with_headers(send, from_query))

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        """(status, reason) when the request must be refused, else None."""
        host = headers.get("host", "")
        if self.check_host and not is_loopback(_hostname(host)):
            return 400, f"unexpected Host header {host!r}: open the dashboard on 127.0.0.1"
        if self.token is not None and not self._authorised(scope, headers):
            return 401, "a token is required: open the URL that 'infoops serve' printed"
        if scope["method"] not in ("GET", "HEAD"):
            origin = headers.get("origin")
            if origin is not None and urlsplit(origin).netloc != host:
                return 403, "cross-origin request refused"
            if not headers.get("content-type", "").startswith("application/json"):
                return 415, "send JSON (Content-Type: application/json)"
        return None

    def _authorised(self, scope: Scope, headers: dict[str, str]) -> bool:
        assert self.token is not None
        given = [self._query_token(scope)]
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            given.append(auth[7:].strip())
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except CookieError:  # a malformed cookie is just no token
            cookie = SimpleCookie()
        if COOKIE in cookie:
            given.append(cookie[COOKIE].value)
        return any(g and secrets.compare_digest(g, self.token) for g in given)

    @staticmethod
    def _query_token(scope: Scope) -> str | None:
        values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
        return values[0] if values else None

    def _with_headers(self, send: Send, set_cookie: bool) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers += [h for h in HEADERS if h[0] not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                if set_cookie:
                    value = f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
                    headers.append((b"set-cookie", value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        return wrapped


_HOST = re.compile(r"(\[[^\]]*\]|[^:\[\]]*)(?::[0-9]{1,5})?")


def _hostname(host: str) -> str:
    """The name part of a Host header (``[::1]:8000`` gives ``[::1]``); a header that is not
    NAME or NAME:PORT comes back whole, so that only a bare ``::1`` can still match."""
    found = _HOST.fullmatch(host)
    return found.group(1) if found else host


async def _plain(send: Send, status: int, text: str) -> None:
    body = (text + "\n").encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"content-security-policy", CSP.encode()),
        *HEADERS,
    ]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})

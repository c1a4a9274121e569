"""Security headers on every response: pages, ``.json`` twins, the API, static files, files
for download, redirects and errors (including the 500 of an unhandled exception).

A small pure-ASGI wrapper rather than a library: it adds fixed headers to the
``http.response.start`` message, so it sees every response the application sends — also the
ones Starlette's ``ServerErrorMiddleware`` makes, which sits outside any middleware added
with ``app.add_middleware`` (``SijeongApp.build_middleware_stack`` puts this wrapper around
it). Libraries such as ``secure`` only build the header values and would still need this
hook; the values are a handful of constants.

The policy, made for these pages (no script at all, one stylesheet per kind, SVG charts
inlined without ``<style>`` or ``style=``, see ``charts``):

- ``Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self' data:;
  font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`` — nothing
  runs, nothing is loaded from elsewhere, no inline style, forms only post back here, no
  framing;
- ``X-Frame-Options: DENY`` for browsers without ``frame-ancestors``;
- ``X-Content-Type-Options: nosniff``;
- ``Referrer-Policy: same-origin`` (addresses carry the municipality, year and department
  asked for; they are not sent to other sites);
- ``Cross-Origin-Opener-Policy: same-origin`` and a ``Permissions-Policy`` that turns off
  the powerful features no page uses;
- ``Strict-Transport-Security`` only when the configured public address is https.

A header the route already set (e.g. a download's own policy) is left as it is.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from fastapi import FastAPI

CSP = "; ".join([
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])

HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
HSTS = "max-age=31536000"

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


def headers_for(public_url: str | None) -> dict[str, str]:
    out = dict(HEADERS)
    if (public_url or "").lower().startswith("https://"):
        out["Strict-Transport-Security"] = HSTS
    return out


class SecurityHeaders:
    """ASGI middleware: adds ``headers`` to every HTTP response that lacks them."""

    def __init__(self, app: Callable, headers: dict[str, str]):
        self.app = app
        self.raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.raw if k not in have]
                if extra:
                    message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SijeongApp(FastAPI):
    """FastAPI whose outermost layer adds the security headers (see the module doc)."""

    security_headers: dict[str, str] = HEADERS

    def build_middleware_stack(self):  # type: ignore[override]
        return SecurityHeaders(super().build_middleware_stack(), self.security_headers)

"""ASGI middleware enforcing the CSRF double submit, Origin and Sec-Fetch-Site checks."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header

from .asgi import (
    SAFE_METHODS,
    ASGIApp,
    ClientAddressResolver,
    Message,
    Receive,
    Scope,
    Send,
    cookies,
    header,
    header_text,
    send_problem,
)
from .csrf import (
    COOKIE_NAME,
    FORM_FIELD,
    SECURE_COOKIE_NAME,
    csrf_cookie_header,
    make_token,
    token_is_bound,
    tokens_match,
)
from .tokens import ACCESS_COOKIES, access_token, session_id_of, verified_claims

RejectionHook = Callable[[str, str, str | None, str], None]
API_PREFIX = "/api/v2/"
FORM_SCAN_LIMIT = 65536


class _FirstFieldFinder:
    """Find the csrf_token field among the leading parts of a multipart body."""

    def __init__(self, boundary: bytes) -> None:
        self.value: bytes | None = None
        self.done = False
        self._name = b""
        self._header = b""
        self._current_name: bytes | None = None
        self._data = b""
        self.parser = MultipartParser(
            boundary,
            callbacks={
                "on_header_field": self._on_field,
                "on_header_value": self._on_value,
                "on_header_end": self._on_header_end,
                "on_part_begin": self._on_part_begin,
                "on_part_data": self._on_data,
                "on_part_end": self._on_part_end,
            },
        )

    def _on_part_begin(self) -> None:
        self._current_name = None
        self._data = b""

    def _on_field(self, data: bytes, start: int, end: int) -> None:
        self._name += data[start:end]

    def _on_value(self, data: bytes, start: int, end: int) -> None:
        self._header += data[start:end]

    def _on_header_end(self) -> None:
        if self._name.lower() == b"content-disposition":
            _, options = parse_options_header(self._header)
            if b"filename" in options:
                self.done = True  # the token must come before the first file
            self._current_name = options.get(b"name")
        self._name = b""
        self._header = b""

    def _on_data(self, data: bytes, start: int, end: int) -> None:
        if self._current_name == FORM_FIELD.encode() and len(self._data) < 512:
            self._data += data[start:end]

    def _on_part_end(self) -> None:
        if self._current_name == FORM_FIELD.encode():
            self.value = self._data
            self.done = True

    def feed(self, chunk: bytes) -> None:
        if self.done:
            return
        try:
            self.parser.write(chunk)
        except MultipartParseError:
            self.done = True


def _has_bearer(scope: Scope) -> bool:
    return (header(scope, b"authorization") or b"")[:7].lower() == b"bearer "


class CsrfMiddleware:
    """Reject unsafe requests that a browser could send from another site.

    Every unsafe request is refused when its Origin is neither this server nor a configured
    CORS origin, or when Sec-Fetch-Site says cross-site. Unsafe requests that carry cookies
    and no bearer token must also echo the CSRF cookie in X-CSRF-Token or the form field csrf_token, and the
    token must verify for the request's session. API requests with a text/plain body are
    refused, because a cross-site form can send that type without a preflight.
    """

    def __init__(
        self,
        app: ASGIApp,
        secret_key: bytes,
        token_key: bytes,
        allowed_origins: frozenset[str],
        resolver: ClientAddressResolver,
        on_reject: RejectionHook | None = None,
    ) -> None:
        self.app = app
        self.secret_key = secret_key
        self.token_key = token_key
        self.allowed_origins = allowed_origins
        self.resolver = resolver
        self.on_reject = on_reject

    def _same_origin(self, scope: Scope, origin: str) -> bool:
        host = header_text(scope, b"host")
        parts = urlsplit(origin)
        return (
            bool(host) and parts.netloc.lower() == (host or "").lower() and parts.scheme in {"http", "https"}
        )

    def _session_id(self, scope: Scope) -> str | None:
        token, _ = access_token(scope)
        return session_id_of(verified_claims(token, self.token_key))

    async def _reject(self, scope: Scope, send: Send, code: str, detail: str, status: int = 403) -> None:
        if self.on_reject is not None:
            self.on_reject("csrf:rejected", self.resolver.resolve(scope), None, str(scope.get("path", "")))
        await send_problem(send, scope, status, code, "Request rejected", detail)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = self.resolver.scheme(scope) == "https"
        jar = cookies(scope)
        if _has_bearer(scope):
            # The bearer header authenticates and a cross-site page cannot set it, so the request
            # needs no CSRF token and gets no CSRF cookie. Unsafe requests still pass the origin checks.
            if scope["method"] not in SAFE_METHODS:
                verdict = await self._check_unsafe(scope, receive, jar, None, None)
                if isinstance(verdict, tuple):
                    await self._reject(scope, send, *verdict)
                    return
                receive = verdict
            await self.app(scope, receive, send)
            return
        cookie_token = jar.get(SECURE_COOKIE_NAME if secure else COOKIE_NAME)
        session_id = self._session_id(scope)
        valid_cookie = cookie_token is not None and token_is_bound(self.secret_key, session_id, cookie_token)

        if scope["method"] not in SAFE_METHODS:
            verdict = await self._check_unsafe(scope, receive, jar, cookie_token, session_id)
            if isinstance(verdict, tuple):
                await self._reject(scope, send, *verdict)
                return
            receive = verdict

        state = scope.setdefault("state", {})
        token = cookie_token if valid_cookie and cookie_token else make_token(self.secret_key, session_id)
        state["csrf_token"] = token
        await self.app(scope, receive, self._cookie_sender(send, token, not valid_cookie, secure))

    async def _check_unsafe(
        self,
        scope: Scope,
        receive: Receive,
        jar: dict[str, str],
        cookie_token: str | None,
        session_id: str | None,
    ) -> Receive | tuple[str, str] | tuple[str, str, int]:
        origin = header_text(scope, b"origin")
        if origin is not None and origin not in self.allowed_origins and not self._same_origin(scope, origin):
            return ("cross_origin_request", "requests from other sites are not accepted")
        if (header_text(scope, b"sec-fetch-site") or "").lower() == "cross-site":
            return ("cross_site_request", "requests from other sites are not accepted")
        path = str(scope.get("path", ""))
        media = (header(scope, b"content-type") or b"").split(b";", 1)[0].strip().lower()
        if path.startswith(API_PREFIX) and media == b"text/plain":
            return ("unsupported_media_type", "send JSON (application/json) or a form, not text/plain", 415)
        if not jar:
            return receive  # no ambient credentials: nothing a cross-site page could ride on
        if _has_bearer(scope):
            # The bearer header authenticates (it wins over the cookie), and a cross-site page
            # cannot set it without a CORS preflight that only configured origins pass.
            return receive

        submitted = header_text(scope, b"x-csrf-token")
        if submitted is None and media in {b"application/x-www-form-urlencoded", b"multipart/form-data"}:
            submitted, receive = await self._token_from_form(scope, receive, media)
        if not tokens_match(self.secret_key, session_id, cookie_token, submitted):
            return ("csrf_failed", "the CSRF token is missing or invalid; reload the page and try again")
        return receive

    async def _token_from_form(
        self, scope: Scope, receive: Receive, media: bytes
    ) -> tuple[str | None, Receive]:
        finder: _FirstFieldFinder | None = None
        if media == b"multipart/form-data":
            _, options = parse_options_header(header(scope, b"content-type") or b"")
            boundary = options.get(b"boundary")
            if not boundary:
                return None, receive
            finder = _FirstFieldFinder(boundary)
        chunks: list[Message] = []
        size = 0
        more = True
        while more and size <= FORM_SCAN_LIMIT:
            message = await receive()
            chunks.append(message)
            if message["type"] != "http.request":
                break
            body = message.get("body", b"")
            size += len(body)
            more = bool(message.get("more_body", False))
            if finder is not None:
                finder.feed(body)
                if finder.done:
                    break
        token: str | None = None
        if finder is not None:
            token = finder.value.decode("utf-8", "replace") if finder.value is not None else None
        elif not more:
            raw = b"".join(m.get("body", b"") for m in chunks if m["type"] == "http.request")
            try:
                values = parse_qs(raw.decode("utf-8"), max_num_fields=100).get(FORM_FIELD)
            except (UnicodeDecodeError, ValueError):
                values = None
            token = values[0] if values else None
        return token, _replay(chunks, receive)

    def _cookie_sender(self, send: Send, token: str, set_cookie: bool, secure: bool) -> Send:
        async def sender(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                new_session = self._session_set_by_response(headers)
                sets_csrf = any(
                    k.lower() == b"set-cookie"
                    and v.split(b"=", 1)[0].strip() in {b"ea_csrf", b"__Host-ea_csrf"}
                    for k, v in headers
                )
                value: str | None = None
                if new_session is not None:
                    value = make_token(self.secret_key, new_session)
                elif set_cookie:
                    value = token
                if value is not None and not sets_csrf:
                    headers.append((b"set-cookie", csrf_cookie_header(value, secure).encode()))
                    message["headers"] = headers
            await send(message)

        return sender

    def _session_set_by_response(self, headers: list[tuple[bytes, bytes]]) -> str | None:
        """Return the session id of an access cookie the response sets (a login), if any."""
        for key, value in headers:
            if key.lower() != b"set-cookie":
                continue
            name, _, rest = value.decode("latin-1").partition("=")
            if name.strip() in ACCESS_COOKIES:
                token = rest.split(";", 1)[0]
                return session_id_of(verified_claims(token, self.token_key))
        return None


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay

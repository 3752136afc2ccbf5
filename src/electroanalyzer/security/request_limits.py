"""Method allowlist, header limits and body limits, enforced while the body streams in."""

from __future__ import annotations

import anyio
from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header

from .asgi import ASGIApp, Message, Receive, Scope, Send, header, send_problem
from .config import NetworkPolicy, UploadLimits
from .errors import RequestRejected

ALLOWED_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
ALLOW_HEADER = b", ".join(sorted(method.encode() for method in ALLOWED_METHODS))


class MultipartInspector:
    """Count multipart fields, files and field sizes from the raw stream, before any buffering."""

    def __init__(self, boundary: bytes, limits: UploadLimits, network: NetworkPolicy) -> None:
        self.limits = limits
        self.fields = 0
        self.files = 0
        self.part_bytes = 0
        self.part_is_file = False
        self.header_name = b""
        self.header_value = b""
        self.error: RequestRejected | None = None
        self.parser = MultipartParser(
            boundary,
            callbacks={
                "on_part_begin": self._part_begin,
                "on_part_data": self._part_data,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
            },
            max_header_size=network.max_part_header_bytes,
        )

    def _part_begin(self) -> None:
        self.part_bytes = 0
        self.part_is_file = False

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def _header_end(self) -> None:
        if self.header_name.lower() == b"content-disposition":
            _, options = parse_options_header(self.header_value)
            self.part_is_file = b"filename" in options or b"filename*" in options
        self.header_name = b""
        self.header_value = b""

    def _headers_finished(self) -> None:
        if self.part_is_file:
            self.files += 1
            if self.files > self.limits.max_form_files:
                self._fail(413, "too_many_files", f"at most {self.limits.max_form_files} file(s) per request")
        else:
            self.fields += 1
            if self.fields > self.limits.max_form_fields:
                self._fail(
                    413, "too_many_fields", f"at most {self.limits.max_form_fields} form fields per request"
                )

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        self.part_bytes += end - start
        if not self.part_is_file and self.part_bytes > self.limits.max_field_bytes:
            self._fail(
                413,
                "form_field_too_large",
                f"a form field may hold at most {self.limits.max_field_bytes} bytes",
            )

    def _fail(self, status: int, code: str, detail: str) -> None:
        if self.error is None:
            self.error = RequestRejected(status, code, detail + "; send a smaller request")

    def feed(self, chunk: bytes) -> None:
        try:
            self.parser.write(chunk)
        except MultipartParseError:
            self._fail(400, "malformed_multipart", "the multipart body is malformed; resend a valid form")
        if self.error is not None:
            raise self.error


class RequestLimitsMiddleware:
    """Reject unknown methods, oversized headers and bodies; count bodies while streaming.

    Content-Length is checked before any byte of the body is read. Chunked bodies (no
    Content-Length) are counted as they arrive and stopped at the limit. Multipart bodies
    are parsed incrementally so field and file counts and field sizes are enforced
    before the application buffers anything.
    """

    def __init__(self, app: ASGIApp, network: NetworkPolicy, uploads: UploadLimits) -> None:
        self.app = app
        self.network = network
        self.uploads = uploads

    def _body_limit(self, content_type: bytes) -> int:
        media = content_type.split(b";", 1)[0].strip().lower()
        if media == b"multipart/form-data":
            return self.uploads.max_request_bytes
        if media == b"application/x-www-form-urlencoded":
            return self.network.max_form_body_bytes
        return self.network.max_json_body_bytes

    def _check_headers(self, scope: Scope) -> RequestRejected | None:
        headers = scope.get("headers", ())
        if len(headers) > self.network.max_header_count:
            return RequestRejected(
                431, "too_many_headers", f"send at most {self.network.max_header_count} headers"
            )
        size = sum(len(name) + len(value) + 4 for name, value in headers)
        if size > self.network.max_header_bytes:
            return RequestRejected(
                431,
                "headers_too_large",
                f"request headers may total at most {self.network.max_header_bytes} bytes",
            )
        return None

    @staticmethod
    def _content_length(scope: Scope) -> int | RequestRejected | None:
        values = [value for name, value in scope.get("headers", ()) if name == b"content-length"]
        if not values:
            return None
        if len(set(values)) > 1 or not values[0].strip().isdigit():
            return RequestRejected(
                400, "invalid_content_length", "Content-Length must be one non-negative integer"
            )
        if header(scope, b"transfer-encoding") is not None:
            return RequestRejected(
                400, "ambiguous_body_length", "send either Content-Length or chunked encoding"
            )
        return int(values[0])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ALLOWED_METHODS:
            await send_problem(
                send,
                scope,
                405,
                "method_not_allowed",
                "Method not allowed",
                "this method is not supported; use GET, POST, PUT, PATCH or DELETE",
                [(b"allow", ALLOW_HEADER)],
            )
            return
        rejection = self._check_headers(scope)
        length = self._content_length(scope)
        if isinstance(length, RequestRejected):
            rejection = rejection or length
        content_type = header(scope, b"content-type") or b""
        limit = self._body_limit(content_type)
        if rejection is None and isinstance(length, int) and length > limit:
            rejection = RequestRejected(
                413, "request_too_large", f"the request body may hold at most {limit} bytes"
            )
        inspector: MultipartInspector | None = None
        if rejection is None and content_type.lower().startswith(b"multipart/form-data"):
            _, options = parse_options_header(content_type)
            boundary = options.get(b"boundary")
            if not boundary or len(boundary) > 200:
                rejection = RequestRejected(
                    400, "malformed_multipart", "multipart requests need a valid boundary"
                )
            else:
                inspector = MultipartInspector(boundary, self.uploads, self.network)
        if rejection is not None:
            await send_problem(
                send, scope, rejection.status_code, rejection.code, "Request rejected", str(rejection.detail)
            )
            return

        received = 0
        started = False
        failure: RequestRejected | None = None
        deadline = anyio.current_time() + self.network.body_timeout_seconds
        body_done = False

        async def counted_receive() -> Message:
            nonlocal received, failure, body_done
            if failure is not None:
                return {"type": "http.disconnect"}
            if body_done:
                # After the body, receive() only waits for a disconnect (streaming responses); no deadline.
                return await receive()
            try:
                with anyio.fail_after(max(0.0, deadline - anyio.current_time())):
                    message = await receive()
            except TimeoutError:
                failure = RequestRejected(
                    408,
                    "request_timeout",
                    f"send the whole body within {self.network.body_timeout_seconds:g} seconds",
                )
                raise failure from None
            if message["type"] == "http.disconnect":
                body_done = True
            if message["type"] == "http.request":
                body_done = not message.get("more_body", False)
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > limit or (isinstance(length, int) and received > length):
                    failure = RequestRejected(
                        413, "request_too_large", f"the request body may hold at most {limit} bytes"
                    )
                    raise failure
                if inspector is not None:
                    try:
                        inspector.feed(chunk)
                    except RequestRejected as error:
                        failure = error
                        raise
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracking_send)
        except RequestRejected as error:
            if started:
                raise
            await send_problem(
                send, scope, error.status_code, error.code, "Request rejected", str(error.detail)
            )

"""Document in the OpenAPI schema the responses the defence layers may send for any operation."""

from __future__ import annotations

from typing import Any

LAYER_RESPONSES = {
    "400": "Invalid host, malformed body framing or malformed multipart body",
    "403": "Cross-site request, missing CSRF token, blocked client or blocked attack pattern",
    "408": "Request body not received in time",
    "413": "Request body, form field or file count over the limit",
    "415": "text/plain body sent to the JSON API",
    "429": "Rate limit reached; see Retry-After",
    "431": "Request headers too many or too large",
    "503": "Rate-limit store unavailable (when configured to fail closed); see Retry-After",
}
PROBLEM_SCHEMA = {
    "title": "Problem",
    "type": "object",
    "required": ["type", "title", "status", "code", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "request_id": {"type": ["string", "null"]},
    },
    "additionalProperties": True,
}
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def add_layer_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the layer responses to every operation that does not already document that status."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Problem", PROBLEM_SCHEMA)
    reference = {"$ref": "#/components/schemas/Problem"}
    for path_item in schema.get("paths", {}).values():
        for method in HTTP_METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in LAYER_RESPONSES.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": reference}},
                    },
                )
    return schema


def document_layers(app: Any) -> None:
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_layer_responses(original())
        schema: dict[str, Any] = app.openapi_schema
        return schema

    app.openapi = openapi

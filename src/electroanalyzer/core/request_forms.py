"""Small url-encoded or multipart forms without files, read with the policy's field limits."""

from typing import Any

from fastapi import Request

from electroanalyzer.core.context import ServerContext
from electroanalyzer.core.errors import InvalidInput


async def read_small_form(request: Request) -> dict[str, Any]:
    ctx: ServerContext = request.app.state.context
    uploads = ctx.settings.policies.uploads
    form = await request.form(
        max_files=0, max_fields=uploads.max_form_fields, max_part_size=uploads.max_field_bytes
    )
    fields: dict[str, Any] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str):
            raise InvalidInput("This form takes no files.")
        fields[key] = value
    if "set_cookie" in fields:
        fields["set_cookie"] = fields["set_cookie"].lower() in ("1", "true", "on", "yes")
    return fields

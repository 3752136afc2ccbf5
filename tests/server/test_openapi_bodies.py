"""The OpenAPI document declares the bodies of routes that parse their request stream themselves."""

from server.support import Api


def test_analyze_declares_multipart_fields(api: Api) -> None:
    document = api.get("/api/v2/openapi.json")
    assert document.status_code == 200
    body = document.json()["paths"]["/api/v2/analysis/analyze"]["post"]["requestBody"]
    schema = body["content"]["multipart/form-data"]["schema"]
    assert schema["required"] == ["file"]
    assert schema["properties"]["file"]["format"] == "binary"
    assert set(schema["properties"]) >= {"file", "discipline", "document_type", "strictness"}
    assert schema["properties"]["discipline"]["enum"] == ["PT", "OT", "SLP"]
    assert "daily_note" in schema["properties"]["document_type"]["enum"]
    assert schema["properties"]["strictness"]["default"] == "standard"


def test_reset_password_route_is_documented(api: Api) -> None:
    paths = api.get("/api/v2/openapi.json").json()["paths"]
    operation = paths["/api/v2/admin/users/{user_id}/reset-password"]["post"]
    assert "requestBody" in operation
    assert "200" in operation["responses"]


def test_token_declares_json_and_form_bodies(api: Api) -> None:
    operation = api.get("/api/v2/openapi.json").json()["paths"]["/api/v2/auth/token"]["post"]
    content = operation["requestBody"]["content"]

    assert set(content) == {"application/json", "application/x-www-form-urlencoded"}
    for media in content.values():
        schema = media["schema"]
        assert set(schema["required"]) == {"username", "password"}
        assert {"otp", "recovery_code", "set_cookie"} <= set(schema["properties"])

"""Request and response bodies of /auth; every request model rejects unknown fields."""

from pydantic import BaseModel, ConfigDict, Field

from electroanalyzer.auth.permissions import Role

# A deliberately simple shape check (local@domain.tld); the address is never used to send mail.
EMAIL_PATTERN = r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,185}\.[A-Za-z]{2,24}$"


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=4096)


class LoginRequest(StrictModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=4096)
    otp: str | None = Field(default=None, pattern=r"^\d{6}$")
    recovery_code: str | None = Field(default=None, min_length=8, max_length=32)
    set_cookie: bool = False


class MfaChallengeRequest(StrictModel):
    """The second sign-in step: the challenge id from the mfa_required answer and one code."""

    challenge_id: str = Field(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    otp: str | None = Field(default=None, pattern=r"^\d{6}$")
    recovery_code: str | None = Field(default=None, min_length=8, max_length=32)
    set_cookie: bool = False


class RefreshRequest(StrictModel):
    refresh_token: str = Field(min_length=10, max_length=200)


class TokenResponse(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type name, not a secret
    expires_in: int
    session_id: str
    mfa_enrolment_required: bool = False
    ended_session_count: int = 0
    notice: str | None = None


class RegisterRequest(StrictModel):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    password: str = Field(min_length=1, max_length=4096)
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL_PATTERN)
    full_name: str | None = Field(default=None, max_length=128)


class PasswordChangeRequest(StrictModel):
    current_password: str = Field(min_length=1, max_length=4096)
    new_password: str = Field(min_length=1, max_length=4096)


class MfaCodeRequest(StrictModel):
    otp: str = Field(pattern=r"^\d{6}$")


class MfaDisableRequest(StrictModel):
    password: str = Field(min_length=1, max_length=4096)
    otp: str | None = Field(default=None, pattern=r"^\d{6}$")


class MfaEnrolment(BaseModel):
    otpauth_uri: str
    secret: str


class RecoveryCodes(BaseModel):
    recovery_codes: list[str]


class UserRead(BaseModel):
    id: int
    username: str
    email: str | None
    full_name: str | None
    role: Role
    is_active: bool
    mfa_enabled: bool

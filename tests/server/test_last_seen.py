"""The session check writes `last_seen_at` at most once per LAST_SEEN_WRITE_INTERVAL seconds.

Reads inside the interval skip the write, so the inactivity limit counts from the last write.
An idle session therefore ends at most one interval late, which is small beside the 15-minute
inactivity limit. Logout and revocation still take effect on the next request.
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from electroanalyzer.auth.models import AuthSession
from electroanalyzer.auth.service import LAST_SEEN_WRITE_INTERVAL
from server.support import Api

ME = "/api/v2/auth/me"


def last_seen(api: Api) -> datetime:
    with api.ctx.session_factory() as db:
        value = db.scalar(select(AuthSession.last_seen_at))
    assert value is not None
    return value


def test_last_seen_written_once_per_interval(api: Api) -> None:
    api.create_user("lena")
    token = api.token("lena")
    first = last_seen(api)

    api.ctx.clock.advance(timedelta(seconds=LAST_SEEN_WRITE_INTERVAL - 1))
    assert api.get(ME, token=token).status_code == 200
    assert last_seen(api) == first

    api.ctx.clock.advance(timedelta(seconds=1))
    assert api.get(ME, token=token).status_code == 200
    # The clock is the wall clock plus the advanced offset, so the written time is at least this.
    assert last_seen(api) >= first + timedelta(seconds=LAST_SEEN_WRITE_INTERVAL)


def test_logout_takes_effect_within_interval(api: Api) -> None:
    api.create_user("mona")
    token = api.token("mona")
    assert api.get(ME, token=token).status_code == 200
    assert api.post("/api/v2/auth/logout", token=token).status_code == 204
    assert api.get(ME, token=token).status_code == 401

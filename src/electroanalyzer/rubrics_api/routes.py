"""/api/v2/rubrics: list and show built-in and custom rubrics; add a custom rubric (admin)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from electroanalyzer.audit import service as audit
from electroanalyzer.auth.dependencies import get_context, require
from electroanalyzer.auth.permissions import Permission
from electroanalyzer.auth.service import CurrentUser
from electroanalyzer.core.context import ServerContext
from electroanalyzer.core.errors import Conflict, InvalidInput, NotFound
from electroanalyzer.rubrics_api.models import CustomRubric

router = APIRouter(prefix="/rubrics", tags=["rubrics"])
Context = Annotated[ServerContext, Depends(get_context)]
Reader = Annotated[CurrentUser, Depends(require(Permission.RUBRIC_READ))]
MAX_RUBRIC_YAML_CHARS = 500_000


class RubricSummary(BaseModel):
    id: str
    name: str
    version: str
    discipline: str
    rule_count: int
    custom: bool


class RubricCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    yaml_text: str = Field(min_length=10, max_length=MAX_RUBRIC_YAML_CHARS)


def _summary(rubric: Any, *, custom: bool) -> RubricSummary:
    return RubricSummary(
        id=rubric.id,
        name=rubric.name,
        version=rubric.version,
        discipline=str(rubric.discipline),
        rule_count=len(rubric.rules),
        custom=custom,
    )


def _custom_rubrics(ctx: ServerContext) -> list[Any]:
    from electroanalyzer.engine.rubrics import parse_rubric_yaml

    with ctx.session_factory() as db:
        rows = list(db.scalars(select(CustomRubric).order_by(CustomRubric.id)))
    return [parse_rubric_yaml(row.yaml_text) for row in rows]


@router.get("", response_model=list[RubricSummary])
def list_rubrics(_user: Reader, ctx: Context) -> list[RubricSummary]:
    from electroanalyzer.engine.rubrics import list_builtin_rubrics

    builtin = [_summary(rubric, custom=False) for rubric in list_builtin_rubrics()]
    return builtin + [_summary(rubric, custom=True) for rubric in _custom_rubrics(ctx)]


@router.get("/{rubric_id}")
def show_rubric(rubric_id: str, _user: Reader, ctx: Context) -> dict[str, Any]:
    from electroanalyzer.engine.rubrics import list_builtin_rubrics

    for rubric in [*list_builtin_rubrics(), *reversed(_custom_rubrics(ctx))]:
        if rubric.id == rubric_id:
            return dict(rubric.model_dump(mode="json"))
    raise NotFound()


@router.post("", response_model=RubricSummary, status_code=201)
def add_rubric(
    body: RubricCreate, user: Annotated[CurrentUser, Depends(require(Permission.RUBRIC_CREATE))], ctx: Context
) -> RubricSummary:
    """Validate a custom rubric (YAML, the engine's rubric schema) and store it."""
    from electroanalyzer.engine.rubrics import RubricError, list_builtin_rubrics, parse_rubric_yaml

    try:
        rubric = parse_rubric_yaml(body.yaml_text)
    except RubricError as error:
        raise InvalidInput(
            str(getattr(error, "message", None) or error)[:1000], code="invalid_rubric"
        ) from None
    if any(builtin.id == rubric.id for builtin in list_builtin_rubrics()):
        raise Conflict("A built-in rubric has this id; choose another id.")
    with ctx.session_factory() as db, db.begin():
        clash = db.scalar(
            select(CustomRubric.id).where(
                CustomRubric.rubric_id == rubric.id, CustomRubric.version == rubric.version
            )
        )
        if clash:
            raise Conflict("This rubric id and version already exist; raise the version.")
        db.add(
            CustomRubric(
                rubric_id=rubric.id,
                version=rubric.version,
                discipline=str(rubric.discipline),
                yaml_text=body.yaml_text,
                created_by=user.id,
                created_at=ctx.clock.now(),
            )
        )
    audit.record(
        ctx,
        "rubric:create",
        actor_id=user.id,
        target_type="rubric",
        target_id=rubric.id,
        details={"version": rubric.version},
    )
    return _summary(rubric, custom=True)

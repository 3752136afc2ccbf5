"""Import every model module so `Base.metadata` lists all tables (for Alembic and tests)."""

from electroanalyzer.admin import models as admin_models
from electroanalyzer.analyses import models as analysis_models
from electroanalyzer.audit import models as audit_models
from electroanalyzer.auth import models as auth_models
from electroanalyzer.core import key_rotation_models
from electroanalyzer.documents import models as document_models
from electroanalyzer.rubrics_api import models as rubric_models
from electroanalyzer.security import models as security_models
from electroanalyzer.users import models as user_models

MODEL_MODULES = (
    user_models,
    auth_models,
    document_models,
    analysis_models,
    rubric_models,
    audit_models,
    admin_models,
    key_rotation_models,
    security_models,
)

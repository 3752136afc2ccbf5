"""Check functions, registered by kind; importing this package fills REGISTRY."""

from electroanalyzer.engine.compliance.checks import (  # noqa: F401  (imports register the kinds)
    billing,
    coding,
    dates,
    goals,
    phrases,
    plan,
    signature,
    skilled,
    visits,
)
from electroanalyzer.engine.compliance.checks.base import REGISTRY, CheckKind, CheckResult, Status

__all__ = ["REGISTRY", "CheckKind", "CheckResult", "Status"]

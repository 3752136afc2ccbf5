"""Every installed dependency is at or above the fixed versions in fixed_versions.yaml."""

from importlib import metadata
from importlib.resources import files

import pytest
import yaml
from packaging.version import Version

VERSIONS = yaml.safe_load(
    files("electroanalyzer.security").joinpath("fixed_versions.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("package", sorted(VERSIONS["minimum"]))
def test_installed_version_has_fixes(package: str) -> None:
    required = Version(str(VERSIONS["minimum"][package]["version"]))
    installed = Version(metadata.version(package))
    assert installed >= required, f"{package} {installed} is older than {required}; upgrade it"


@pytest.mark.parametrize("package", sorted(VERSIONS["forbidden"]))
def test_forbidden_package_absent(package: str) -> None:
    with pytest.raises(metadata.PackageNotFoundError):
        metadata.version(package)


def test_every_entry_names_its_advisories() -> None:
    for package, entry in VERSIONS["minimum"].items():
        assert entry["advisories"], package

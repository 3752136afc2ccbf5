"""Rubric loading: built-ins, schema errors naming rule and field, custom files, Turtle."""

from pathlib import Path

import pytest
import yaml

from electroanalyzer.engine.rubrics import (
    RubricError,
    import_turtle,
    list_builtin_rubrics,
    load_builtin_rubric,
    load_rubric_file,
    parse_rubric_yaml,
)

HERE = Path(__file__).parent


def _minimal(**rule_changes: object) -> dict:
    rule = {
        "id": "POC-FREQ",
        "title": "Frequency stated",
        "requirement": "The plan states the visits per week.",
        "fix": "State the frequency per week.",
        "severity": "high",
        "disciplines": ["PT"],
        "document_types": ["evaluation"],
        "source": "42 CFR 410.61",
        "check": {"kind": "plan_of_care", "params": {"part": "frequency"}},
    }
    rule.update(rule_changes)
    return {"id": "custom-pt", "name": "Custom PT", "version": "1.0.0", "discipline": "PT", "rules": [rule]}


def test_builtin_rubrics_load() -> None:
    rubrics = list_builtin_rubrics()

    assert [r.discipline for r in rubrics] == ["PT", "OT", "SLP"]
    for rubric in rubrics:
        assert rubric.version == "1.0.0"
        assert any(rule.severity == "high" for rule in rubric.rules)


def test_advisory_rules_flagged() -> None:
    rules = {rule.id: rule for rule in load_builtin_rubric("PT").rules}

    assert rules["SKL-PHRASE-TOLERATED"].advisory
    assert rules["REEVAL-INDICATION"].advisory
    assert not rules["POC-FREQ"].advisory


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"severity": "urgent"}, "severity"),
        ({"check": {"kind": "nonexistent", "params": {}}}, "check.kind"),
        ({"check": {"kind": "plan_of_care", "params": {"part": "weekly"}}}, "check"),
        (
            {"check": {"kind": "phrases", "params": {"groups": [{"name": "x", "patterns": ["(unclosed"]}]}}},
            "check",
        ),
        ({"document_types": ["evaluation", "memo"]}, "document_types"),
        ({"unknown_field": 1}, "unknown_field"),
    ],
)
def test_bad_rubric_names_rule_and_field(change: dict, field: str) -> None:
    text = yaml.safe_dump(_minimal(**change))

    with pytest.raises(RubricError) as caught:
        parse_rubric_yaml(text)

    assert "rule POC-FREQ" in caught.value.message
    assert field in caught.value.message


def test_duplicate_rule_ids_rejected() -> None:
    data = _minimal()
    data["rules"].append(dict(data["rules"][0]))

    with pytest.raises(RubricError, match="appears twice"):
        parse_rubric_yaml(yaml.safe_dump(data))


def test_invalid_yaml_rejected() -> None:
    with pytest.raises(RubricError, match="not valid YAML"):
        parse_rubric_yaml("rules: [unclosed")


def test_custom_rubric_from_path(tmp_path: Path) -> None:
    path = tmp_path / "custom.yaml"
    path.write_text(yaml.safe_dump(_minimal()), encoding="utf-8")

    rubric = load_rubric_file(path)

    assert rubric.id == "custom-pt"
    assert rubric.rules[0].check.kind == "plan_of_care"


def test_missing_rubric_file(tmp_path: Path) -> None:
    with pytest.raises(RubricError, match="not found"):
        load_rubric_file(tmp_path / "absent.yaml")


def test_turtle_import() -> None:
    rubric = import_turtle((HERE / "example.ttl").read_text(encoding="utf-8"))

    rules = {rule.id: rule for rule in rubric.rules}
    assert rubric.id == "example-pt"
    assert rubric.version == "1.2.0"
    assert rules["EVAL-PLOF"].check.kind == "phrases"
    assert rules["POC-FREQ"].check.params == {"part": "frequency"}


def test_turtle_file_by_suffix() -> None:
    rubric = load_rubric_file(HERE / "example.ttl")

    assert rubric.discipline == "PT"


def test_turtle_bad_rule_named() -> None:
    text = (
        (HERE / "example.ttl")
        .read_text(encoding="utf-8")
        .replace('ea:severity "high" ;', 'ea:severity "huge" ;', 1)
    )

    with pytest.raises(RubricError, match="rule EVAL-PLOF, field severity"):
        import_turtle(text)


def test_turtle_syntax_error() -> None:
    with pytest.raises(RubricError, match="could not be parsed"):
        import_turtle("@prefix ea: <x> . this is not turtle")


def test_rubric_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("# " + "x" * 1_000_001, encoding="utf-8")

    with pytest.raises(RubricError, match="larger than"):
        load_rubric_file(path)


def test_pattern_length_limit() -> None:
    change = {"check": {"kind": "phrases", "params": {"groups": [{"name": "x", "patterns": ["a" * 2001]}]}}}

    with pytest.raises(RubricError, match="longer than 2000"):
        parse_rubric_yaml(yaml.safe_dump(_minimal(**change)))

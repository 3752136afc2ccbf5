"""Import a Turtle (.ttl) rubric into the same model as the YAML rubrics.

Vocabulary (namespace ``http://electroanalyzer.local/ns/rubric#``, prefix ``ea:``):

- ``ea:Rubric`` with ``ea:id``, ``ea:name``, ``ea:version``, ``ea:discipline``, optional
  ``ea:description``, and one ``ea:hasRule`` per rule.
- ``ea:Rule`` with ``ea:ruleId``, ``ea:title``, ``ea:requirement``, ``ea:fix``, ``ea:severity``
  (high, medium, low), one or more ``ea:discipline`` and ``ea:documentType``, ``ea:source``,
  optional ``ea:advisory`` (boolean) and ``ea:minStrictness``, and either ``ea:checkKind`` with
  ``ea:checkParams`` (a JSON object as a string) or, as keyword rubrics of earlier tools did,
  one or more ``ea:keyword`` literals, which become a ``phrases`` check.
"""

from __future__ import annotations

import json
import re
from typing import Any

from electroanalyzer.engine.rubrics.loader import MAX_RUBRIC_BYTES, RubricError, validate_rubric
from electroanalyzer.engine.rubrics.model import Rubric

NAMESPACE = "http://electroanalyzer.local/ns/rubric#"


def import_turtle(text: str) -> Rubric:
    """Parse Turtle text and validate it as a rubric; errors name the rule and the field."""
    import rdflib

    if len(text.encode("utf-8")) > MAX_RUBRIC_BYTES:
        raise RubricError(
            f"The rubric is larger than {MAX_RUBRIC_BYTES} bytes. Split it into smaller rubrics."
        )
    graph = rdflib.Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad syntax
        raise RubricError(
            f"The Turtle rubric could not be parsed ({type(exc).__name__}). Fix the syntax."
        ) from None

    ea = rdflib.Namespace(NAMESPACE)
    rubrics = list(graph.subjects(rdflib.RDF.type, ea.Rubric))
    if len(rubrics) != 1:
        raise RubricError(f"The Turtle rubric must describe exactly one ea:Rubric; found {len(rubrics)}.")
    node = rubrics[0]

    def one(subject: Any, predicate: Any) -> str | None:
        value = graph.value(subject, predicate)
        return None if value is None else str(value)

    def many(subject: Any, predicate: Any) -> list[str]:
        return sorted(str(value) for value in graph.objects(subject, predicate))

    rules = [_rule_data(graph, ea, rule_node, one, many) for rule_node in graph.objects(node, ea.hasRule)]
    rules.sort(key=lambda rule: str(rule.get("id", "")))
    data = {
        "id": one(node, ea.id),
        "name": one(node, ea.name),
        "version": one(node, ea.version),
        "discipline": one(node, ea.discipline),
        "description": one(node, ea.description) or "",
        "rules": rules,
    }
    return validate_rubric(data)


def _rule_data(graph: Any, ea: Any, node: Any, one: Any, many: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": one(node, ea.ruleId),
        "title": one(node, ea.title),
        "requirement": one(node, ea.requirement),
        "fix": one(node, ea.fix),
        "severity": one(node, ea.severity),
        "disciplines": many(node, ea.discipline),
        "document_types": many(node, ea.documentType),
        "source": one(node, ea.source),
    }
    advisory = one(node, ea.advisory)
    if advisory is not None:
        rule["advisory"] = advisory.lower() in {"true", "1"}
    strictness = one(node, ea.minStrictness)
    if strictness is not None:
        rule["min_strictness"] = strictness
    kind = one(node, ea.checkKind)
    keywords = many(node, ea.keyword)
    if kind is not None:
        params_text = one(node, ea.checkParams) or "{}"
        try:
            params = json.loads(params_text)
        except json.JSONDecodeError:
            raise RubricError(
                f"rule {rule['id']}, field check.params: ea:checkParams is not valid JSON."
            ) from None
        rule["check"] = {"kind": kind, "params": params}
    elif keywords:
        patterns = [r"\b" + re.escape(keyword) + r"\b" for keyword in keywords]
        rule["check"] = {
            "kind": "phrases",
            "params": {"groups": [{"name": "keywords", "patterns": patterns}]},
        }
    else:
        rule["check"] = None
    return {key: value for key, value in rule.items() if value is not None or key == "check"}

"""Clinical values that look like identifiers must not be flagged."""

import pytest

from electroanalyzer.engine.phi import get_detector

MUST_NOT_FLAG = [
    "Pain 6/10.",
    "Performs exercises 3x/week.",
    "BP 120/80.",
    "Knee flexion 0-120 degrees.",
    "Hip abduction 4+/5.",
    "CPT 97110.",
    "ICD-10 M54.5.",
    "Continue for 6 weeks.",
    "2 sets of 10.",
    "HR 72, RR 16, SpO2 98%.",
    "Glucose 110 mg/dL.",
    "Improved by 25%.",
    "Berg score 42/56.",
    "MMSE 24/30.",
    "Oswestry 34%.",
    "Levels L4-L5 and L5-S1.",
    "Amplitude 6.5 mV, velocity 52 m/s.",
    "Pain 6-7/10 with stairs.",
    "Visit 5 of 12.",
    "Lifted 20 pounds 5 times.",
]


@pytest.mark.parametrize("text", MUST_NOT_FLAG)
def test_clinical_value_not_flagged(text: str) -> None:
    assert get_detector().detect(text) == []

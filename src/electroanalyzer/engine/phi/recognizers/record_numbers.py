"""Shared pieces of the recognizers that find identifying numbers after a cue word."""

# An identifier value: up to four letters, then a digit, then letters, digits and dashes. The
# digit is required in the pattern so that a cue word after the cue is not taken as the value.
ID_VALUE = r"([A-Z]{0,4}-?\d[A-Z0-9-]{0,22}[A-Z0-9]|\d{3,})"
# Words between the cue and the value: "number", "no.", "#", a colon, "is".
CUE_TAIL = r"(?:\s*(?:number|num|no\.?|nbr|id|#)){0,2}\s*[:#=.]?\s*(?:is\s+|of\s+)?"


def has_digit(value: str) -> bool:
    return any(char.isdigit() for char in value)

"""Shared pieces of the recognizers that find identifying numbers after a cue word."""

# An identifier value: letters, digits and inner dashes or dots, at least one digit (checked
# in validate), 3 to 24 characters.
ID_VALUE = r"([A-Z0-9][A-Z0-9-]{1,22}[A-Z0-9]|[0-9]{3,})"
# Words between the cue and the value: "number", "no.", "#", a colon, "is".
CUE_TAIL = r"(?:\s*(?:number|num|no\.?|nbr|id|#)){0,2}\s*[:#=.]?\s*(?:is\s+|of\s+)?"


def has_digit(value: str) -> bool:
    return any(char.isdigit() for char in value)

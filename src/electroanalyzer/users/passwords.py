"""Password policy and hashing.

Hashing: the NFKC-normalised password is hashed with SHA-256 and base64-encoded (44 ASCII bytes) before
bcrypt, because bcrypt reads only the first 72 bytes: a long passphrase would otherwise be cut silently,
and every byte of any length of input counts this way. The bcrypt cost comes from the policy; a login
whose stored hash has a lower cost is rehashed (`needs_rehash`).
"""

import base64
import hashlib
import re
import secrets
import unicodedata
from functools import cache
from importlib import resources

import bcrypt

from electroanalyzer.core.policies import PasswordPolicy

KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890", "abcdefghijklmnopqrstuvwxyz")
LEET = str.maketrans(
    {"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"}
)
SEQUENCE_LENGTH = 4
REPEAT_LENGTH = 4
MIN_EMBEDDED_WORD = 5


@cache
def blocklist() -> frozenset[str]:
    text = resources.files("electroanalyzer.users").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _prehash(password: str) -> bytes:
    normalised = unicodedata.normalize("NFKC", password).encode("utf-8")
    return base64.b64encode(hashlib.sha256(normalised).digest())


def hash_password(password: str, rounds: int) -> str:
    return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(rounds=rounds)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(_prehash(password), password_hash.encode("ascii"))
    except ValueError:
        return False


def hash_cost(password_hash: str) -> int:
    match = re.match(r"^\$2[aby]\$(\d{2})\$", password_hash)
    return int(match.group(1)) if match else 0


def needs_rehash(password_hash: str, rounds: int) -> bool:
    return hash_cost(password_hash) < rounds


@cache
def dummy_hash(rounds: int) -> str:
    """A hash of a random value, verified for unknown users so their sign-in costs the same time."""
    return hash_password(base64.b64encode(hashlib.sha256(b"no such user").digest()).decode(), rounds)


def _has_sequence(lowered: str) -> bool:
    for row in KEYBOARD_ROWS:
        for start in range(len(row) - SEQUENCE_LENGTH + 1):
            run = row[start : start + SEQUENCE_LENGTH]
            if run in lowered or run[::-1] in lowered:
                return True
    return False


def _has_repeats(password: str) -> bool:
    if re.search(r"(.)\1{" + str(REPEAT_LENGTH - 1) + ",}", password):
        return True
    # A short unit repeated to fill the whole password, such as "abcabcabcabc".
    return any(
        len(password) % size == 0 and password == password[:size] * (len(password) // size)
        for size in range(1, len(password) // 2 + 1)
    )


def _dictionary_core(password: str) -> str:
    """Strip digits and symbols from both ends and undo leetspeak: "P@ssw0rd2024!" -> "password"."""
    lowered = password.lower()
    stripped = re.sub(r"^[^a-z@$!]+|[^a-z]+$", "", lowered) or lowered
    return stripped.translate(LEET)


def _contains_common_word(password: str, words: frozenset[str]) -> bool:
    """True when a common word of 5 or more letters, after undoing leetspeak, is part of the password."""
    core = _dictionary_core(password)
    if core in words:
        return True
    letters = password.lower().translate(LEET)
    return any(len(word) >= MIN_EMBEDDED_WORD and word.isalpha() and word in letters for word in words)


def password_problems(
    password: str, policy: PasswordPolicy, *, username: str, email: str | None
) -> list[str]:
    """Return what is wrong with a password under the active profile; an empty list means accepted."""
    rules = policy.active_rules
    problems: list[str] = []
    if len(password) > policy.max_length:
        return [f"use at most {policy.max_length} characters"]
    if len(password) < rules.min_length:
        problems.append(f"use at least {rules.min_length} characters")
    is_passphrase = len(password) >= policy.passphrase_min_length
    if not is_passphrase:
        if rules.require_upper and not any(char.isupper() for char in password):
            problems.append("add an upper-case letter")
        if rules.require_lower and not any(char.islower() for char in password):
            problems.append("add a lower-case letter")
        if rules.require_digit and not any(char.isdigit() for char in password):
            problems.append("add a digit")
        if rules.require_special and not any(char in rules.special_characters for char in password):
            problems.append(f"add one of {rules.special_characters}")

    lowered = password.lower()
    words = blocklist()
    if lowered in words or lowered.translate(LEET) in words:
        problems.append("choose a password that is not a common password")
    elif not is_passphrase and _contains_common_word(password, words):
        problems.append("do not build the password from a common word with digits or symbols added")
    if _has_repeats(lowered):
        problems.append(f"avoid {REPEAT_LENGTH} or more repeated characters or a repeated pattern")
    if _has_sequence(lowered):
        problems.append(f"avoid sequences of {SEQUENCE_LENGTH} or more such as 1234, abcd or qwerty")
    identities = [username.lower()] + ([email.lower(), email.split("@")[0].lower()] if email else [])
    if any(
        identity and (lowered == identity or identity in lowered)
        for identity in identities
        if len(identity) >= 3
    ):
        problems.append("do not include your username or email address")
    return problems


GENERATED_PASSWORD_BYTES = 18


def generate_password(policy: PasswordPolicy, *, username: str, email: str | None = None) -> str:
    """Generate a random password that `policy` accepts (drawn again in the rare case it is not)."""
    while True:
        # token_urlsafe draws from letters, digits, "-" and "_"; the suffix adds the character
        # classes the standard profile requires.
        candidate = secrets.token_urlsafe(GENERATED_PASSWORD_BYTES) + "aZ7!"
        if not password_problems(candidate, policy, username=username, email=email):
            return candidate

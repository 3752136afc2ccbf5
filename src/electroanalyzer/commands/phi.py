"""`electroanalyzer phi`: find and redact the PHI in one document."""

from __future__ import annotations

import enum
import json
import os
from pathlib import Path
from typing import Annotated

import typer

EXIT_OK = 0
EXIT_DOCUMENT_REJECTED = 1
EXIT_USAGE = 2
HASH_KEY_ENV = "EA_PHI_HASH_KEY"
MIN_HASH_KEY_BYTES = 16

HELP = f"""Find the PHI in a document (PDF, DOCX, DOC or TXT) and print the text with it redacted.

--format json prints {{"entities": [{{"type", "start", "end", "score"}}], "redacted_text"}}; the offsets
index the extracted text, which for a TXT file is its decoded content unchanged.
Hash mode needs a secret key of at least {MIN_HASH_KEY_BYTES} bytes from ${HASH_KEY_ENV} or --hash-key-file.

Exit codes: {EXIT_OK} success; {EXIT_DOCUMENT_REJECTED} the document was rejected or could not be read (the
message says why); {EXIT_USAGE} invalid options, such as hash mode without a key.
"""


class OutputFormat(enum.StrEnum):
    text = "text"
    json = "json"


class Redaction(enum.StrEnum):
    tag = "tag"
    mask = "mask"
    surrogate = "surrogate"
    hash = "hash"


def register(app: typer.Typer) -> None:
    app.command("phi", help=HELP)(phi)
    if app.registered_callback is None:
        # Without a callback, Typer runs a lone command as the app itself and reads "phi" as a path.
        app.callback()(_root)


def _root() -> None:
    """Check PT, OT and SLP therapy notes against Medicare documentation rules."""


def read_hash_key(key_file: Path | None) -> bytes | None:
    """Return the hash key from --hash-key-file, else from the environment, else None."""
    if key_file is not None:
        try:
            return key_file.read_bytes().strip()
        except OSError as error:
            raise typer.BadParameter(f"cannot read the hash key file {key_file}: {error.strerror}") from None
    configured = os.environ.get(HASH_KEY_ENV)
    return configured.encode() if configured else None


def phi(
    file: Annotated[Path, typer.Argument(help="Document to redact: PDF, DOCX, DOC or TXT.")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output: redacted text or JSON.")
    ] = (OutputFormat.text),
    redaction: Annotated[
        Redaction,
        typer.Option(
            "--redaction", help="How PHI is replaced: type tags, masks, surrogates or keyed hashes."
        ),
    ] = Redaction.tag,
    hash_key_file: Annotated[
        Path | None,
        typer.Option("--hash-key-file", help=f"File holding the hash key (else ${HASH_KEY_ENV})."),
    ] = None,
) -> None:
    from electroanalyzer.engine.documents import read_document
    from electroanalyzer.engine.errors import EngineError
    from electroanalyzer.engine.phi import RedactionMode, get_detector, redact

    mode = RedactionMode(redaction.value)
    hash_key = read_hash_key(hash_key_file) if mode is RedactionMode.HASH else None
    if mode is RedactionMode.HASH and (hash_key is None or len(hash_key) < MIN_HASH_KEY_BYTES):
        typer.echo(
            f"Hash redaction needs a secret key of at least {MIN_HASH_KEY_BYTES} bytes. "
            f"Set {HASH_KEY_ENV} or pass --hash-key-file, or choose another --redaction mode.",
            err=True,
        )
        raise typer.Exit(EXIT_USAGE)

    try:
        document = read_document(file)
        entities = get_detector().detect(document.text)
        result = redact(document.text, entities, mode, hash_key=hash_key)
    except EngineError as error:
        typer.echo(f"{file.name}: {error.message}", err=True)
        raise typer.Exit(EXIT_DOCUMENT_REJECTED) from None

    if output_format is OutputFormat.json:
        payload = {"entities": [entity.to_dict() for entity in entities], "redacted_text": result.text}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        typer.echo(result.text, nl=not result.text.endswith("\n"))

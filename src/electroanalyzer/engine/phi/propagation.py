"""Later mentions of a detected name: 'Mr. Okafor ... Okafor reports' finds the second one too."""

from electroanalyzer.engine.phi.entities import PhiEntity
from electroanalyzer.engine.phi.lexicons import Lexicons, fold
from electroanalyzer.engine.phi.words import capitalized_runs

MIN_WORD_LENGTH = 3
PROPAGATED_SCORE = 0.6


def propagate_names(text: str, entities: list[PhiEntity], lexicons: Lexicons) -> list[PhiEntity]:
    """Mark every other capitalized occurrence of a word from a detected name as PERSON."""
    name_words = set()
    for entity in entities:
        if entity.type != "PERSON":
            continue
        for piece in text[entity.start : entity.end].split():
            folded = fold(piece.strip(".,"))
            if len(folded) >= MIN_WORD_LENGTH and folded not in lexicons.common_words:
                name_words.add(folded)
    if not name_words:
        return entities

    added = []
    for run in capitalized_runs(text):
        for word in run:
            if word.folded not in name_words:
                continue
            if any(entity.start < word.end and word.start < entity.end for entity in entities):
                continue
            added.append(PhiEntity("PERSON", word.start, word.end, PROPAGATED_SCORE, "NamePropagation"))
    return sorted(entities + added, key=lambda entity: entity.start)

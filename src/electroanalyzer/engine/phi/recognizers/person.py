from collections.abc import Sequence

import re2
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS

from electroanalyzer.engine.phi.lexicons import Lexicons, load_lexicons
from electroanalyzer.engine.phi.recognizers.street_address import COMPOUND_ENDING, US_SUFFIX
from electroanalyzer.engine.phi.words import Word, capitalized_runs

CUE_WINDOW = 40
HONORIFICS = r"(?:mr|mrs|ms|miss|mx|dr|prof|rev)"
# Note labels, signatures and care roles, optionally followed by a colon or a dash.
LABELS = (
    r"(?:patient|pt|client|resident|name|patient name|full name|therapist|physician|provider|clinician|"
    r"attending|pcp|referred by|referring physician|referral from|signed by|electronically signed by|"
    r"signature|dictated by|transcribed by|reviewed by|cosigned by|supervisor|evaluated by|treated by|cc|"
    r"emergency contact|contact|care of|c/o|attn)"
)
# Family roles, greetings and verbs of speech, directly before the name or with a comma.
RELATIONS = (
    r"(?:son|daughter|wife|husband|mother|father|sister|brother|spouse|partner|friend|guardian|caregiver|"
    r"grandson|granddaughter|grandmother|grandfather|niece|nephew|aunt|uncle|neighbor|kid|child|baby|"
    r"cousin|boyfriend|girlfriend|fiancée?|my name is|"
    r"his name is|her name is|name is|i am|i'm|this is|hi|hello|dear|thanks|thank you|says|said|asked|"
    r"call me|calls me|known as|nicknamed|"
    r"told|named|called|by|with|meet|met|call|ask)"
)
CUE_BEFORE = re2.compile(
    r"(?i)(?:^|[^\p{L}])(?:" + HONORIFICS + r"\.?|" + LABELS + r"\s*[:?-]?|" + RELATIONS + r",?)\s*$"
)
STRONG_CUE = re2.compile(
    r"(?i)(?:^|[^\p{L}])(?:" + HONORIFICS + r"\.?|(?:patient name|name|signed by|dictated by|therapist|"
    r"physician)\s*[:-]?|(?:my name is|name is|son|daughter|wife|husband|mother|father|spouse|caregiver|"
    r"guardian|hi|hello|dear|says|said|called|named),?)\s*$"
)
# Honorifics and credentials are never part of the name itself.
NOT_NAMES = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "md", "do", "pt", "dpt", "mpt", "ot", "otr",
     "cota", "pta", "slp", "ccc-slp", "rn", "lpn", "np", "pa-c", "phd", "jr", "sr", "ii", "iii", "iv"}
)  # fmt: skip
# Credentials and verbs that follow a name.
CUE_AFTER = re2.compile(
    r"^(?:,?\s*(?:MD|M\.D\.|DO|D\.O\.|PT|DPT|MPT|OT|OTR/L|OTR|COTA|PTA|SLP|CCC-SLP|MS|MA|RN|LPN|NP|PA-C|"
    r"PhD|Jr\.?|Sr\.?|III|II|IV)(?:$|[^\p{L}])|\s+(?:says|said|reports|reported|stated|states|told|asked|"
    r"agreed|denies|denied|presents|presented|lives|lived|began|works|worked|is from|was from|was born|"
    r"grew up|married|died|wrote)(?:$|[^\p{L}])|'s\s)"
)

# Street types that end street names ("Frederikke Coves", "Villacher Strasse").
STREET_TYPE = re2.compile(
    r"^" + US_SUFFIX + r"$|(?i)^\p{L}*" + COMPOUND_ENDING + r"$|(?i)^(?:wei|club|union)$"
)
# An eponym names a test, sign or scale when one of these words follows it.
EPONYM_AFTER = re2.compile(
    r"(?i)^(?:'s|’s)?\s+(?:test|sign|maneuver|manoeuvre|scale|score|index|questionnaire|battery|"
    r"assessment|position|reflex|syndrome|disease|procedure|technique|classification|criteria|brace)"
)
# A speaker label at the start of a line, as in transcripts: "Halldór: What a day."
SPEAKER_LABEL = re2.compile(r"^:[ \t]")
# A house number right before or after the words makes them a street, not a name.
HOUSE_NUMBER_BEFORE = re2.compile(r"\d[ \t]+$")
HOUSE_NUMBER_AFTER = re2.compile(r"^[ \t]+\d")
STRONG_SCORE = 0.85
CUE_SCORE = 0.75
GAZETTEER_SCORE = 0.7
SURNAME_PAIR_SCORE = 0.6
UNKNOWN_PAIR_SCORE = 0.5


class PersonRecognizer(LocalRecognizer):
    """Names of patients, relatives and clinicians.

    A run of capitalized words is a name when a cue is next to it: an honorific, a note label
    such as "Patient:" or "signed by", a family role, or a credential such as ", PT". It is
    also a name when it starts with a first name from the 1990 US Census lists. Words that clinicians also
    write in lowercase ("Will", "Normal") need a cue. Census lists: `names` package 0.3.0.

    NOTE: a name missing from the Census lists with no cue next to it (many non-US names) is
    not found unless a spaCy NER pipeline is configured.
    """

    ENTITY = "PERSON"

    def __init__(self, lexicons: Lexicons | None = None) -> None:
        self._lexicons = lexicons or load_lexicons()
        super().__init__(
            supported_entities=[self.ENTITY],
            context=[
                "patient",
                "name",
                "mr",
                "mrs",
                "ms",
                "dr",
                "signed",
                "therapist",
                "son",
                "daughter",
                "wife",
            ],
        )

    def load(self) -> None:
        """Nothing to load: the word lists come with the constructor."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = []
        for run in capitalized_runs(text):
            found = self._judge_run(text, run)
            if found is None:
                continue
            start, end, score, reason = found
            explanation = AnalysisExplanation(
                recognizer=type(self).__name__, original_score=score, pattern_name=reason
            )
            results.append(RecognizerResult(self.ENTITY, start, end, score, explanation))
        return results

    def _judge_run(self, text: str, run: Sequence[Word]) -> tuple[int, int, float, str] | None:
        before = text[max(0, run[0].start - CUE_WINDOW) : run[0].start]
        after = text[run[-1].end : run[-1].end + 20]
        if EPONYM_AFTER.search(after) is not None:
            return None
        line_start = run[0].start == 0 or text[run[0].start - 1] == "\n"
        strong = STRONG_CUE.search(before) is not None
        cued = strong or CUE_BEFORE.search(before) is not None or CUE_AFTER.search(after) is not None
        speaker = line_start and SPEAKER_LABEL.search(after) is not None
        cued = cued or (speaker and self._is_known_name(run[0]))

        name = self._name_words(run, cued=cued, strong=strong)
        if not name:
            return None
        start, end = name[0].start, name[-1].end

        if strong:
            return start, end, STRONG_SCORE, "name_after_strong_cue"
        if cued and not all(word.is_common(self._lexicons) for word in name):
            return start, end, CUE_SCORE, "name_next_to_cue"
        if self._starts_with_first_name(name):
            return start, end, GAZETTEER_SCORE, "census_first_name"
        if self._looks_like_street_or_place(text, name):
            return None
        if (
            len(name) >= 2
            and self._is_surname(name[-1])
            and not any(w.is_common(self._lexicons) for w in name)
        ):
            return start, end, SURNAME_PAIR_SCORE, "capitalized_pair_with_census_surname"
        if len(name) >= 2 and self._is_unknown_pair(name):
            return start, end, UNKNOWN_PAIR_SCORE, "capitalized_pair"
        return None

    def _looks_like_street_or_place(self, text: str, name: Sequence[Word]) -> bool:
        """Return True when the words sit between house numbers, end in a street type, or name a place."""
        before = text[max(0, name[0].start - 8) : name[0].start]
        after = text[name[-1].end : name[-1].end + 8]
        if HOUSE_NUMBER_BEFORE.search(before) is not None or HOUSE_NUMBER_AFTER.search(after) is not None:
            return True
        if STREET_TYPE.search(name[-1].text) is not None:
            return True
        phrase = " ".join(word.folded for word in name)
        return phrase in self._lexicons.regions or phrase in self._lexicons.places

    def _is_unknown_pair(self, name: Sequence[Word]) -> bool:
        """Return True for two or more capitalized words that are not common words or places."""
        lexicons = self._lexicons
        if any(word.is_all_caps for word in name):
            return False
        return not any(
            word.is_common(lexicons) or word.folded in lexicons.places or word.folded in lexicons.regions
            for word in name
        )

    def _name_words(self, run: Sequence[Word], *, cued: bool, strong: bool) -> Sequence[Word]:
        """Keep the leading words of a run that can belong to a name."""
        kept: list[Word] = []
        for word in run:
            if word.folded in NOT_NAMES or word.folded in STOP_WORDS:
                break
            if word.is_all_caps and not (strong or (self._is_known_name(word) and len(word.text) >= 3)):
                break
            if word.is_common(self._lexicons) and not word.is_initial:
                known = self._is_known_name(word)
                if not (strong or (kept and known) or (cued and known)):
                    break
            kept.append(word)
        while kept and (kept[-1].is_initial or not kept[-1].text[0].isupper()):
            kept.pop()
        return kept

    def _is_known_name(self, word: Word) -> bool:
        return word.folded in self._lexicons.first_names or word.folded in self._lexicons.last_names

    def _is_surname(self, word: Word) -> bool:
        return word.folded in self._lexicons.last_names

    def _starts_with_first_name(self, name: Sequence[Word]) -> bool:
        first = name[0]
        if first.folded not in self._lexicons.first_names or first.is_initial:
            return False
        if first.is_all_caps:
            return len(name) >= 2 and self._is_surname(name[-1])
        if first.folded in self._lexicons.regions:
            return len(name) >= 2
        return not first.is_common(self._lexicons) or len(name) >= 2

from electroanalyzer.engine.phi.patterns import NamedPattern, Re2PatternRecognizer

# Common street suffixes and their abbreviations from USPS Publication 28, appendix C1.
US_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Court|Ct|Place|Pl|"
    r"Terrace|Ter|Way|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Plaza|Plz|"
    r"Alley|Aly|Crescent|Cres|Loop|Pike|Row|Run|Path|Walk|Crossing|Xing|Expressway|Expy|"
    r"Freeway|Fwy|Turnpike|Tpke|Point|Pt|Ridge|Rdg|Hill|Hills|Heights|Hts|Grove|Grv|Park|"
    r"Landing|Lndg|Meadows?|Mdws?|Station|Sta|View|Vw|Village|Vlg|Valley|Vly|Gardens?|Gdns?|"
    r"Green|Grn|Harbor|Hbr|Junction|Jct|Manor|Mnr|Mews|Oval|Pass|Port|Prt|Shores?|Shrs?|"
    r"Springs?|Spgs?|Summit|Smt|Union|Un|Viaduct|Via|Vista|Vis|Estates?|Ests?|Fort|Ft|"
    r"Mall|Common|Cmn|Creek|Crk|Causeway|Cswy|Bypass|Byp|Close|Gate|Rise|Wharf|Quay|Str|Dam|Forges?|Mills?|"
    r"Islands?|Isles?|Lakes?|Lks?|Fords?|Falls|Flats?|Coves?|Courts|Drives|Greens|Squares|Streets|Centers?)\.?"
)
# Street-type endings of compound street names in Germanic, Nordic, Dutch and Finnish
# languages (e.g. Hauptstraße, Kongensgade, Storgatan, Mannerheimintie).
COMPOUND_ENDING = (
    r"(?:straße|strasse|str\.|gasse|weg|platz|allee|damm|ufer|laan|straat|gracht|kade|"
    r"plein|dreef|steenweg|singel|gatan|gata|vägen|väg|gränd|torget|gade|vej|vei|veien|veg|"
    r"gata|stræde|katu|kuja|tie|polku|kaari|rinne|tér|utca|út|ulica|gatvė|iela|tänav)"
)
# Leading street types in Romance, Slavic and Greek addresses (Rue de ..., Via ..., ul. ...).
LEADING_TYPE = (
    r"(?:Rue|Avenue|Av\.|Avda\.?|Avenida|Boulevard|Bd\.?|Bld\.?|Chemin|Impasse|Allée|Place|Route|"
    r"Quai|Via|Viale|Piazza|Piazzale|Corso|Largo|Vicolo|Strada|Calle|Carrer|Camino|Paseo|Plaza|"
    r"Rua|Travessa|Praça|Estrada|Rambla|ul\.|ulica|Aleja|Odos|Leoforos)"
)
PARTICLE = (
    r"(?:de|du|des|la|le|les|del|della|dello|delle|di|da|do|dos|das|dei|van|von|der|den|het|y|e|i|d'|l')"
)
NAME_WORD = r"[\p{Lu}\d][\p{L}\d'’.-]*"
STREET_NAME = r"(?:\s+(?:" + PARTICLE + r")|\s+" + NAME_WORD + r"){1,5}"
UNIT = r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Room|Rm|Floor|Fl|Bldg|Building|#)\.?\s*#?[A-Z0-9-]{1,6})?"


class StreetAddressRecognizer(Re2PatternRecognizer):
    """Street addresses: house number and street, apartment or suite units, PO and military boxes.

    Formats: USPS Publication 28 (primary line, secondary unit designators, PO Box, and
    APO/FPO/DPO military addresses) and the common European orders "Hauptstraße 5",
    "Rue de la Paix 12" and "12 rue de la Paix" (Universal Postal Union address guides).
    """

    ENTITY = "STREET_ADDRESS"
    PATTERNS = (
        NamedPattern(
            "us_street",
            r"(?:^|[^\p{L}\p{N}])(\d{1,6}[A-Za-z]?(?:-\d{1,5})?\s+(?:[NSEW]\.?\s+|North\s+|South\s+|East\s+|West\s+)?"
            r"(?:"
            + NAME_WORD
            + r"\s+){1,4}"
            + US_SUFFIX
            + r"(?:\s+[NSEW]{1,2}\.?)?"
            + UNIT
            + r")(?:$|[^\p{L}\p{N}])",
            0.8,
            group=1,
        ),
        NamedPattern(
            "compound_street_number",
            r"(?:^|[^\p{L}\p{N}])((?:\d{1,6}\s+)?\p{Lu}[\p{L}'’-]*"
            + COMPOUND_ENDING
            + r"(?:\s+\d{1,5}[a-z]?\b\.?)"
            r"(?:[ \t]*,?[ \t]*(?:Apt|Suite|Ste|Unit)\.?[ \t]*\d{1,6})?)",
            0.75,
            group=1,
        ),
        NamedPattern(
            "leading_type_number_after",
            r"(?:^|[^\p{L}\p{N}])(" + LEADING_TYPE + STREET_NAME + r"\s+\d{1,5}[a-zA-Z]?)(?:$|[^\p{L}\p{N}])",
            0.7,
            group=1,
        ),
        NamedPattern(
            "leading_type_number_before",
            r"(?:^|[^\p{L}\p{N}])(\d{1,5}[a-zA-Z]?,?\s+(?i:" + LEADING_TYPE + r")" + STREET_NAME + r")",
            0.7,
            group=1,
        ),
        NamedPattern(
            "secondary_unit",
            r"(?:^|[^\p{L}\p{N}])((?:Apt|Apartment|Suite|Ste|Unit)\.?\s+#?\d{1,6}[A-Z]?)(?:$|[^\p{L}\p{N}])",
            0.7,
            group=1,
        ),
        NamedPattern("po_box", r"(?i)(?:^|[^\p{L}])((?:P\.?\s?O\.?\s+)?Box\s+\d{1,6})", 0.75, group=1),
        NamedPattern(
            "military_address",
            r"(?i)((?:PSC|Unit|CMR)\s+\d{1,5},?\s+Box\s+\d{1,5}\s*,?\s*(?:APO|FPO|DPO)\s+A[AEP](?:\s+\d{5})?)",
            0.9,
            group=1,
        ),
    )
    CONTEXT = ("address", "street", "lives", "live", "resides", "home", "apt", "suite")

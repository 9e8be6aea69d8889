"""French text normalisation for a chatbot that reads residents' messages as typed.

Two levels:
- `fold()` — lowercase, accents folded, punctuation to spaces; used to match names
  (communes, streets, items) where words must be kept as they are.
- `normalize()` / `tokens()` — `fold()` plus elisions dropped and SMS abbreviations or frequent
  misspellings rewritten to one canonical spelling; used for intent classification.
"""

from __future__ import annotations

import re
import unicodedata

# Longer texts add nothing to an intent guess and would only cost time.
MAX_CHARS = 1000

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_APOSTROPHES = re.compile(r"[’‘`´ʼ]")
_NON_WORD = re.compile(r"[^a-z0-9]+")

# Elided particles ("l'eau", "qu'est-ce", "j'ai"): kept as separate tokens by `fold`, dropped by
# `normalize` since they carry no meaning once separated.
_ELIDED = frozenset({"l", "d", "j", "qu", "n", "s", "m", "t", "jusqu", "lorsqu", "puisqu"})

# One canonical spelling for SMS writing and frequent misspellings (token -> replacement).
SMS = {
    "pk": "pourquoi", "pq": "pourquoi", "pkoi": "pourquoi", "pourkoi": "pourquoi",
    "c": "est", "cest": "est", "ct": "etait", "ya": "il y a", "yen": "il y en",
    "jsp": "je ne sais pas", "chai": "je ne sais", "chais": "je ne sais",
    "svp": "svp", "stp": "svp", "svpl": "svp", "sil": "svp", "plait": "", "plaît": "",
    "qd": "quand", "kan": "quand", "qand": "quand", "quant": "quand",
    "bcp": "beaucoup", "bcq": "beaucoup", "tjrs": "toujours", "tjs": "toujours",
    "tjr": "toujours", "koi": "quoi", "kwa": "quoi", "ki": "qui", "ke": "que", "kel": "quel",
    "kelle": "quelle", "slt": "salut", "bjr": "bonjour", "bjour": "bonjour", "bonjours": "bonjour",
    "bsr": "bonsoir", "mrc": "merci", "mci": "merci", "mrci": "merci", "mercii": "merci",
    "pr": "pour", "ds": "dans", "vs": "vous", "nn": "non", "ms": "mais", "tt": "tout",
    "pcq": "parce que", "pck": "parce que", "psk": "parce que", "paske": "parce que",
    "dc": "donc", "mm": "meme", "qqn": "quelqu un", "qqun": "quelqu un", "qlq": "quelque",
    "qqch": "quelque chose", "qq": "quelques", "rdv": "rendez vous", "rv": "rendez vous",
    "tel": "telephone", "tél": "telephone", "tph": "telephone", "num": "numero",
    "dispo": "disponible", "infos": "information", "info": "information",
    "auj": "aujourdhui", "ajd": "aujourdhui", "aujourd": "aujourdhui", "hui": "",
    "jai": "ai", "g": "ai", "chui": "suis", "chuis": "suis", "jsuis": "suis", "jss": "suis",
    "oqp": "occupe", "pb": "probleme", "pbm": "probleme", "pblm": "probleme",
    "probleme": "probleme", "problemes": "problemes", "cmt": "comment", "cmnt": "comment",
    "comen": "comment", "komment": "comment", "ca": "ca",
    "sa": "ca", "msg": "message", "mdr": "", "lol": "", "ptdr": "", "wesh": "salut",
    "poubel": "poubelle", "poubele": "poubelle", "poubels": "poubelles", "pubelle": "poubelle",
    "poubell": "poubelle", "poubelles": "poubelles", "poubeles": "poubelles",
    "dechetterie": "decheterie", "dechetteries": "decheteries", "dechetrie": "decheterie",
    "dechette": "decheterie", "dechterie": "decheterie", "decheteri": "decheterie",
    "dechtterie": "decheterie", "dechetterrie": "decheterie", "dechetteri": "decheterie",
    "decheterrie": "decheterie", "dechetteriee": "decheterie", "dechèterie": "decheterie",
    "encombrant": "encombrants", "encombrents": "encombrants", "ancombrants": "encombrants",
    "ramasage": "ramassage", "ramassge": "ramassage",
    "colecte": "collecte", "collete": "collecte", "eboueur": "eboueurs", "eboueures": "eboueurs",
    "emballage": "emballages", "anbalage": "emballages", "embalage": "emballages",
    "embalages": "emballages", "conteneur": "conteneur", "container": "conteneur",
    "containers": "conteneurs", "contener": "conteneur", "conteneure": "conteneur",
    "composte": "compost", "composteure": "composteur", "gravas": "gravats", "gravat": "gravats",
    "gravois": "gravats", "ordure": "ordures", "menageres": "menageres", "menagere": "menageres",
    "om": "ordures menageres", "teom": "teom", "com": "communaute", "cdc": "communaute",
    "cc": "communaute", "ccf": "communaute", "cccf": "communaute", "intercommunalite": "communaute",
    "mairi": "mairie", "marie": "mairie", "merie": "mairie", "rdvs": "rendez vous",
    "aprem": "apres midi", "aprm": "apres midi", "exp": "exemple", "ex": "exemple",
    "st": "saint", "ste": "sainte", "bac": "bac", "bacs": "bacs", "sapins": "sapins",
    "fuitte": "fuite", "compteure": "compteur", "factur": "facture", "fesse": "faire",
    "ok": "ok", "oki": "ok", "okay": "ok", "dac": "ok", "daccord": "ok",
}
# Multi-word forms rewritten before tokenising (folded text, surrounded by spaces).
PHRASES = (
    (" s il vous plait ", " svp "), (" s il te plait ", " svp "), (" sil vous plait ", " svp "),
    (" y a t il ", " il y a "), (" y a t ", " il y a "), (" y a ", " il y a "),
    (" il il y a ", " il y a "), (" aujourd hui ", " aujourdhui "), (" tout a l egout ", " egout "),
)


def fold(text: str) -> str:
    """Lowercase, accents and ligatures folded, anything but letters/digits made a space."""
    if not isinstance(text, str):
        return ""
    text = text[:MAX_CHARS].translate(_LIGATURES)
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("'", text)
    return _NON_WORD.sub(" ", text).strip()


def _expand(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for token in tokens:
        replacement = SMS.get(token, token)
        if replacement:
            out.extend(replacement.split())
    return out


def tokens(text: str) -> list[str]:
    """Folded tokens with SMS forms expanded and elided particles dropped."""
    padded = f" {fold(text)} "
    for before, after in PHRASES:
        padded = padded.replace(before, after)
    return [t for t in _expand(padded.split()) if t not in _ELIDED]


def normalize(text: str) -> str:
    """The canonical form used for intent classification."""
    return " ".join(tokens(text))


# Light French stemmer: strips inflection (plural, gender, most verb endings) so that
# "ramassent/ramassé/ramasser/ramassage" or "poubelles/poubelle" share a feature.
_SUFFIXES = (
    "issements", "issement", "ements", "ement", "ations", "ation", "atrices", "atrice",
    "ateurs", "ateur", "euses", "euse", "eurs", "eur", "ances", "ance", "ences", "ence",
    "ables", "able", "iques", "ique", "istes", "iste", "ites", "ite", "ives", "ive", "ifs",
    "if", "eaux", "aux", "erons", "eront", "erait", "eraient", "erai", "eras", "era",
    "ions", "iez", "ent", "ons", "ees", "ee", "ers", "er", "ez", "es", "ais", "ait", "ant",
    "e",
)
_MIN_STEM = 3


def stem(token: str) -> str:
    """Strip the longest known suffix while keeping at least three characters."""
    if len(token) <= _MIN_STEM or token.isdigit():
        return token
    if token[-1] in "sx" and len(token) > _MIN_STEM + 1:
        token = token[:-1]  # plural first, so "encombrants" and "encombrant" meet
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= _MIN_STEM:
            return token[: -len(suffix)]
    return token

"""Writing the demo messages: what the resident said, by which door, and the agent's answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from ..models import Channel, Nature
from .requests_apport import REQUESTS_APPORT
from .requests_dechets import REQUESTS_DECHETS
from .requests_eau import REQUESTS_EAU

REQUESTS = {**REQUESTS_DECHETS, **REQUESTS_APPORT, **REQUESTS_EAU}
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
SIGNATURE = ("Bien cordialement,\n{agent}\nMaison des Services — Communauté de Communes Cœur "
             "Côte Fleurie\n02 31 88 00 00 · du lundi au vendredi, de 9 h à 17 h")
ASK = {
    Nature.TRANSACTION: "votre adresse exacte, le nombre de personnes de votre foyer et un "
                        "justificatif de domicile de moins de 3 mois",
    Nature.RENDEZ_VOUS: "vos disponibilités sur les deux prochaines semaines et la liste des "
                        "objets concernés",
    Nature.RECLAMATION: "la date exacte du problème et, si possible, une photo",
    Nature.SIGNALEMENT: "l’emplacement précis (numéro, repère visible) et, si possible, une "
                        "photo",
    Nature.INFORMATION: "votre adresse complète",
}
ANSWERS = [
    "Bonjour, voici les informations demandées : {address}, {commune}. Je reste disponible "
    "si besoin. Merci.",
    "Bonjour, merci pour votre retour. Je vous envoie la photo et mes disponibilités : du "
    "lundi au jeudi, le matin de préférence.",
    "Bonjour, c’est bien au {address}. Je joins le justificatif. Cordialement.",
]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass
class RequestTexts:
    subject: str
    inbound: str
    answer: str  # the elements of the right answer for this request
    answer_template: str
    name: str
    context: dict


class Writer:
    def __init__(self, rng, *, communes: dict[int, str], streets: dict[int, str]):
        self.rng = rng
        self.communes = communes
        self.streets = streets
        self._short: dict[str, str] = {}
        self._dates: dict[int, str] = {}

    def request(self, code: str, nature: str, channel: str, usager, local: datetime
                ) -> RequestTexts:
        """`local`: when the request came, in local time."""
        rng = self.rng
        entry = REQUESTS[code]
        context = self._context(usager, local)
        texts = entry["texts"].get(nature) or entry["texts"].get("*") \
            or next(iter(entry["texts"].values()))
        said = rng.choice(texts).format(**context)
        replies = entry["replies"]
        template = replies.get(nature) or replies.get("*") or next(iter(replies.values()))
        name = context["name"]
        return RequestTexts(subject=rng.choice(entry["subjects"]),
                            inbound=self._inbound(channel, said, name),
                            answer=template.format(**context), answer_template=template,
                            name=name, context=context)

    def _context(self, usager, moment: datetime) -> dict:
        rng = self.rng
        if usager is not None:
            commune = self.communes.get(usager.commune_id, "")
            street = self.streets.get(usager.street_id, "")
            address = usager.address or street or "mon domicile"
            name = " ".join(p for p in (usager.first_name, usager.last_name) if p) \
                or usager.organisation or "Madame, Monsieur"
            organisation = usager.organisation or "notre établissement"
        else:
            commune, street, address = "", "", "mon domicile"
            name, organisation = "Madame, Monsieur", "notre établissement"
        later = moment.toordinal() + 5 + int(rng.random() * 11)
        return {"commune": commune or "ma commune", "street": street or "de chez moi",
                "address": address, "day": WEEKDAYS[(moment.weekday() - int(rng.random() * 4)) % 7],
                "date": self._date_text(later), "org": organisation, "name": name}

    def _date_text(self, ordinal: int) -> str:
        text = self._dates.get(ordinal)
        if text is None:
            text = self._dates[ordinal] = f"{date.fromordinal(ordinal):%d/%m/%Y}"
        return text

    @staticmethod
    def _inbound(channel: str, said: str, name: str) -> str:
        quoted = said.removeprefix("Bonjour, ")
        quoted = quoted[:1].upper() + quoted[1:]
        if channel == Channel.TELEPHONE:
            return f"Appel de {name} : « {quoted} »"
        if channel == Channel.ACCUEIL:
            return f"Passage à l’accueil de {name} : « {quoted} »"
        if channel == Channel.CHATBOT:
            return ("Conversation avec Sophie transmise à un agent.\n"
                    f"Question de l’usager : « {quoted} »")
        if channel == Channel.EMAIL:
            return f"{said}\n\n{name}"
        return said

    # --- agents' messages ----------------------------------------------------------------

    def email_reply(self, texts: RequestTexts, agent: str) -> str:
        return (f"Bonjour {texts.name},\n\n{texts.answer}\n\n"
                f"{SIGNATURE.format(agent=agent)}")

    def brief_email(self, texts: RequestTexts, agent: str) -> str:
        return (f"Bonjour {texts.name},\n\n{self.short(texts)}\n\nCordialement,\n{agent}\n"
                "Maison des Services Cœur Côte Fleurie")

    def sms_reply(self, texts: RequestTexts, reference: str) -> str:
        return f"Maison des Services : {self.short(texts)} Réf. {reference}"

    def note(self, texts: RequestTexts, channel: str) -> str:
        where = "au téléphone" if channel == Channel.TELEPHONE else "à l’accueil"
        return f"Réponse donnée {where} : {self.short(texts)}"

    def callback_note(self, texts: RequestTexts) -> str:
        return f"Rappel de l’usager effectué. {self.short(texts)}"

    def ask(self, texts: RequestTexts, nature: str, agent: str) -> str:
        body = (f"Nous avons bien reçu votre demande. Pour la traiter, pourriez-vous nous "
                f"préciser {ASK.get(nature, ASK[Nature.INFORMATION])} ? Il vous suffit de "
                f"répondre à ce message.")
        return f"Bonjour {texts.name},\n\n{body}\n\n{SIGNATURE.format(agent=agent)}"

    @staticmethod
    def sms_ask(nature: str, reference: str) -> str:
        return (f"Maison des Services : pour traiter votre demande {reference}, pourriez-vous "
                f"nous préciser {ASK.get(nature, ASK[Nature.INFORMATION])} ? Répondez "
                "simplement à ce SMS.")

    def usager_answer(self, texts: RequestTexts) -> str:
        return self.rng.choice(ANSWERS).format(**texts.context)

    def done(self, texts: RequestTexts, reference: str, agent: str) -> str:
        body = (f"Votre demande {reference} est traitée. {self.short(texts)} "
                "N’hésitez pas à nous recontacter en rappelant cette référence.")
        return f"Bonjour {texts.name},\n\n{body}\n\n{SIGNATURE.format(agent=agent)}"

    def short(self, texts: RequestTexts) -> str:
        """The first sentences of the answer, for an SMS or a note (about 300 characters)."""
        template = texts.answer_template
        cached = self._short.get(template)
        if cached is None:
            cached = ""
            for sentence in _SENTENCE_END.split(template):
                if cached and len(cached) + len(sentence) > 280:
                    break
                cached = f"{cached} {sentence}".strip()
            self._short[template] = cached
        return cached.format(**texts.context)

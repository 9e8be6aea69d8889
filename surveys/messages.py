"""What a survey looks like on the wire: the email (five one-click links) and the SMS."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from . import tokens
from .models import Survey, SurveyTemplate

RATING_LABELS = {
    1: gettext_lazy("Très insatisfait"),
    2: gettext_lazy("Insatisfait"),
    3: gettext_lazy("Moyennement satisfait"),
    4: gettext_lazy("Satisfait"),
    5: gettext_lazy("Très satisfait"),
}


def rating_label(rating: int) -> str:
    return str(RATING_LABELS[rating])


@dataclass(frozen=True)
class Links:
    answer: str
    ratings: list[tuple[int, str, str]]  # (score, label, url)
    stop: str
    preferences: str | None


def links_for(survey: Survey) -> Links:
    token = tokens.make_token(survey.ticket_id, survey.token_nonce)
    before, after = _answer_url_around_token(get_urlconf() or settings.ROOT_URLCONF,
                                             get_script_prefix(), get_language())
    answer = f"{settings.PUBLIC_BASE_URL}{before}{token}{after}"
    return Links(
        answer=answer,
        ratings=[(score, label, f"{answer}note/{score}/")
                 for score, label in _rating_labels(get_language())],
        stop=f"{answer}stop/",
        preferences=preferences_url(survey),
    )


_STAND_IN = "0stand0in0"  # made of token characters: reverse() leaves it as it is


@lru_cache(maxsize=32)
def _answer_url_around_token(urlconf, script_prefix: str, language: str | None) -> tuple[str, str]:
    """One reverse per URLconf and language: thousands of emails a minute go through here."""
    before, after = reverse("surveys:answer", args=[_STAND_IN]).split(_STAND_IN)
    return before, after


@lru_cache(maxsize=32)
def _rating_labels(language: str | None) -> tuple[tuple[int, str], ...]:
    return tuple((score, rating_label(score)) for score in RATING_LABELS)


def preferences_url(survey: Survey) -> str | None:
    """crm's preferences page for the usager, when crm provides one (absolute URL)."""
    from crm import services as crm_services

    builder = getattr(crm_services, "preferences_url", None)
    if builder is None or survey.usager is None:
        return None
    url = builder(survey.usager)
    return url if url.startswith("http") else settings.PUBLIC_BASE_URL + url


def message_id(survey: Survey, *, reminder: bool = False) -> str:
    """Keyed by survey id: a re-sent attempt carries the same Message-ID as the first."""
    domain = settings.MDS_REPLY_TO_EMAIL.rsplit("@", 1)[-1]
    return f"<survey-{survey.pk}{'-relance' if reminder else ''}@{domain}>"


def build_email(survey: Survey, template: SurveyTemplate, *, reminder: bool = False,
                connection=None) -> EmailMultiAlternatives:
    """The survey email; pass one `connection` to all the emails of a batch."""
    links = links_for(survey)
    context = {"survey": survey, "template": template, "links": links, "reminder": reminder,
               "theme": survey.theme.label if survey.theme_id else ""}
    subject = (_("Rappel : votre avis sur votre demande %(reference)s") if reminder
               else _("Votre avis sur votre demande %(reference)s")) % {
        "reference": survey.ticket_reference}
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/surveys/survey.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[survey.contact_point.value],
        reply_to=[settings.MDS_REPLY_TO_EMAIL],
        connection=connection,
        headers={
            "Message-ID": message_id(survey, reminder=reminder),
            "List-Unsubscribe": f"<{links.stop}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "X-MDS-Reference": survey.ticket_reference,
            "X-MDS-Survey": str(survey.pk),
        },
    )
    email.attach_alternative(render_to_string("emails/surveys/survey.html", context),
                             "text/html")
    # Anymail passes these to the ESP: its events (delivered, bounced) come back with them.
    email.metadata = {"survey_id": str(survey.pk), "reference": survey.ticket_reference}
    email.tags = ["enquete-relance" if reminder else "enquete"]
    return email


def sms_body(survey: Survey, *, reminder: bool = False) -> str:
    """Short and plain (GSM alphabet, no typographic apostrophe): two SMS segments at most."""
    links = links_for(survey)
    if reminder:
        text = _("Maison des Services, demande %(reference)s : votre avis compte, 1 minute "
                 "suffit : %(url)s Désinscription : %(stop)s")
    else:
        text = _("Maison des Services : votre demande %(reference)s est traitée. Votre avis en "
                 "1 minute : %(url)s Désinscription : %(stop)s")
    return text % {"reference": survey.ticket_reference, "url": links.answer,
                   "stop": sms_preferences_url(survey) or links.stop}


def sms_preferences_url(survey: Survey) -> str | None:
    """crm's short preferences link (SMS have no room for a signed token), when it exists."""
    from crm import services as crm_services

    builder = getattr(crm_services, "short_preferences_url", None)
    if builder is None or survey.usager is None:
        return None
    return builder(survey.usager)

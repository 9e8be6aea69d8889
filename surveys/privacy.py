"""surveys' part in the CRM: RGPD export and erasure, merges, the 360° key figure.

Registered with crm's registry from SurveysConfig.ready(): crm never imports surveys.
"""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Answer, ChatRating, FollowUp, Survey

ERASED_COMMENT = ""


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_answers(usager) -> dict[str, list[dict]]:
    """Every survey sent to the usager, with their answers and comments (RGPD art. 15/20)."""
    surveys = (Survey.objects.filter(usager=usager).exclude(status=Survey.Status.SKIPPED)
               .select_related("theme").order_by("due_at"))
    answers = {a.survey_id: a for a in Answer.objects.filter(survey__in=surveys)}
    rows = []
    for survey in surveys:
        answer = answers.get(survey.pk)
        rows.append({
            "demande": survey.ticket_reference,
            "thème": survey.theme.label if survey.theme_id else "",
            "canal": survey.get_channel_display(),
            "envoyée le": _iso(survey.sent_at),
            "état": survey.get_status_display(),
            "satisfaction": answer.rating if answer else None,
            "résolution": answer.get_resolution_display() if answer and answer.resolution
            else "",
            "commentaire": answer.comment if answer else "",
            "répondue le": _iso(answer.answered_at) if answer else None,
        })
    chats = [{"conversation": c.conversation_ref, "satisfaction": c.rating,
              "notée le": _iso(c.rated_at)}
             for c in ChatRating.objects.filter(usager=usager).order_by("rated_at")]
    return {"Enquêtes de satisfaction": rows, "Notes des conversations avec Sophie": chats}


def erase_verbatims(usager) -> dict[str, int]:
    """Comments and follow-up notes go; scores, dates, theme and commune stay for statistics."""
    surveys = Survey.objects.filter(usager=usager)
    comments = Answer.objects.filter(survey__in=surveys).exclude(comment=ERASED_COMMENT).update(
        comment=ERASED_COMMENT)
    notes = FollowUp.objects.filter(survey__in=surveys).exclude(outcome="").update(outcome="")
    # The answer links die with the contact points: nothing can reach the survey any more.
    links = surveys.exclude(token_hash__isnull=True).update(token_hash=None, token_nonce="",
                                                            contact_point=None)
    return {"comments": comments, "follow_up_notes": notes, "links": links}


def move_surveys(source, target) -> dict:
    survey_ids = list(Survey.objects.filter(usager=source).values_list("id", flat=True))
    chat_ids = list(ChatRating.objects.filter(usager=source).values_list("id", flat=True))
    Survey.objects.filter(id__in=survey_ids).update(usager=target)
    ChatRating.objects.filter(id__in=chat_ids).update(usager=target)
    return {"surveys": survey_ids, "chat_ratings": chat_ids}


def move_surveys_back(source, target, data: dict) -> None:
    Survey.objects.filter(id__in=data.get("surveys", []), usager=target).update(usager=source)
    ChatRating.objects.filter(id__in=data.get("chat_ratings", []), usager=target).update(
        usager=source)


def last_satisfaction(usager):
    from crm.registry import KeyFigure

    answer = (Answer.objects.filter(survey__usager=usager, rating__isnull=False)
              .select_related("survey").order_by("-answered_at").first())
    if answer is None:
        return []
    return [KeyFigure(label=_("Dernière satisfaction"), value=f"{answer.rating}/5",
                      hint=_("%(reference)s, le %(date)s") % {
                          "reference": answer.survey.ticket_reference,
                          "date": date_format(answer.answered_at, "SHORT_DATE_FORMAT")},
                      order=40)]


def answer_links(entries) -> dict[int, str]:
    """Survey answers on the 360° timeline link to the ticket they were about (one query)."""
    from django.urls import NoReverseMatch, reverse

    wanted = {int(e.source_id): e.pk for e in entries
              if e.source_type == "surveys.answer" and str(e.source_id).isdigit()}
    tickets = dict(Answer.objects.filter(pk__in=wanted).values_list("pk", "survey__ticket_id"))
    links = {}
    for answer_id, entry_id in wanted.items():
        if answer_id in tickets:
            try:
                links[entry_id] = reverse("guichet:ticket", args=[tickets[answer_id]])
            except NoReverseMatch:
                return {}
    return links


def register() -> bool:
    """Plug into crm's registry; False when crm does not provide one (nothing registered)."""
    try:
        from crm import registry
    except ImportError:
        return False
    registry.register_personal_data_handler(registry.PersonalDataHandler(
        name="surveys", label=_("Enquêtes de satisfaction"), export=export_answers,
        erase=erase_verbatims))
    registry.register_merge_handler(registry.MergeHandler(
        name="surveys", merge=move_surveys, undo=move_surveys_back))
    registry.register_key_figure(last_satisfaction)
    if hasattr(registry, "register_timeline_links"):
        registry.register_timeline_links(answer_links)
    return True

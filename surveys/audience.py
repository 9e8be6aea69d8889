"""Who may receive a survey, and how: contact points and refusals, read from crm in batches.

Consent model: a survey about a request just handled falls under the public-service mission
(the collectivité measures the quality of the service it gave), not under marketing. So no
prior opt-in is required, but a refusal is always honoured: the latest decision for the
purpose "enquetes" on a channel, if it is a "no", stops surveys on that channel (the right to
object, RGPD art. 21). Every message carries a link to say no in one click.

crm.selectors answers these questions one usager at a time; planning and dispatch ask them
for hundreds of usagers at once, so this module reads crm's models directly (reads only; every
write goes through crm.services).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crm.models import Consent, ContactPoint, Purpose, Usager

from .models import SurveyChannel

CONTACT_KIND = {SurveyChannel.EMAIL: ContactPoint.Kind.EMAIL,
                SurveyChannel.SMS: ContactPoint.Kind.PHONE}
# Phone and SMS contacts are surveyed by SMS first; every other contact by email first.
SMS_FIRST_CHANNELS = {"telephone", "sms"}


def channel_order(ticket_channel: str) -> list[str]:
    if ticket_channel in SMS_FIRST_CHANNELS:
        return [SurveyChannel.SMS, SurveyChannel.EMAIL]
    return [SurveyChannel.EMAIL, SurveyChannel.SMS]


def refusals(usager_ids: Iterable[int]) -> set[tuple[int, str]]:
    """(usager_id, channel) pairs whose latest decision for surveys is a refusal."""
    latest: dict[tuple[int, str], bool] = {}
    rows = (Consent.objects.filter(usager_id__in=list(usager_ids), purpose=Purpose.ENQUETES)
            .order_by("usager_id", "channel", "recorded_at", "id")
            .values_list("usager_id", "channel", "given"))
    for usager_id, channel, given in rows:
        latest[(usager_id, channel)] = given
    return {key for key, given in latest.items() if not given}


@dataclass(frozen=True)
class Reachability:
    active: bool
    points: dict[str, ContactPoint]  # survey channel -> the contact point to use


def reachability(usager_ids: Iterable[int]) -> dict[int, Reachability]:
    """For each usager: still active? which valid email / mobile number to write to?"""
    ids = list(set(usager_ids))
    active = dict(Usager.objects.filter(id__in=ids).values_list("id", "erased_at"))
    merged = set(Usager.objects.filter(id__in=ids, merged_into__isnull=False)
                 .values_list("id", flat=True))
    points: dict[int, dict[str, ContactPoint]] = {pk: {} for pk in ids}
    candidates = (ContactPoint.objects.filter(usager_id__in=ids, is_valid=True)
                  .order_by("usager_id", "-is_primary", "-last_used_at", "id"))
    for point in candidates:
        if point.kind == ContactPoint.Kind.EMAIL:
            points[point.usager_id].setdefault(SurveyChannel.EMAIL, point)
        elif point.is_mobile:
            points[point.usager_id].setdefault(SurveyChannel.SMS, point)
    return {pk: Reachability(active=pk in active and active[pk] is None and pk not in merged,
                             points=points[pk]) for pk in ids}

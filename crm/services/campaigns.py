"""Campaigns: targeting opted-in usagers, preparing one delivery per person and channel, sending.

Never to anyone without consent for the campaign's purpose and channel (checked when the
audience is drawn, and again just before each send); never twice to one person for one
campaign: the (campaign, usager, channel) row is unique in the database and a send happens only
after the row was claimed by one conditional UPDATE (at most once: a worker that dies after
claiming leaves a row that is reported failed, never re-sent).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import registry
from crm.models import (
    CAMPAIGN_PURPOSES,
    Campaign,
    CampaignDelivery,
    Category,
    ConsentChannel,
    ContactPoint,
    TimelineEntry,
    Usager,
)
from crm.selectors import has_consent, usagers_with_consent
from maison.sms import SmsError, send_sms

from .identity import record_contact
from .preferences import preferences_token, preferences_url, short_preferences_url

logger = logging.getLogger(__name__)

SMS_MAX_CHARS = 160
SMS_STOP_PREFIX = " STOP : "
MAX_ATTEMPTS = 3
SHORT_CODE_CHARS = 11  # secrets.token_urlsafe(8)


# --- Content ------------------------------------------------------------------------------

def sms_room() -> int:
    """Characters left for the text once the unsubscribe link is appended."""
    sample = reverse("crm:short_preferences", args=["x" * SHORT_CODE_CHARS])
    return SMS_MAX_CHARS - len(SMS_STOP_PREFIX) - len(settings.PUBLIC_BASE_URL + sample)


def sms_text(body: str, link: str) -> str:
    return f"{body.strip()}{SMS_STOP_PREFIX}{link}"


def email_text(campaign: Campaign, link: str) -> str:
    purpose = dict(CAMPAIGN_PURPOSES)[campaign.purpose]
    footer = _("Vous recevez ce message parce que vous avez accepté de recevoir « %(purpose)s » "
               "de la Communauté de communes Cœur Côte Fleurie. Pour ne plus en recevoir ou "
               "changer vos choix, en un clic et sans compte : %(link)s") % {
        "purpose": purpose, "link": link}
    return f"{campaign.email_body.strip()}\n\n-- \n{footer}\n"


def validate_content(*, title: str, purpose: str, send_email: bool, send_sms: bool,
                     email_subject: str, email_body: str, sms_body: str) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not title.strip():
        add("title", _("Donnez un titre à la campagne."))
    if purpose not in dict(CAMPAIGN_PURPOSES):
        add("purpose", _("Choisissez la finalité : campagnes d’information ou informations sur "
                         "le service."))
    if not (send_email or send_sms):
        add("send_email", _("Choisissez au moins un canal : courriel ou SMS."))
    if send_email and not email_subject.strip():
        add("email_subject", _("L’objet du courriel est obligatoire."))
    if send_email and not email_body.strip():
        add("email_body", _("Le texte du courriel est obligatoire."))
    if send_sms and not sms_body.strip():
        add("sms_body", _("Le texte du SMS est obligatoire."))
    if send_sms and len(sms_body.strip()) > sms_room():
        add("sms_body", _("Le SMS dépasse 160 caractères avec le lien de désinscription : "
                          "%(room)s caractères au plus pour le texte (vous en avez %(count)s).")
            % {"room": sms_room(), "count": len(sms_body.strip())})
    if errors:
        raise ValidationError(errors)


# --- Drafts and scheduling ----------------------------------------------------------------

@transaction.atomic
def save_campaign(*, campaign: Campaign | None = None, by, title: str, purpose: str,
                  send_email: bool, send_sms: bool, email_subject: str = "",
                  email_body: str = "", sms_body: str = "", communes=(), zones=(),
                  categories=(), audience_filters: dict | None = None) -> Campaign:
    """Create or edit a draft (a campaign being sent or sent is never edited)."""
    validate_content(title=title, purpose=purpose, send_email=send_email, send_sms=send_sms,
                     email_subject=email_subject, email_body=email_body, sms_body=sms_body)
    unknown = [value for value in categories if value not in Category.values]
    if unknown:
        raise ValidationError({"categories": [_("Catégorie d’usager inconnue.")]})
    filters = {key: list(values) for key, values in (audience_filters or {}).items() if values}
    for key in filters:
        if registry.audience_filter(key) is None:
            raise ValidationError({"audience_filters": [_("Critère de ciblage inconnu.")]})
    if campaign is None:
        campaign = Campaign(created_by=by)
    elif campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED):
        raise ValidationError(_("Une campagne envoyée ou en cours d’envoi ne peut plus être "
                                "modifiée."), code="campaign_locked")
    campaign.title, campaign.purpose = title.strip()[:150], purpose
    campaign.send_email, campaign.send_sms = send_email, send_sms
    campaign.email_subject, campaign.email_body = email_subject.strip()[:150], email_body
    campaign.sms_body = sms_body.strip()[:SMS_MAX_CHARS]
    campaign.categories, campaign.audience_filters = list(categories), filters
    campaign.save()
    campaign.communes.set(communes)
    campaign.zones.set(zones)
    return campaign


@transaction.atomic
def schedule_campaign(*, campaign: Campaign, by, at: datetime | None = None) -> Campaign:
    """Send at `at`, or now; the actual work starts after commit, in Celery."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED):
        raise ValidationError(_("Cette campagne a déjà été envoyée ou annulée."),
                              code="campaign_not_draft")
    now = timezone.now()
    if at is not None and at < now - timedelta(minutes=1):
        raise ValidationError(_("La date d’envoi est déjà passée."), code="campaign_past")
    campaign.status = Campaign.Status.SCHEDULED
    campaign.scheduled_at = at or now
    campaign.save(update_fields=["status", "scheduled_at"])
    if campaign.scheduled_at <= now:
        from crm import tasks

        tasks.send_campaign.delay_on_commit(campaign.pk)
    return campaign


@transaction.atomic
def cancel_campaign(*, campaign: Campaign, by) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status in (Campaign.Status.SENT, Campaign.Status.CANCELLED):
        raise ValidationError(_("Cette campagne est déjà terminée."), code="campaign_done")
    campaign.status = Campaign.Status.CANCELLED
    campaign.finished_at = timezone.now()
    campaign.save(update_fields=["status", "finished_at"])
    CampaignDelivery.objects.filter(campaign=campaign, status=CampaignDelivery.Status.PENDING
                                    ).update(status=CampaignDelivery.Status.SKIPPED,
                                             error=_("Campagne annulée"))
    return campaign


# --- Audience -----------------------------------------------------------------------------

def _reachable(channel: str) -> Exists:
    points = ContactPoint.objects.filter(usager=OuterRef("pk"), is_valid=True)
    if channel == ConsentChannel.EMAIL:
        points = points.filter(kind=ContactPoint.Kind.EMAIL)
    else:
        points = points.filter(kind=ContactPoint.Kind.PHONE, is_mobile=True)
    return Exists(points)


def _preferred_address(channel: str) -> Subquery:
    points = ContactPoint.objects.filter(usager=OuterRef("pk"), is_valid=True)
    points = (points.filter(kind=ContactPoint.Kind.EMAIL) if channel == ConsentChannel.EMAIL
              else points.filter(kind=ContactPoint.Kind.PHONE, is_mobile=True))
    return Subquery(points.order_by("-is_primary", "-last_used_at", "id").values("value")[:1])


def target_usagers(campaign: Campaign) -> QuerySet[Usager]:
    """Everyone the targeting selects, before consent (shown as "dans la cible")."""
    usagers = Usager.objects.filter(erased_at__isnull=True, merged_into__isnull=True)
    return _narrow(usagers, campaign)


def _narrow(usagers: QuerySet[Usager], campaign: Campaign) -> QuerySet[Usager]:
    commune_ids = [commune.pk for commune in campaign.communes.all()]
    zone_ids = [zone.pk for zone in campaign.zones.all()]
    if commune_ids:
        usagers = usagers.filter(commune_id__in=commune_ids)
    if zone_ids:
        usagers = usagers.filter(zone_id__in=zone_ids)
    if campaign.categories:
        usagers = usagers.filter(category__in=campaign.categories)
    for key, values in (campaign.audience_filters or {}).items():
        audience_filter = registry.audience_filter(key)
        if audience_filter is None:
            # A criterion whose room is gone must not widen the audience: target nobody.
            return usagers.none()
        usagers = audience_filter.apply(usagers, values)
    return usagers


def audience(campaign: Campaign, channel: str) -> QuerySet[Usager]:
    """Targeted, opted in for this purpose and channel, and reachable on it."""
    usagers = usagers_with_consent(purpose=campaign.purpose, channel=channel)
    return _narrow(usagers, campaign).filter(_reachable(channel))


def audience_counts(campaign: Campaign) -> dict[str, int]:
    return {channel: audience(campaign, channel).count() for channel in campaign.channels}


# --- Sending ------------------------------------------------------------------------------

def start_due_campaigns(now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(Campaign.objects.filter(status=Campaign.Status.SCHEDULED, scheduled_at__lte=now)
                .values_list("pk", flat=True))


@transaction.atomic
def prepare_deliveries(campaign_id: int) -> int:
    """Draw the audience once: one pending row per (usager, channel), duplicates ignored."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if campaign.status != Campaign.Status.SCHEDULED:
        return 0
    created = 0
    for channel in campaign.channels:
        rows = (audience(campaign, channel).annotate(address_value=_preferred_address(channel))
                .values_list("pk", "address_value"))
        batch = []
        for usager_id, address in rows.iterator(chunk_size=2000):
            batch.append(CampaignDelivery(campaign=campaign, usager_id=usager_id,
                                          channel=channel, address=address or ""))
            if len(batch) == 1000:
                created += len(CampaignDelivery.objects.bulk_create(batch,
                                                                    ignore_conflicts=True))
                batch = []
        created += len(CampaignDelivery.objects.bulk_create(batch, ignore_conflicts=True))
    campaign.status = Campaign.Status.SENDING
    campaign.started_at = timezone.now()
    campaign.save(update_fields=["status", "started_at"])
    return created


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retried: int = 0
    remaining: int = 0


class Pacer:
    """At most `rate` sends per second, whatever the speed of the backend."""

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.clock, self.sleep = clock, sleep
        self.next_slot = None

    def wait(self) -> None:
        now = self.clock()
        if self.next_slot is not None and now < self.next_slot:
            self.sleep(self.next_slot - now)
            now = self.next_slot
        self.next_slot = now + self.interval


def send_pending_deliveries(*, campaign_id: int, limit: int | None = None,
                            pacer: Pacer | None = None) -> SendReport:
    """Send up to `limit` pending deliveries of a campaign being sent; idempotent."""
    limit = limit or settings.MDS_CAMPAIGN_BATCH_SIZE
    pacer = pacer or Pacer(settings.MDS_CAMPAIGN_RATE_PER_SECOND)
    report = SendReport()
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or campaign.status != Campaign.Status.SENDING:
        return report
    pending = CampaignDelivery.objects.filter(campaign=campaign,
                                              status=CampaignDelivery.Status.PENDING)
    for pk in list(pending.order_by("pk").values_list("pk", flat=True)[:limit]):
        delivery = _claim(pk)
        if delivery is None:
            continue  # another worker took it
        if not _still_wanted(campaign, delivery):
            _finish(delivery, CampaignDelivery.Status.SKIPPED,
                    error=_("Consentement retiré ou usager injoignable avant l’envoi"))
            report.skipped += 1
            continue
        pacer.wait()
        outcome = _send(campaign, delivery)
        setattr(report, outcome, getattr(report, outcome) + 1)
    report.remaining = pending.count()
    _close_if_done(campaign)
    return report


def _claim(pk: int) -> CampaignDelivery | None:
    claimed = CampaignDelivery.objects.filter(pk=pk, status=CampaignDelivery.Status.PENDING
                                              ).update(status=CampaignDelivery.Status.SENDING,
                                                       claimed_at=timezone.now(),
                                                       attempts=F("attempts") + 1)
    if not claimed:
        return None
    return CampaignDelivery.objects.select_related("usager").get(pk=pk)


def _still_wanted(campaign: Campaign, delivery: CampaignDelivery) -> bool:
    usager = delivery.usager
    return (usager.erased_at is None and usager.merged_into_id is None and bool(delivery.address)
            and has_consent(usager, purpose=campaign.purpose, channel=delivery.channel))


def _send(campaign: Campaign, delivery: CampaignDelivery) -> str:
    try:
        provider_id = (_send_email(campaign, delivery) if delivery.channel == ConsentChannel.EMAIL
                       else _send_sms(campaign, delivery))
    except SmsError as error:
        # Retry only what the provider answered it did not accept; without an answer we
        # cannot know whether it left, and a campaign is never sent twice.
        answered = getattr(error, "code", None) is not None
        return _failed(delivery, str(error), transient=error.transient and answered)
    except Exception as error:  # the ESP refused, or no answer came
        logger.warning("campaign %s delivery %s failed: %s", campaign.pk, delivery.pk,
                       type(error).__name__)
        status = getattr(getattr(error, "response", None), "status_code", None)
        return _failed(delivery, type(error).__name__,
                       transient=status is not None and (status == 429 or status >= 500))
    _finish(delivery, CampaignDelivery.Status.SENT, provider_id=provider_id)
    record_contact(usager=delivery.usager, kind=TimelineEntry.Kind.CAMPAIGN,
                   occurred_at=delivery.sent_at, channel=delivery.channel,
                   source_type="crm.campaign_delivery", source_id=delivery.pk,
                   summary=_("Campagne « %(title)s »") % {"title": campaign.title})
    return "sent"


def _send_email(campaign: Campaign, delivery: CampaignDelivery) -> str:
    link = preferences_url(delivery.usager)
    one_click = settings.PUBLIC_BASE_URL + reverse(
        "crm:one_click_unsubscribe",
        args=[preferences_token(delivery.usager), campaign.purpose])
    message = EmailMessage(
        subject=campaign.email_subject, body=email_text(campaign, link), to=[delivery.address],
        headers={"List-Unsubscribe": f"<{one_click}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    message.send()
    status = getattr(message, "anymail_status", None)
    return (getattr(status, "message_id", None) or "") if status else ""


def _send_sms(campaign: Campaign, delivery: CampaignDelivery) -> str:
    body = sms_text(campaign.sms_body, short_preferences_url(delivery.usager))
    return send_sms(to=delivery.address, body=body).provider_id


def _failed(delivery: CampaignDelivery, error: str, *, transient: bool) -> str:
    if transient and delivery.attempts < MAX_ATTEMPTS:
        # Nothing left the house: safe to try again in a later batch.
        CampaignDelivery.objects.filter(pk=delivery.pk).update(
            status=CampaignDelivery.Status.PENDING, error=error[:300])
        return "retried"
    _finish(delivery, CampaignDelivery.Status.FAILED, error=error)
    return "failed"


def _finish(delivery: CampaignDelivery, status: str, *, error: str = "",
            provider_id: str = "") -> None:
    delivery.status, delivery.error, delivery.provider_id = status, error[:300], provider_id[:255]
    delivery.sent_at = timezone.now() if status == CampaignDelivery.Status.SENT else None
    delivery.save(update_fields=["status", "error", "provider_id", "sent_at"])


def _close_if_done(campaign: Campaign) -> None:
    unfinished = CampaignDelivery.objects.filter(
        campaign=campaign, status__in=[CampaignDelivery.Status.PENDING,
                                       CampaignDelivery.Status.SENDING])
    if not unfinished.exists():
        Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.SENDING).update(
            status=Campaign.Status.SENT, finished_at=timezone.now())


def fail_stale_deliveries(now: datetime | None = None) -> int:
    """A worker died between claim and result: we cannot know, so we do not send again."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.MDS_CAMPAIGN_STALE_MINUTES)
    stale = CampaignDelivery.objects.filter(status=CampaignDelivery.Status.SENDING,
                                            claimed_at__lt=cutoff)
    campaign_ids = set(stale.values_list("campaign_id", flat=True))
    count = stale.update(status=CampaignDelivery.Status.FAILED,
                         error=_("Envoi interrompu : non renvoyé pour éviter un doublon"))
    for campaign in Campaign.objects.filter(pk__in=campaign_ids):
        _close_if_done(campaign)
    return count

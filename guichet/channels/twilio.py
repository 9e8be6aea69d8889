"""Telephone and SMS through Twilio webhooks: TwiML in French, one `receive` call per input.

Every request is checked with Twilio's `RequestValidator` against TWILIO_AUTH_TOKEN, on the URL
Twilio called (PUBLIC_BASE_URL + path, so that it holds behind a reverse proxy): unsigned or
wrongly signed → 403 before anything is read or written. Calls, voicemails and SMS are stored
raw first (RawInbound), and are idempotent by CallSid, RecordingSid and MessageSid.

MMS pictures are not downloaded here (that needs the network and Twilio credentials at request
time): their URLs are kept in the message's metadata for agents to open.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import Gather, VoiceResponse

from crm import services as crm_services
from maison import calendar
from maison import sms as sms_transport
from maison.models import Theme

from .. import delivery, services, triage
from ..models import Channel, Message, RawInbound
from . import raw as raw_store
from .middleware import BadWebhookInput

logger = logging.getLogger(__name__)
VOICE = {"voice": "Polly.Lea", "language": "fr-FR"}
MAX_PARAM_CHARS = 4000
# The phone menu: key → theme code (None: any other question). Short on purpose.
MENU = {"1": "collecte", "2": "eau", "3": "redevance", "0": None}
WITHHELD_NUMBERS = {"anonymous", "restricted", "unknown", "private", "+266696687", "+7378742833",
                    "+2562533", "+8656696"}
SMS_STATUS = {
    "accepted": "", "scheduled": "", "queued": "", "sending": "",
    "sent": Message.Delivery.SENT, "delivered": Message.Delivery.DELIVERED,
    "read": Message.Delivery.DELIVERED, "partially_delivered": Message.Delivery.DELIVERED,
    "undelivered": Message.Delivery.FAILED, "failed": Message.Delivery.FAILED,
    "canceled": Message.Delivery.FAILED, "receiving": "", "received": "",
}
CALL_STATUSES = {"queued", "initiated", "ringing", "in-progress", "completed", "busy",
                 "no-answer", "failed", "canceled"}
MISSED_CALL = {"busy", "no-answer", "failed", "canceled"}


# --- Security --------------------------------------------------------------------------------

def called_url(request) -> str:
    """The URL Twilio signed: our public address, not the one a reverse proxy forwarded."""
    if settings.PUBLIC_BASE_URL:
        return f"{settings.PUBLIC_BASE_URL}{request.get_full_path()}"
    return request.build_absolute_uri()


def is_signed_by_twilio(request) -> bool:
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.META.get("HTTP_X_TWILIO_SIGNATURE", "")
    if not token or not signature:
        return False
    return RequestValidator(token).validate(called_url(request), request.POST, signature)


def twilio_webhook(view):
    """POST only, signed by Twilio, parameters of sane size; CSRF does not apply."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return JsonResponse({"error": "Méthode non autorisée : POST attendu."}, status=405)
        if request.content_type != "application/x-www-form-urlencoded":
            return JsonResponse({"error": "Type de contenu attendu : formulaire encodé."},
                                status=415)
        if not is_signed_by_twilio(request):
            logger.warning("twilio webhook %s: bad or missing signature", request.path)
            return JsonResponse({"error": "Signature Twilio absente ou invalide."}, status=403)
        too_long = [name for name, value in request.POST.items() if len(value) > MAX_PARAM_CHARS]
        if too_long:
            raise BadWebhookInput(f"Paramètre trop long : {too_long[0]}.")
        return view(request, *args, **kwargs)

    return wrapper


def _param(request, name: str, *, required: bool = False) -> str:
    value = (request.POST.get(name) or "").strip()
    if required and not value:
        raise BadWebhookInput(f"Paramètre manquant : {name}.")
    if len(value) > MAX_PARAM_CHARS:
        raise BadWebhookInput(f"Paramètre trop long : {name}.")
    return value


def _twiml(response: VoiceResponse) -> HttpResponse:
    return HttpResponse(str(response), content_type="text/xml; charset=utf-8")


def _caller(number: str) -> str | None:
    """The caller's number when it is a real one (withheld numbers identify nobody)."""
    if not number or number.lower() in WITHHELD_NUMBERS:
        return None
    try:
        return crm_services.normalize_phone(number)
    except ValidationError:
        return None


def _say(target, text: str) -> None:
    target.say(text, **VOICE)


def _ingest(channel: str, external_id: str, kind: str, form: dict, handler):
    """Store raw, then process; a retried webhook (same SID) is stored once."""
    raw = raw_store.store_once(channel=channel, external_id=external_id,
                               payload={"kind": kind, "form": form})
    if raw is None:
        return None
    if kind == "call":  # the call record goes with the call, synchronously
        return raw_store.file_now(raw, handler)
    return raw_store.accept(raw, handler)


# --- Voice: welcome, menu, forwarding, voicemail ---------------------------------------------

def spoken_moment(moment: datetime | None, now: datetime | None = None) -> str:
    """"demain à 9 heures", "lundi 24 novembre à 9 heures 30" — as a French voice says it."""
    if moment is None:
        return ""
    now = timezone.localtime(now or timezone.now(), calendar.local_tz())
    moment = timezone.localtime(moment, calendar.local_tz())
    with translation.override(settings.LANGUAGE_CODE):
        if moment.date() == now.date():
            day = _("aujourd’hui")
        elif (moment.date() - now.date()).days == 1:
            day = _("demain")
        else:
            day = formats.date_format(moment, "l j F")
        hour = _("%(h)s heures") % {"h": moment.hour}
        if moment.minute:
            hour = f"{hour} {moment.minute}"
        return _("%(day)s à %(hour)s") % {"day": day, "hour": hour}


@twilio_webhook
def voice(request):
    """An incoming call: the theme menu when open, hours and voicemail when closed."""
    _param(request, "CallSid", required=True)
    response = VoiceResponse()
    status = calendar.opening_status()
    if status.open:
        gather = Gather(input="dtmf speech", num_digits=1, timeout=6, speech_timeout="auto",
                        action=reverse("twilio-voice-menu"), method="POST", language="fr-FR",
                        hints="collecte, poubelle, tri, déchèterie, encombrants, eau, fuite, "
                              "assainissement, facture, redevance")
        _say(gather, _("Bienvenue à la Maison des Services de Cœur Côte Fleurie. "
                       "Pour la collecte, le tri ou les déchèteries, tapez 1. "
                       "Pour l’eau et l’assainissement, tapez 2. "
                       "Pour une facture ou la redevance, tapez 3. "
                       "Pour toute autre question, tapez 0. Vous pouvez aussi le dire."))
        response.append(gather)
        response.redirect(reverse("twilio-voice-menu"), method="POST")
        return _twiml(response)
    _say(response, _("Bonjour, vous êtes bien à la Maison des Services de Cœur Côte Fleurie. "
                     "Nous sommes fermés. Nous vous répondons du lundi au vendredi, de 9 heures "
                     "à 17 heures, et le samedi matin pendant les vacances scolaires. "
                     "Nous rouvrons %(when)s. "
                     "Sur notre site, %(site)s, Sophie, notre assistante, répond à vos questions "
                     "jour et nuit. Pour être rappelé, laissez votre message après le bip, avec "
                     "votre nom et votre numéro, puis raccrochez.")
         % {"when": spoken_moment(status.opens_at), "site": settings.MDS_WEBSITE_SPOKEN})
    _record(response)
    return _twiml(response)


def _record(response: VoiceResponse) -> None:
    response.record(action=reverse("twilio-voice-recording"), method="POST", max_length=120,
                    timeout=6, play_beep=True, finish_on_key="#", transcribe=True,
                    transcribe_callback=reverse("twilio-voice-transcription"))
    _say(response, _("Nous n’avons pas entendu de message. Au revoir."))


def _menu_theme(digits: str, speech: str) -> tuple[str, Theme | None, object]:
    """(choice, theme, sub-theme) from the keypad or from what the caller said."""
    if digits in MENU:
        code = MENU[digits]
        return digits, Theme.objects.filter(code=code).first() if code else None, None
    if speech:
        guess = triage.guess(speech)
        return "voix", guess.theme if guess else None, guess.subtheme if guess else None
    return "", None, None


@twilio_webhook
def voice_menu(request):
    """The caller chose a theme: a call record opens on a ticket, then we dial the agents."""
    call_sid = _param(request, "CallSid", required=True)
    _param(request, "SpeechResult")  # refuses an oversized value before anything is stored
    form = request.POST.dict()
    _ingest(Channel.TELEPHONE, call_sid, "call", form,
            lambda raw: receive_call(form, raw=raw))
    response = VoiceResponse()
    _say(response, _("Je vous mets en relation avec un conseiller. Merci de patienter."))
    dial = response.dial(action=reverse("twilio-voice-after-dial"), method="POST", timeout=25)
    dial.number(settings.MDS_AGENTS_PHONE_NUMBER)
    return _twiml(response)


def receive_call(form: dict, *, raw: RawInbound):
    choice, theme, subtheme = _menu_theme(form.get("Digits", ""), form.get("SpeechResult", ""))
    label = theme.label if theme else _("autre question")
    body = _("Appel entrant — choix : %(label)s.") % {"label": label}
    if form.get("SpeechResult"):
        body += " " + _("Le demandeur a dit : « %(speech)s ».") % {
            "speech": form["SpeechResult"][:500]}
    return services.receive(
        channel=Channel.TELEPHONE, phone=_caller(form.get("From", "")), body=body,
        subject=_("Appel téléphonique — %(label)s") % {"label": label}, theme=theme,
        subtheme=subtheme, external_id=form["CallSid"], raw=raw,
        metadata={"call_sid": form["CallSid"], "menu_choice": choice,
                  "caller_withheld": _caller(form.get("From", "")) is None})


@twilio_webhook
def voice_after_dial(request):
    """The agents' line did not answer: offer voicemail, and flag a callback on the ticket."""
    call_sid = _param(request, "CallSid", required=True)
    dial_status = _param(request, "DialCallStatus")
    response = VoiceResponse()
    if dial_status in ("completed", "answered"):
        response.hangup()
        return _twiml(response)
    services.add_call_details(channel=Channel.TELEPHONE, external_id=call_sid,
                              details={"dial_status": dial_status or "unknown"})
    _say(response, _("Nos conseillers sont tous occupés. Laissez votre message après le bip, "
                     "avec votre nom et votre numéro : nous vous rappellerons."))
    _record(response)
    return _twiml(response)


@twilio_webhook
def voice_recording(request):
    """A voicemail was left: it becomes a ticket (or joins the call's) with a callback."""
    response = VoiceResponse()
    recording_sid = _param(request, "RecordingSid")
    if recording_sid and _param(request, "RecordingUrl"):
        form = request.POST.dict()
        _ingest(Channel.TELEPHONE, recording_sid, "voicemail", form,
                lambda raw: receive_voicemail(form, raw=raw))
        _say(response, _("Merci, votre message est bien enregistré. Nous vous rappellerons "
                         "dès que possible. Au revoir."))
    else:
        _say(response, _("Au revoir."))
    response.hangup()
    return _twiml(response)


def receive_voicemail(form: dict, *, raw: RawInbound):
    duration = form.get("RecordingDuration") or "?"
    url = form.get("RecordingUrl", "")
    lines = [_("Message vocal (durée : %(duration)s s), rappel demandé.") % {
        "duration": duration}, _("Écouter : %(url)s.mp3") % {"url": url}]
    if form.get("TranscriptionText"):
        lines.append(_("Transcription : %(text)s") % {"text": form["TranscriptionText"]})
    return services.receive(
        channel=Channel.TELEPHONE, phone=_caller(form.get("From", "")), body="\n".join(lines),
        subject=_("Message vocal à rappeler"), external_id=form["RecordingSid"],
        callback_requested=True, raw=raw,
        metadata={"voicemail": True, "recording_url": url, "recording_duration": duration,
                  "call_sid": form.get("CallSid", "")})


@twilio_webhook
def voice_transcription(request):
    recording_sid = _param(request, "RecordingSid", required=True)
    text = _param(request, "TranscriptionText")
    if _param(request, "TranscriptionStatus") != "completed" or not text:
        return HttpResponse(status=204)
    addition = _("Transcription : %(text)s") % {"text": text}
    updated = services.add_call_details(channel=Channel.TELEPHONE, external_id=recording_sid,
                                        details={"transcription": text}, body_addition=addition)
    if updated is None:  # the transcription came first: it opens the voicemail itself
        form = request.POST.dict()
        _ingest(Channel.TELEPHONE, recording_sid, "voicemail", form,
                lambda raw: receive_voicemail(form, raw=raw))
    return HttpResponse(status=204)


# --- SMS -------------------------------------------------------------------------------------

@twilio_webhook
def sms(request):
    message_sid = _param(request, "MessageSid", required=True)
    _param(request, "From", required=True)
    form = request.POST.dict()
    _ingest(Channel.SMS, message_sid, "sms", form, lambda raw: receive_sms(form, raw=raw))
    return HttpResponse('<?xml version="1.0" encoding="UTF-8"?><Response/>',
                        content_type="text/xml; charset=utf-8")


def receive_sms(form: dict, *, raw: RawInbound):
    if (form.get("OptOutType") or "").upper() == "STOP":
        return _opt_out(form, raw=raw)
    try:
        count = min(int(form.get("NumMedia") or 0), 10)
    except ValueError:
        count = 0
    media = [{"url": form.get(f"MediaUrl{i}", ""),
              "content_type": form.get(f"MediaContentType{i}", "")}
             for i in range(count) if form.get(f"MediaUrl{i}")]
    body = form.get("Body", "").strip()
    if not body and media:
        body = _("(MMS sans texte : %(count)s photo(s), liens dans les détails)") % {
            "count": len(media)}
    metadata = {"to": form.get("To", "")}
    if media:
        metadata["media"] = media
    return services.receive(channel=Channel.SMS, phone=form.get("From", ""), body=body,
                            external_id=form["MessageSid"], raw=raw, metadata=metadata)


def _opt_out(form: dict, *, raw: RawInbound) -> None:
    """"STOP" (Twilio's opt-out keywords): no ticket; every SMS consent is withdrawn."""
    from crm.models import ConsentChannel, Purpose

    phone = _caller(form.get("From", ""))
    usager = crm_services.identify_usager(phone=phone, create=False).usager if phone else None
    if usager is not None:
        for purpose in Purpose.values:
            crm_services.record_consent(usager=usager, purpose=purpose,
                                        channel=ConsentChannel.SMS, given=False,
                                        source="SMS STOP",
                                        proof={"message_sid": form.get("MessageSid", "")})
    raw_store.ignore(raw, _("Désinscription par SMS (STOP) : consentements SMS retirés."))
    return None


# --- Status callbacks ------------------------------------------------------------------------

@twilio_webhook
def status(request):
    """Call and message status callbacks update the stored records."""
    message_sid = _param(request, "MessageSid")
    call_sid = _param(request, "CallSid")
    if message_sid:
        value = _param(request, "MessageStatus") or _param(request, "SmsStatus")
        if value not in SMS_STATUS:
            raise BadWebhookInput(f"Statut de message inconnu : {value or '(vide)'}.")
        code = _param(request, "ErrorCode")
        hard = code.isdigit() and int(code) in sms_transport.PERMANENT_TWILIO_CODES
        delivery.record_status(delivery.StatusReport(
            status=SMS_STATUS[value], provider_id=message_sid, recipient=_param(request, "To"),
            reason=f"Twilio {code}" if code else value, hard_bounce=hard), channel=Channel.SMS)
        return HttpResponse(status=204)
    if call_sid:
        value = _param(request, "CallStatus", required=True)
        if value not in CALL_STATUSES:
            raise BadWebhookInput(f"Statut d’appel inconnu : {value}.")
        details = {"call_status": value}
        if _param(request, "CallDuration").isdigit():
            details["call_duration"] = int(_param(request, "CallDuration"))
        message = services.add_call_details(channel=Channel.TELEPHONE, external_id=call_sid,
                                            details=details)
        if message is not None and value in MISSED_CALL:
            services.request_callback(ticket=message.ticket)
        return HttpResponse(status=204)
    raise BadWebhookInput("Paramètre manquant : MessageSid ou CallSid.")


def reprocess_raw(raw: RawInbound, *, forced: bool = False):
    form = raw.payload.get("form") or {}
    handlers = {"sms": receive_sms, "call": receive_call, "voicemail": receive_voicemail}
    handler = handlers.get(raw.payload.get("kind"))
    if handler is None:
        raise ValidationError(_("Entrée brute de type inconnu."))
    return handler(form, raw=raw)


raw_store.REPROCESSORS[Channel.SMS] = reprocess_raw
raw_store.REPROCESSORS[Channel.TELEPHONE] = reprocess_raw

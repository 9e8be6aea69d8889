"""The public pages: the request form, its receipt, and the follow-up page of a request.

Thin views: they check the anti-robot protections, validate, and make one call to the funnel
(`services.receive`) or to `followers.follow`; consent is recorded through crm's service.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from crm import services as crm_services
from crm.models import ConsentChannel, Purpose
from maison import selectors as territory
from maison.models import Commune, SubTheme

from .. import services
from ..models import Message, Nature, Status, Ticket, TicketEvent
from . import acknowledgement as acks
from . import antibot, followers
from .webform import RequestForm, TrackingMessageForm

FORM_SCOPE = "request-form"
TRACKING_SCOPE = "tracking-message"
SESSION_RECEIPT = "guichet_receipt"
STATUS_SENTENCES = {
    Status.NOUVEAU: _("Votre demande est bien enregistrée. Un agent va la prendre en charge."),
    Status.EN_COURS: _("Un agent s’occupe de votre demande."),
    Status.EN_ATTENTE: _("Nous attendons une précision de votre part : répondez ci-dessous."),
    Status.RESOLU: _("Votre demande a été traitée. Si ce n’est pas le cas, écrivez-nous "
                     "ci-dessous."),
    Status.CLOS: _("Cette demande est close. Un nouveau message ouvrira une nouvelle demande."),
}


def _upload(form) -> list[services.IncomingFile]:
    upload = form.cleaned_data.get("attachment")
    if not upload:
        return []
    return [services.IncomingFile(upload.name, upload.content_type, upload.read())]


def _too_many(request, scope: str):
    return render(request, "guichet/public/rate_limited.html", status=429)


# --- The request form ------------------------------------------------------------------------

@never_cache
@require_http_methods(["GET", "POST"])
def request_form(request):
    if request.method == "GET":
        return _render_form(request, RequestForm())
    if antibot.is_rate_limited(request, FORM_SCOPE):
        return _too_many(request, FORM_SCOPE)
    following = request.POST.get("follow", "")
    form = RequestForm(request.POST, request.FILES, following=bool(following))
    robot_error = _robot_problem(request)
    if robot_error:
        antibot.count_attempt(request, FORM_SCOPE)
        return _render_form(request, form, robot_error=robot_error, status=400)
    if not form.is_valid():
        return _render_form(request, form, status=400)
    data = form.cleaned_data
    if following:
        return _follow(request, form, reference=following)
    similar = []
    if data["nature"] == Nature.SIGNALEMENT and request.POST.get("similaires_vus") != "1":
        similar = list(followers.similar_open_reports(
            subtheme=data["subtheme_obj"], commune=data["commune"], street=data["street_obj"]))
    if similar:
        return _render_form(request, form, similar=similar)
    try:
        reception = _submit(request, form)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render_form(request, form, status=400)
    antibot.count_attempt(request, FORM_SCOPE)
    ticket = reception.ticket
    request.session[SESSION_RECEIPT] = {
        "kind": "request", "reference": ticket.reference, "due": acks.long_date(ticket.due_at),
        "tracking_url": reverse("public-tracking", args=[ticket.reference,
                                                         ticket.tracking_code]),
        "acknowledged_by": reception.acknowledgement.channel if reception.acknowledgement
        else ""}
    return redirect("public-request-received")


def _robot_problem(request) -> str:
    if antibot.honeypot_filled(request.POST):
        return _("Votre demande n’a pas pu être envoyée. Vérifiez-la puis envoyez-la de nouveau.")
    problem = antibot.stamp_problem(request.POST.get(antibot.STAMP_FIELD, ""))
    if problem == "too_fast":
        return _("Vous avez été très rapide ! Relisez votre demande puis envoyez-la de nouveau.")
    if problem == "expired":
        return _("Ce formulaire a été ouvert il y a longtemps. Relisez votre demande puis "
                 "envoyez-la de nouveau.")
    if problem:
        return _("Votre demande n’a pas pu être envoyée. Rechargez la page puis réessayez.")
    return ""


def _subject(data) -> str:
    topic = data["subtheme_obj"].label if data["subtheme_obj"] else data["theme"].label
    nature = dict(Nature.choices)[data["nature"]]
    return f"{nature} : {topic} ({data['commune'].name})"


@transaction.atomic
def _submit(request, form) -> services.Reception:
    data = form.cleaned_data
    reception = services.receive(
        channel="formulaire", body=data["description"], subject=_subject(data),
        email=data["email"] or None, phone=data["phone"] or None,
        first_name=data["first_name"], last_name=data["last_name"], category=data["category"],
        commune=data["commune"], street=data["street_obj"], address=data["street"],
        nature=data["nature"], theme=data["theme"], subtheme=data["subtheme_obj"],
        attachments=_upload(form), force_new_ticket=True,
        metadata={"form": "public-request"})
    _record_consent(request, form, reception.usager, reference=reception.ticket.reference)
    return reception


def _record_consent(request, form, usager, *, reference: str) -> None:
    """Only a ticked box is recorded: an unticked one is no decision at all."""
    if not form.cleaned_data.get("consent") or usager is None:
        return
    address_digest = hashlib.sha256(
        f"{settings.SECRET_KEY}:{antibot.client_address(request)}".encode()).hexdigest()[:16]
    for channel in form.contact_channels():
        crm_services.record_consent(
            usager=usager, purpose=Purpose.INFORMATION,
            channel=ConsentChannel.EMAIL if channel == "email" else ConsentChannel.SMS,
            given=True, source="formulaire", text=form.consent_text,
            proof={"page": reverse("public-request"), "ticket_reference": reference,
                   "text_version": form.consent_text.version, "box": "unticked by default",
                   "client": address_digest,
                   "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200]})


@transaction.atomic
def _follow_in_transaction(request, form, ticket):
    data = form.cleaned_data
    usager = crm_services.identify_usager(
        email=data["email"] or None, phone=data["phone"] or None,
        first_name=data["first_name"], last_name=data["last_name"], category=data["category"],
        commune=data["commune"]).usager
    followers.follow(ticket=ticket, usager=usager, body=data["description"],
                     attachments=_upload(form))
    _record_consent(request, form, usager, reference=ticket.reference)


def _follow(request, form, *, reference: str):
    data = form.cleaned_data
    # Only a report that was actually suggested for this place and sub-theme can be followed.
    candidates = followers.similar_open_reports(
        subtheme=data["subtheme_obj"], commune=data["commune"], street=data["street_obj"])
    ticket = next((t for t in candidates if t.reference == reference), None)
    if ticket is None:
        form.add_error(None, _("Ce signalement ne peut plus être suivi (il a peut-être été "
                               "traité). Envoyez plutôt votre propre signalement."))
        return _render_form(request, form, status=400)
    try:
        _follow_in_transaction(request, form, ticket)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render_form(request, form, status=400)
    antibot.count_attempt(request, FORM_SCOPE)
    request.session[SESSION_RECEIPT] = {"kind": "follow", "reference": ticket.reference,
                                        "where": followers.where(ticket)}
    return redirect("public-request-received")


def _render_form(request, form, *, similar=(), robot_error: str = "", status: int = 200):
    form.describe_widgets()
    errors = []
    if form.is_bound:
        errors = [(None, error) for error in form.non_field_errors()]
        errors += [(form[name], error) for name in form.fields if name in form.errors
                   for error in form.errors[name]]
    context = {"form": form, "similar": similar, "robot_error": robot_error, "errors": errors,
               "stamp": antibot.issue_stamp(), "honeypot": antibot.HONEYPOT_FIELD,
               "stamp_field": antibot.STAMP_FIELD}
    return render(request, "guichet/public/request_form.html", context, status=status)


@never_cache
@require_GET
def request_received(request):
    receipt = request.session.get(SESSION_RECEIPT)
    if not receipt:
        return redirect("public-request")
    return render(request, "guichet/public/request_received.html", {"receipt": receipt})


@require_GET
def similar_reports(request):
    """Progressive enhancement: suggestions shown while the resident fills in the form."""
    subtheme = SubTheme.objects.filter(pk=_int(request.GET.get("subtheme"))).first()
    commune = Commune.objects.filter(pk=_int(request.GET.get("commune"))).first()
    street_text = (request.GET.get("street") or "")[:250]
    street = territory.find_street(commune, street_text) if commune and street_text else None
    similar = list(followers.similar_open_reports(subtheme=subtheme, commune=commune,
                                                  street=street))
    html = render_to_string("guichet/public/_similar.html", {"similar": similar},
                            request=request) if similar else ""
    return JsonResponse({"count": len(similar), "html": html})


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- Following a request ---------------------------------------------------------------------

def _ticket_for(reference: str, code: str) -> Ticket:
    """The same 404 for an unknown reference and a wrong code (constant-time comparison)."""
    ticket = (Ticket.objects.select_related("theme", "subtheme", "commune", "usager")
              .filter(reference=reference).first())
    expected = ticket.tracking_code if ticket else "x" * 12
    if not hmac.compare_digest(expected.encode(), (code or "").encode()) or ticket is None:
        raise Http404(_("Demande introuvable."))
    return ticket


def public_timeline(ticket: Ticket) -> list[dict]:
    """What the resident may see: public messages (never notes) and public events."""
    entries = []
    public_messages = (Message.objects.filter(ticket=ticket, public=True)
                       .exclude(direction=Message.Direction.NOTE)
                       .prefetch_related("attachments").order_by("created_at", "id"))
    for message in public_messages:
        if message.metadata.get("kind") == "acknowledgement":
            entries.append({"at": message.created_at, "kind": "event",
                            "label": _("Accusé de réception envoyé (%(channel)s)")
                            % {"channel": message.get_channel_display()}})
            continue
        entries.append({"at": message.created_at, "kind": "message",
                        "mine": message.direction in (Message.Direction.IN,
                                                      Message.Direction.CALL),
                        "message": message})
    for event in TicketEvent.objects.filter(ticket=ticket, public=True).order_by("created_at"):
        entries.append({"at": event.created_at, "kind": "event", "event": event,
                        "label": _event_label(event)})
    return sorted(entries, key=lambda entry: (entry["at"], entry["kind"] == "message"))


def _event_label(event: TicketEvent) -> str:
    if event.kind == TicketEvent.Kind.CREATED:
        return _("Demande reçue (%(channel)s)") % {"channel": event.new_value}
    if event.field == "status":
        return _("Statut : %(status)s") % {"status": Status(event.new_value).label}
    return event.get_kind_display()


@never_cache
@require_http_methods(["GET", "POST"])
def tracking(request, reference: str, code: str):
    ticket = _ticket_for(reference, code)
    form = TrackingMessageForm()
    status = 200
    if request.method == "POST":
        form = TrackingMessageForm(request.POST, request.FILES)
        if antibot.is_rate_limited(request, TRACKING_SCOPE):
            return _too_many(request, TRACKING_SCOPE)
        if antibot.honeypot_filled(request.POST):
            form.add_error(None, _("Votre message n’a pas pu être envoyé. Réessayez."))
            status = 400
        elif form.is_valid():
            antibot.count_attempt(request, TRACKING_SCOPE)
            try:
                reception = services.receive(
                    channel="formulaire", thread_on=ticket, body=form.cleaned_data["body"],
                    subject=_("Message depuis la page de suivi"), attachments=_upload(form),
                    metadata={"form": "public-tracking"})
            except ValidationError as exc:
                form.add_error(None, exc)
                status = 400
            else:
                target = reception.ticket
                if target.pk != ticket.pk:
                    messages.success(request, _(
                        "Cette demande était close : votre message a ouvert la nouvelle demande "
                        "%(reference)s.") % {"reference": target.reference})
                else:
                    messages.success(request, _("Votre message a bien été ajouté à votre "
                                                "demande."))
                return redirect(links_path(target))
        else:
            status = 400
    form.describe_widgets()
    context = {"ticket": ticket, "form": form, "timeline": public_timeline(ticket),
               "status_sentence": STATUS_SENTENCES.get(ticket.status, ""),
               "overdue": ticket.is_open and ticket.due_at and ticket.due_at < timezone.now(),
               "honeypot": antibot.HONEYPOT_FIELD,
               "errors": [(form[name] if name != "__all__" else None, error)
                          for name, errs in form.errors.items() for error in errs]}
    response = render(request, "guichet/public/tracking.html", context, status=status)
    # The URL holds a secret: never sent to another site, never indexed ("same-origin", not
    # "no-referrer", which makes browsers send "Origin: null" and fail the CSRF check).
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def links_path(ticket: Ticket) -> str:
    return reverse("public-tracking", args=[ticket.reference, ticket.tracking_code])


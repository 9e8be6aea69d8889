"""One ticket: header, deadlines, timeline, and every action an agent takes on it.

Each action posts to its own url and calls one service. On bad input the page is shown again
with the agent's typed text and a French message (400); when someone else changed the ticket
meanwhile, the same with the ConcurrentUpdate message (409) and the form re-bound to the
current version, so that nothing typed is lost and nothing is overwritten blindly.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.selectors import contact_points
from maison.roles import supervises

from ... import selectors, services
from ...models import Attachment, Channel, KnowledgeArticle, Message, Ticket
from .. import presenters
from ..access import AgentRequiredMixin
from ..forms import AssignForm, NoteForm, QualifyForm, ReplyForm, StatusForm, VisibilityForm

TEMPLATE = "guichet/backoffice/ticket.html"


def reply_channels(ticket: Ticket) -> list[str]:
    """The channels we can answer on: email if the usager has one, SMS if a valid mobile."""
    if ticket.usager is None:
        return []
    points = list(contact_points(ticket.usager, valid_only=True))
    channels = []
    if any(point.kind == "email" for point in points):
        channels.append(Channel.EMAIL)
    if any(point.kind == "phone" and point.is_mobile for point in points):
        channels.append(Channel.SMS)
    return channels


def _initial_forms(request, ticket: Ticket) -> dict:
    channels = reply_channels(ticket)
    default_channel = services.default_reply_channel(ticket)
    reply_initial = {"version": ticket.version,
                     "channel": default_channel if default_channel in channels else
                     (channels[0] if channels else "")}
    article_pk = request.GET.get("article", "")
    if article_pk.isdigit():
        article = KnowledgeArticle.objects.filter(pk=article_pk, published=True).first()
        if article:
            reply_initial["body"] = presenters.html_to_text(article.body)
    return {
        "reply_form": ReplyForm(initial=reply_initial, channels=channels),
        "note_form": NoteForm(initial={"version": ticket.version}),
        "status_form": StatusForm(initial={"version": ticket.version, "status": ticket.status,
                                           "close_reason": ticket.close_reason}),
        "assign_form": AssignForm(initial={"version": ticket.version,
                                           "assignee": ticket.assignee_id}),
        "qualify_form": QualifyForm(initial={
            "version": ticket.version, "nature": ticket.nature, "theme": ticket.theme_id,
            "subtheme": ticket.subtheme_id, "commune": ticket.commune_id,
            "priority": ticket.priority}),
    }


def render_ticket(request, ticket: Ticket, *, forms: dict | None = None, status: int = 200,
                  error: str = ""):
    context = _initial_forms(request, ticket)
    context.update(forms or {})
    first_text = selectors.first_message_text(ticket)
    context.update({
        "ticket": ticket,
        "timeline": presenters.present_timeline(selectors.ticket_timeline(ticket)),
        "deadlines": presenters.deadlines(ticket),
        "overdue": presenters.is_overdue(ticket),
        "articles": [{"article": article, "text": presenters.html_to_text(article.body)}
                     for article in selectors.suggested_articles(ticket, text=first_text)],
        "contacts": list(contact_points(ticket.usager)) if ticket.usager else [],
        "can_reply": bool(context["reply_form"].fields["channel"].choices),
        "error": error,
        "supervises": supervises(request.user),
    })
    return render(request, TEMPLATE, context, status=status)


class TicketView(AgentRequiredMixin, View):
    def get(self, request, pk):
        ticket = get_object_or_404(selectors.ticket_detail_queryset(), pk=pk)
        return render_ticket(request, ticket)


class TicketActionView(AgentRequiredMixin, View):
    """Validate one form, call one service; on failure show the page again, text kept."""

    form_class = None
    form_name = ""
    success_message = ""
    anchor = ""

    def form_kwargs(self, ticket) -> dict:
        return {}

    def perform(self, ticket: Ticket, form) -> None:
        raise NotImplementedError

    def post(self, request, pk):
        ticket = get_object_or_404(selectors.ticket_detail_queryset(), pk=pk)
        form = self.form_class(request.POST, **self.form_kwargs(ticket))
        if not form.is_valid():
            return render_ticket(request, ticket, forms={self.form_name: form}, status=400,
                                 error=_("La demande n’a pas été modifiée : corrigez les "
                                         "erreurs signalées."))
        try:
            self.perform(ticket, form)
        except services.ConcurrentUpdate:
            fresh = selectors.ticket_detail(pk)
            return render_ticket(request, fresh, status=409,
                                 forms={self.form_name: form.with_version(fresh.version)},
                                 error=str(services.ConcurrentUpdate.message))
        except ValidationError as exc:
            for text in exc.messages:
                form.add_error(None, text)
            fresh = selectors.ticket_detail(pk)
            return render_ticket(request, fresh, forms={self.form_name: form}, status=400,
                                 error=" ".join(exc.messages))
        messages.success(request, self.success_message)
        return redirect(reverse("guichet:ticket", args=[pk]) + self.anchor)


class ReplyView(TicketActionView):
    form_class = ReplyForm
    form_name = "reply_form"
    success_message = gettext_lazy(
        "Réponse enregistrée : elle part à l’usager dans quelques instants.")
    anchor = "#historique"

    def form_kwargs(self, ticket):
        return {"channels": reply_channels(ticket)}

    def perform(self, ticket, form):
        data = form.cleaned_data
        services.reply(ticket=ticket, author=self.request.user, body=data["body"],
                       channel=data["channel"], status=data["status"] or None,
                       expected_version=data["version"])


class NoteView(TicketActionView):
    form_class = NoteForm
    form_name = "note_form"
    success_message = gettext_lazy("Note interne ajoutée.")
    anchor = "#historique"

    def perform(self, ticket, form):
        # A note adds to the timeline and changes nothing of the ticket: it cannot overwrite
        # anyone's work, so it is accepted even if the ticket moved meanwhile.
        services.add_note(ticket=ticket, author=self.request.user, body=form.cleaned_data["body"])


class StatusView(TicketActionView):
    form_class = StatusForm
    form_name = "status_form"
    success_message = gettext_lazy("Statut modifié.")

    def perform(self, ticket, form):
        data = form.cleaned_data
        services.change_status(ticket=ticket, status=data["status"], actor=self.request.user,
                               expected_version=data["version"],
                               close_reason=data["close_reason"])


class AssignView(TicketActionView):
    form_class = AssignForm
    form_name = "assign_form"
    success_message = gettext_lazy("Affectation enregistrée.")

    def perform(self, ticket, form):
        data = form.cleaned_data
        assignee = self.request.user if "take" in self.request.POST else data["assignee"]
        services.assign(ticket=ticket, assignee=assignee, queue=data["queue"],
                        actor=self.request.user, expected_version=data["version"])


class QualifyView(TicketActionView):
    form_class = QualifyForm
    form_name = "qualify_form"
    success_message = gettext_lazy("Qualification enregistrée.")

    def perform(self, ticket, form):
        data = form.cleaned_data
        services.update_ticket(ticket=ticket, actor=self.request.user,
                               expected_version=data["version"], nature=data["nature"],
                               theme=data["theme"], subtheme=data["subtheme"],
                               commune=data["commune"], priority=data["priority"])


class VisibilityView(AgentRequiredMixin, View):
    def post(self, request, pk, message_pk):
        message = get_object_or_404(Message.objects.select_related("ticket"), pk=message_pk,
                                    ticket_id=pk)
        form = VisibilityForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choix de visibilité inconnu."))
            return redirect(reverse("guichet:ticket", args=[pk]) + f"#message-{message.pk}",
                            status=303)
        try:
            services.set_message_visibility(message=message, public=form.cleaned_data["public"],
                                            actor=request.user)
        except ValidationError as exc:
            ticket = selectors.ticket_detail(pk)
            return render_ticket(request, ticket, status=400, error=" ".join(exc.messages))
        messages.success(request, _("Le message est maintenant visible par l’usager.")
                         if message.public else _("Le message est maintenant masqué à "
                                                  "l’usager."))
        return redirect(reverse("guichet:ticket", args=[pk]) + f"#message-{message.pk}")


class AttachmentView(AgentRequiredMixin, View):
    """Files residents sent, served only to the people who handle tickets."""

    def get(self, request, pk):
        attachment = get_object_or_404(Attachment, pk=pk)
        try:
            handle = attachment.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404(_("Ce fichier n’est plus disponible.")) from None
        response = FileResponse(handle, as_attachment=True, filename=attachment.filename,
                                content_type=attachment.content_type)
        response["Cache-Control"] = "private, no-store"
        return response

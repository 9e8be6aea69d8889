"""Supervisors' pages: results, verbatims, follow-ups of poor ratings, questionnaires."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from maison import calendar, roles
from maison.models import Theme
from maison.permissions import RoleRequiredMixin

from .. import selectors, services
from ..forms import FollowUpCloseForm, PeriodForm, TemplateForm
from ..models import FollowUp, SurveyTemplate

DEFAULT_PERIOD_DAYS = 30
VERBATIMS_PER_PAGE = 25


class SupervisorRequired(RoleRequiredMixin):
    allowed = staticmethod(roles.supervises)


def ticket_url(ticket_id: int) -> str | None:
    """The back-office page of a ticket (None while guichet does not provide it)."""
    try:
        return reverse("guichet:ticket", args=[ticket_id])
    except NoReverseMatch:
        return None


def _period(form: PeriodForm) -> tuple[datetime, datetime]:
    tz = calendar.local_tz()
    today = timezone.localdate()
    data = form.cleaned_data if form.is_valid() else {}
    end_day = data.get("end") or today
    start_day = data.get("start") or end_day - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    return (datetime.combine(start_day, time.min, tz),
            datetime.combine(end_day + timedelta(days=1), time.min, tz))


class ResultsView(SupervisorRequired, View):
    def get(self, request):
        form = PeriodForm(request.GET or None)
        start, end = _period(form)
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        filters = {"theme_id": data["theme"].pk if data.get("theme") else None,
                   "commune_id": data["commune"].pk if data.get("commune") else None}
        verbatims = Paginator(selectors.verbatims(start=start, end=end, **filters),
                              VERBATIMS_PER_PAGE).get_page(request.GET.get("page"))
        for answer in verbatims:
            answer.ticket_url = ticket_url(answer.survey.ticket_id)
        query = request.GET.copy()
        query.pop("page", None)
        return render(request, "surveys/results.html", {
            "form": form, "start": start, "end": end - timedelta(days=1),
            "overall": selectors.overall(start=start, end=end, **filters),
            "chat": selectors.chat_figures(start=start, end=end, theme_id=filters["theme_id"]),
            "tables": [(_("Par thème"), selectors.by_dimension("theme", start=start, end=end,
                                                               **filters)),
                       (_("Par commune"), selectors.by_dimension("commune", start=start,
                                                                 end=end, **filters)),
                       (_("Par canal de la demande"), selectors.by_dimension(
                           "channel", start=start, end=end, **filters)),
                       (_("Par agent"), selectors.by_dimension("agent", start=start, end=end,
                                                               **filters))],
            "terms": selectors.frequent_terms_by_theme(start=start, end=end),
            "verbatims": verbatims, "query": query.urlencode(),
            "open_follow_ups": selectors.open_follow_up_count(),
        })


class FollowUpListView(SupervisorRequired, View):
    def get(self, request):
        state = request.GET.get("etat") or ""
        if state not in FollowUp.State.values:
            state = ""
        items = Paginator(selectors.follow_ups(state=state or None), 30).get_page(
            request.GET.get("page"))
        for item in items:
            item.ticket_url = ticket_url(item.survey.ticket_id)
        return render(request, "surveys/follow_ups.html", {
            "items": items, "state": state, "states": FollowUp.State.choices,
            "close_form": FollowUpCloseForm()})


class FollowUpActionView(SupervisorRequired, View):
    def post(self, request, pk, action):
        if action not in ("prendre", "clore"):
            raise Http404
        follow_up = get_object_or_404(FollowUp, pk=pk)
        try:
            if action == "prendre":
                services.take_follow_up(follow_up=follow_up, user=request.user)
                messages.success(request, _("Vous suivez la réponse de la demande %(ref)s.")
                                 % {"ref": follow_up.survey.ticket_reference})
            else:
                form = FollowUpCloseForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(form.errors["outcome"])
                services.close_follow_up(follow_up=follow_up, user=request.user,
                                         outcome=form.cleaned_data["outcome"])
                messages.success(request, _("Suivi de la demande %(ref)s clos.")
                                 % {"ref": follow_up.survey.ticket_reference})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("surveys:follow_ups")


class TemplateListView(SupervisorRequired, View):
    def get(self, request):
        templates = {t.theme_id: t for t in SurveyTemplate.objects.select_related("updated_by")}
        rows = [(None, _("Questionnaire par défaut"), templates.get(None))]
        rows += [(theme.pk, theme.label, templates.get(theme.pk)) for theme in Theme.objects.all()]
        return render(request, "surveys/templates.html", {"rows": rows})


class TemplateEditView(SupervisorRequired, View):
    def _theme(self, theme_id):
        return get_object_or_404(Theme, pk=theme_id) if theme_id else None

    def _instance(self, theme):
        existing = SurveyTemplate.objects.filter(theme=theme).first()
        if existing:
            return existing
        default = SurveyTemplate.objects.filter(theme__isnull=True).first()
        template = SurveyTemplate(theme=theme)
        if default and theme is not None:  # a new theme questionnaire starts from the default
            for name in services.TEMPLATE_FIELDS:
                setattr(template, name, getattr(default, name))
        return template

    def get(self, request, theme_id=None):
        theme = self._theme(theme_id)
        form = TemplateForm(instance=self._instance(theme))
        return render(request, "surveys/template_form.html", {"form": form, "theme": theme})

    def post(self, request, theme_id=None):
        theme = self._theme(theme_id)
        form = TemplateForm(request.POST, instance=self._instance(theme))
        if form.is_valid():
            services.save_template(theme=theme, user=request.user,
                                   **{name: form.cleaned_data[name]
                                      for name in services.TEMPLATE_FIELDS})
            messages.success(request, _("Questionnaire enregistré."))
            return redirect("surveys:templates")
        return render(request, "surveys/template_form.html", {"form": form, "theme": theme},
                      status=400)

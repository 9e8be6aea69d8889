"""The resident's answer page: no login, the token in the link is the only key.

Every failure is a clear French page (404 unknown link, 410 expired link), never an error.
Pages are never cached nor indexed, and send no Referer to other sites (the token is in the URL).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from .. import services
from ..forms import AnswerForm
from ..messages import rating_label
from ..models import Answer


def _private(response):
    add_never_cache_headers(response)
    # No Referer to other sites (the token is in the URL); "no-referrer" would also blank the
    # Origin of our own form posts, which CSRF protection checks.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def link_error(request, error: services.LinkError):
    template = ("surveys/expired.html" if isinstance(error, services.ExpiredLink)
                else "surveys/unknown.html")
    return _private(render(request, template, status=error.status))


class TokenView(View):
    allow_expired = False

    def dispatch(self, request, token, *args, **kwargs):
        try:
            self.survey = services.survey_for_token(token, allow_expired=self.allow_expired)
        except services.LinkError as error:
            return link_error(request, error)
        self.token = token
        self.answer = Answer.objects.filter(survey=self.survey).first()
        return _private(super().dispatch(request, *args, **kwargs))


class AnswerView(TokenView):
    def get(self, request):
        if self.answer and self.answer.completed_at:
            return redirect("surveys:thanks", self.token)
        template = services.template_for(self.survey)
        initial = {"rating": self.answer.rating} if self.answer and self.answer.rating else {}
        form = AnswerForm(template=template, initial=initial)
        return self._render(request, form, template)

    def post(self, request):
        template = services.template_for(self.survey)
        form = AnswerForm(request.POST, template=template)
        if form.is_valid():
            try:
                services.submit_answer(survey=self.survey, rating=form.cleaned_data["rating"],
                                       resolution=form.cleaned_data.get("resolution", ""),
                                       comment=form.cleaned_data.get("comment", ""))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("surveys:thanks", self.token)
        return self._render(request, form, template, status=400)

    def _render(self, request, form, template, status=200):
        recorded = self.answer.rating if self.answer else None
        return render(request, "surveys/answer.html", {
            "survey": self.survey, "template": template, "form": form, "token": self.token,
            "recorded_rating": recorded,
            "recorded_label": rating_label(recorded) if recorded else "",
            "just_rated": request.GET.get("enregistree") == "1",
        }, status=status)


class RateView(TokenView):
    """One click from the email: the score is recorded, then the rest of the questions."""

    def get(self, request, score):
        if not 1 <= score <= 5:
            return link_error(request, services.UnknownLink())
        outcome = services.record_rating(survey=self.survey, rating=score)
        if outcome.already_completed:
            return redirect("surveys:thanks", self.token)
        return redirect(reverse("surveys:answer", args=[self.token]) + "?enregistree=1")


class ThanksView(TokenView):
    allow_expired = True

    def get(self, request):
        return render(request, "surveys/thanks.html", {"survey": self.survey,
                                                       "answer": self.answer,
                                                       "token": self.token})


@method_decorator(csrf_exempt, name="dispatch")  # RFC 8058 one-click POST from mail providers
class StopView(TokenView):
    """No more surveys, on every channel (works even after the link has expired)."""

    allow_expired = True

    def get(self, request):
        return render(request, "surveys/stop.html", {"survey": self.survey, "token": self.token,
                                                     "done": False})

    def post(self, request):
        services.stop_surveys(survey=self.survey)
        return render(request, "surveys/stop.html", {"survey": self.survey, "token": self.token,
                                                     "done": True})

"""Survey emails rendered once per batch and filled in: byte for byte the full rendering."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock
from urllib.parse import quote

import pytest
from django.utils.html import escape

from surveys import messages, planning, rendering
from surveys.models import Survey, SurveyTemplate

from .conftest import TUESDAY_10H

pytestmark = pytest.mark.usefixtures("reference_data")
NAMES = ("emails/surveys/survey.txt", "emails/surveys/survey.html")


@pytest.fixture
def surveys(make_ticket):
    """Three planned surveys: two ordinary ones, one whose reference needs HTML escaping."""
    tickets = [make_ticket() for _ in range(3)]
    planning.plan_surveys(now=TUESDAY_10H + timedelta(minutes=5))
    found = list(Survey.objects.filter(ticket__in=tickets).order_by("id")
                 .select_related("usager", "theme", "contact_point"))
    found[2].ticket_reference = 'MDS-<b>&"quoted"\'-1'
    return found


def contexts(survey, template, *, reminder=False, links=None):
    return {"survey": survey, "template": template, "links": links or messages.links_for(survey),
            "reminder": reminder, "theme": survey.theme.label if survey.theme_id else ""}


def both_ways(renderer, survey, template, *, name=NAMES[1], **kwargs):
    context = contexts(survey, template, **kwargs)
    return renderer.render(name, **context), rendering.render_in_full(name, **context)


@pytest.mark.parametrize("reminder", [False, True])
@pytest.mark.parametrize("name", NAMES)
def test_a_batch_renders_each_template_once_and_fills_in_the_same_text(surveys, name, reminder):
    template = SurveyTemplate(intro="Votre <avis> & vos \"idées\" comptent.",
                              rating_question="Satisfait·e ?")
    renderer = rendering.EmailRenderer()
    with mock.patch.object(rendering, "render_to_string", wraps=rendering.render_to_string) as r:
        fast = [renderer.render(name, **contexts(survey, template, reminder=reminder))
                for survey in surveys]
    assert r.call_count == 2  # the first survey in full (to check the skeleton), the skeleton
    assert fast == [rendering.render_in_full(name, **contexts(survey, template, reminder=reminder))
                    for survey in surveys]
    raw = 'MDS-<b>&"quoted"\'-1'
    assert (escape(raw) if name.endswith("html") else raw) in fast[2]
    assert messages.links_for(surveys[1]).answer in fast[1]


def test_each_questionnaire_and_the_preferences_link_get_their_own_skeleton(surveys):
    renderer = rendering.EmailRenderer()
    themed, default = SurveyTemplate(intro="Thème A"), SurveyTemplate(intro="Par défaut")
    links = messages.links_for(surveys[1])
    assert links.preferences
    without_link = type(links)(answer=links.answer, ratings=links.ratings, stop=links.stop,
                               preferences=None)
    for survey in surveys:
        for template in (themed, default):
            fast, full = both_ways(renderer, survey, template)
            assert fast == full and template.intro in fast
    fast, full = both_ways(renderer, surveys[1], default, links=without_link)
    assert fast == full
    assert "préférences" not in fast


@pytest.mark.parametrize(("source", "expected"), [
    ("{{ survey.pk }} {{ links.answer }}", lambda s: f"{s.pk} http"),  # another survey field
    ("{{ links.answer|urlencode }} {{ survey.ticket_reference|upper }}",  # values transformed
     lambda s: quote(messages.links_for(s).answer, safe="/")),
])
def test_a_template_that_cannot_be_filled_in_is_rendered_in_full(surveys, settings, source,
                                                                 expected):
    settings.TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates",
                           "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader",
                                                    {"custom.txt": source})]}}]
    renderer = rendering.EmailRenderer()
    for survey in surveys:
        fast, full = both_ways(renderer, survey, SurveyTemplate(), name="custom.txt")
        assert fast == full
        assert expected(survey) in fast


@pytest.mark.parametrize("script_prefix", ["/", "/maison/"])
def test_links_are_the_urls_django_reverses(surveys, settings, script_prefix):
    from django.urls import get_script_prefix, reverse, set_script_prefix
    from django.utils import translation

    from surveys import tokens

    survey, previous = surveys[0], get_script_prefix()
    set_script_prefix(script_prefix)
    try:
        for language in ("fr", "en"):
            with translation.override(language):
                links = messages.links_for(survey)
                token = tokens.make_token(survey.ticket_id, survey.token_nonce)
                url = settings.PUBLIC_BASE_URL + reverse("surveys:answer", args=[token])
                assert links.answer == url and url.startswith(settings.PUBLIC_BASE_URL
                                                              + script_prefix)
                assert links.ratings == [
                    (score, messages.rating_label(score),
                     settings.PUBLIC_BASE_URL + reverse("surveys:rate", args=[token, score]))
                    for score in range(1, 6)]
                assert links.stop == settings.PUBLIC_BASE_URL + reverse("surveys:stop",
                                                                        args=[token])
    finally:
        set_script_prefix(previous)

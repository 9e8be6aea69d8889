"""Django admin: reference data and the knowledge base are editable, tickets read-only,
school holidays refresh the business calendar when saved."""

from datetime import date

import pytest
from django.urls import reverse

from guichet import services
from guichet.models import Channel, KnowledgeArticle
from maison import calendar
from maison.models import SchoolHoliday, Theme

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("model", [
    "maison_commune", "maison_collectionzone", "maison_street", "maison_theme",
    "maison_subtheme", "maison_schoolholiday", "guichet_slapolicy", "guichet_queue",
    "guichet_knowledgearticle", "guichet_ticket",
])
def test_changelists_open(admin_client, model):
    response = admin_client.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200


def test_street_search_and_filters(admin_client):
    url = reverse("admin:maison_street_changelist")
    response = admin_client.get(url, {"q": "rue"})
    assert response.status_code == 200 and "rue" in response.content.decode().lower()


def test_theme_page_edits_subthemes_inline(admin_client):
    theme = Theme.objects.get(code="tri")
    html = admin_client.get(reverse("admin:maison_theme_change", args=[theme.pk])).content
    assert b"subthemes-TOTAL_FORMS" in html and b"Verre" in html


def test_tickets_are_read_only_with_their_messages(admin_client):
    ticket = services.receive(channel=Channel.EMAIL, body="Mon bac est cassé",
                              email="a@example.fr").ticket
    response = admin_client.get(reverse("admin:guichet_ticket_change", args=[ticket.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "Mon bac est cassé" in html
    assert 'name="_save"' not in html  # view only
    response = admin_client.post(reverse("admin:guichet_ticket_change", args=[ticket.pk]),
                                 {"subject": "Modifié"})
    assert response.status_code == 403
    assert admin_client.get(reverse("admin:guichet_ticket_add")).status_code == 403
    found = admin_client.get(reverse("admin:guichet_ticket_changelist"),
                             {"q": ticket.reference})
    assert ticket.reference in found.content.decode()


def test_saving_school_holidays_refreshes_the_calendar(admin_client):
    saturday = date(2031, 7, 12)
    assert not calendar.is_school_holiday(saturday)  # and now cached
    response = admin_client.post(reverse("admin:maison_schoolholiday_add"), {
        "label": "Vacances d’été", "zone": "C", "first_day": "05/07/2031",
        "last_day": "31/08/2031"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert calendar.is_school_holiday(saturday)
    holiday = SchoolHoliday.objects.get(first_day=date(2031, 7, 5))
    admin_client.post(reverse("admin:maison_schoolholiday_delete", args=[holiday.pk]),
                      {"post": "yes"})
    assert not calendar.is_school_holiday(saturday)


def test_knowledge_articles_saved_in_the_admin_are_sanitised(admin_client, admin_user):
    theme = Theme.objects.get(code="tri")
    response = admin_client.post(reverse("admin:guichet_knowledgearticle_add"), {
        "theme": theme.pk, "title": "Le verre",
        "body": "<p>Bocaux</p><script>alert(1)</script>", "keywords": "", "published": "on"})
    assert response.status_code == 302
    article = KnowledgeArticle.objects.get()
    assert article.body == "<p>Bocaux</p>" and article.updated_by == admin_user

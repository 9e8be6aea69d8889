"""Personal data: survey answers in the RGPD export, verbatims erased on anonymisation, merges."""

from __future__ import annotations

import pytest

from crm import registry
from crm.models import Usager
from crm.services import rgpd
from surveys import privacy, services
from surveys.models import Answer, FollowUp, Survey

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def answered(sent_survey):
    survey, _token = sent_survey()
    services.submit_answer(survey=survey, rating=2, resolution="later",
                           comment="Mme Durand, 12 rue des Lilas : toujours pas de bac.")
    return survey


def test_surveys_are_registered_with_crm():
    assert "surveys" in {handler.name for handler in registry.personal_data_handlers()}
    assert "surveys" in {handler.name for handler in registry.merge_handlers()}


def test_the_rgpd_export_includes_answers_and_comments(answered, superviseur):
    data = rgpd.export_usager(usager=answered.usager, by=superviseur)
    rows = data["sections"]["Enquêtes de satisfaction"]["Enquêtes de satisfaction"]
    assert rows[0]["demande"] == answered.ticket_reference
    assert rows[0]["satisfaction"] == 2 and "toujours pas de bac" in rows[0]["commentaire"]


def test_anonymisation_erases_verbatims_and_keeps_the_scores(answered, superviseur):
    FollowUp.objects.filter(survey=answered).update(outcome="Rappelé Mme Durand au 06…")
    rgpd.erase_usager(usager=answered.usager, by=superviseur)
    answer = Answer.objects.get(survey=answered)
    survey = Survey.objects.get(pk=answered.pk)
    assert answer.comment == "" and answer.rating == 2 and answer.resolution == "later"
    assert FollowUp.objects.get(survey=answered).outcome == ""
    assert survey.token_hash is None and survey.contact_point is None
    assert survey.theme_id == answered.theme_id  # statistics keep counting
    assert privacy.erase_verbatims(Usager.objects.get(pk=answered.usager_id)) == {
        "comments": 0, "follow_up_notes": 0, "links": 0}  # idempotent


def test_a_merge_moves_surveys_and_can_be_undone(answered):
    target = Usager.objects.create(first_name="Jeanne")
    moved = privacy.move_surveys(answered.usager, target)
    assert Survey.objects.get(pk=answered.pk).usager == target
    privacy.move_surveys_back(answered.usager, target, moved)
    assert Survey.objects.get(pk=answered.pk).usager_id == answered.usager_id


def test_the_360_page_shows_the_last_satisfaction(answered):
    [figure] = privacy.last_satisfaction(answered.usager)
    assert figure.value == "2/5" and answered.ticket_reference in figure.hint


def test_an_answer_on_the_timeline_links_to_its_ticket(answered):
    from crm.models import TimelineEntry

    entry = TimelineEntry.objects.get(source_type="surveys.answer")
    assert registry.timeline_links([entry]) == {entry.pk: f"/guichet/{answered.ticket_id}/"}

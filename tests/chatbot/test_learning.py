"""The learning loop: review → draft phrase → accuracy per intent → publish → new engine."""

import pytest

from chatbot import learning, selectors
from chatbot.models import (
    NULL_LABEL,
    EngineRelease,
    EvaluationRun,
    Intent,
    TrainingPhrase,
    Turn,
)
from tests.chatbot.conftest import Chat

pytestmark = pytest.mark.django_db

SMALL_SET = {
    "collecte_jours": ["quel jour passe le camion poubelle", "jours de collecte des ordures",
                       "quand sont ramassées les poubelles", "jour de ramassage du bac jaune",
                       "le camion passe quel jour dans ma rue", "collecte des déchets quel jour"],
    "tri_ou_jeter": ["où jeter un pot de yaourt", "dans quelle poubelle va une bouteille",
                     "je mets où les boîtes de conserve", "ça se jette où une casserole",
                     "poubelle pour le carton de pizza", "où va le papier alu"],
    "decheterie_horaires": ["horaires de la déchèterie", "la déchèterie est ouverte quand",
                            "à quelle heure ferme la déchetterie", "déchèterie ouverte dimanche",
                            "heures d'ouverture de la décharge",
                            "la déchèterie ouvre à quelle heure"],
    None: ["quel temps fera-t-il demain", "recette de la tarte aux pommes",
           "résultat du match de foot", "raconte moi une blague"],
}


@pytest.fixture
def small_training(sophie, monkeypatch):
    """Sophie trained on a small published set, built from the database (not the files)."""
    monkeypatch.undo()
    monkeypatch.setattr(selectors, "ENGINE_CHECK_SECONDS", 0)
    intents = {i.code: i for i in Intent.objects.all()}
    TrainingPhrase.objects.bulk_create(
        TrainingPhrase(intent=intents.get(code) if code else None, text=text,
                       status=TrainingPhrase.Status.PUBLISHED, source="seed")
        for code, phrases in SMALL_SET.items() for text in phrases)
    EngineRelease.objects.create(note="test", phrases=TrainingPhrase.objects.count())
    selectors.forget_engine()
    yield
    selectors.forget_engine()


def test_review_page_lists_what_sophie_missed(client, sophie, superviseur):
    chat = Chat()
    chat.say("qui a gagné le match hier ?")
    client.force_login(superviseur)
    page = client.get("/sophie/supervision/").content.decode()
    assert "qui a gagné le match hier ?" in page
    assert "Hors sujet" in page


def test_labelling_a_message_makes_a_draft_phrase(client, sophie, superviseur):
    chat = Chat()
    chat.say("le broyat de branches c’est gratuit ?")
    turn = Turn.objects.get(conversation=chat.conversation, seq=1)
    client.force_login(superviseur)
    response = client.post(f"/sophie/supervision/messages/{turn.pk}/etiquette",
                           {"label": "dechets_verts", "as_phrase": "1"})
    assert response.status_code == 302
    phrase = TrainingPhrase.objects.get(source_turn=turn)
    assert phrase.status == TrainingPhrase.Status.DRAFT
    assert phrase.intent.code == "dechets_verts" and phrase.created_by == superviseur
    turn.refresh_from_db()
    assert turn.review_label == "dechets_verts" and not turn.needs_review
    other = Turn.objects.create(conversation=chat.conversation, seq=99, role="usager",
                                text="blabla", needs_review=True)
    learning.label_turn(turn=other, label=NULL_LABEL, user=superviseur)
    assert TrainingPhrase.objects.get(source_turn=other).intent is None


def test_evaluation_gives_accuracy_per_intent(small_training, superviseur, on_commit, client):
    learning.add_phrase(text="quel jour est ramassé le verre", intent_code="collecte_jours",
                        user=superviseur)
    with on_commit(execute=True):
        run = learning.request_evaluation(user=superviseur)
    run.refresh_from_db()
    assert run.state == EvaluationRun.State.DONE, run.error
    candidate = run.report["candidate"]
    assert candidate["total"] == sum(len(p) for p in SMALL_SET.values()) + 1
    assert set(candidate["per_intent"]) == {"collecte_jours", "tri_ou_jeter",
                                            "decheterie_horaires", NULL_LABEL}
    assert 0 <= candidate["accuracy"] <= 1
    assert run.report["published"]["total"] == candidate["total"] - 1
    client.force_login(superviseur)
    page = client.get("/sophie/supervision/entrainement/").content.decode()
    assert "Précision par intention" in page and "Jours de collecte" in page


def test_publishing_bumps_the_version_and_rebuilds_sophie(small_training, superviseur,
                                                          on_commit, client):
    before = selectors.loaded_engine()
    assert before.source == "database"
    assert before.engine.understand("le broyat de branches").intent != "dechets_verts"
    intent = Intent.objects.get(code="dechets_verts")
    for text in ("le broyat de branches", "broyat de branches gratuit",
                 "branches à broyer", "broyage des branches du jardin"):
        TrainingPhrase.objects.create(intent=intent, text=text)
    client.force_login(superviseur)
    with on_commit(execute=True):
        response = client.post("/sophie/supervision/entrainement/publier",
                               {"note": "broyat"}, follow=True)
    assert "publiée" in response.content.decode()
    assert not TrainingPhrase.objects.filter(status=TrainingPhrase.Status.DRAFT).exists()
    after = selectors.loaded_engine()
    assert after.version == EngineRelease.objects.order_by("-id").first().pk > before.version
    assert after.engine.understand("le broyat de branches").intent == "dechets_verts"


def test_publishing_nothing_is_refused(small_training, superviseur):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        learning.publish(user=superviseur)


def test_supervision_pages_render(client, sophie, superviseur):
    chat = Chat()
    chat.say("bonjour")
    client.force_login(superviseur)
    for url in ("/sophie/supervision/", "/sophie/supervision/conversations/",
                "/sophie/supervision/conversations/?voir=a-relire",
                f"/sophie/supervision/conversations/{chat.conversation.pk}/",
                "/sophie/supervision/entrainement/"):
        assert client.get(url).status_code == 200, url

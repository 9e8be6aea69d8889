"""Supervisors write, publish and edit knowledge-base articles; bodies are sanitised."""

import pytest
from django.urls import reverse

from guichet.models import KnowledgeArticle
from maison.models import Theme

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def supervisor_client(client, superviseur):
    client.force_login(superviseur)
    return client


def test_supervisor_creates_publishes_and_edits_an_article(supervisor_client, superviseur):
    tri = Theme.objects.get(code="tri")
    verre = tri.subthemes.get(code="verre")
    response = supervisor_client.post(reverse("guichet:knowledge_new"), {
        "theme": tri.pk, "subtheme": verre.pk, "title": "Le verre se trie",
        "body": '<p>Bocaux et <strong>bouteilles</strong>.</p><script>alert(1)</script>'
                '<a href="javascript:alert(2)" onclick="x()">piège</a>',
        "keywords": "verre, bocal", "published": ""})
    assert response.status_code == 302
    article = KnowledgeArticle.objects.get()
    assert not article.published and article.updated_by == superviseur
    assert "<strong>bouteilles</strong>" in article.body
    assert "script" not in article.body and "javascript" not in article.body
    assert "onclick" not in article.body
    response = supervisor_client.post(reverse("guichet:knowledge_edit", args=[article.pk]), {
        "theme": tri.pk, "subtheme": verre.pk, "title": "Le verre se trie",
        "body": article.body, "keywords": "verre", "published": "on"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.published and article.keywords == "verre"
    html = supervisor_client.get(reverse("guichet:knowledge_detail", args=[article.pk]))
    assert "<strong>bouteilles</strong>" in html.content.decode()


def test_plain_text_bodies_become_paragraphs(supervisor_client):
    tri = Theme.objects.get(code="tri")
    supervisor_client.post(reverse("guichet:knowledge_new"), {
        "theme": tri.pk, "title": "Piles",
        "body": "Rapportez-les.\n\nEn magasin & en déchèterie.",
        "published": "on"})
    body = KnowledgeArticle.objects.get().body
    assert body == "<p>Rapportez-les.</p>\n\n<p>En magasin &amp; en déchèterie.</p>"


@pytest.mark.parametrize("data, error", [
    ({"title": ""}, "Ce champ est obligatoire."),
    ({"theme": "999"}, "Thème inconnu."),
    ({"subtheme": "__verre_of_tri__", "theme": "__eau__"}, "n’appartient pas au thème"),
    ({"body": "<script>x</script>"}, "Un article a besoin d’un titre et d’un texte."),
    ({"body": "x" * 20001}, "Le texte est trop long"),
])
def test_bad_articles_are_refused(supervisor_client, data, error):
    tri = Theme.objects.get(code="tri")
    values = {"theme": tri.pk, "title": "Titre", "body": "Texte", "published": "on", **data}
    if values.get("subtheme") == "__verre_of_tri__":
        values["subtheme"] = tri.subthemes.get(code="verre").pk
        values["theme"] = Theme.objects.get(code="eau").pk
    response = supervisor_client.post(reverse("guichet:knowledge_new"), values)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not KnowledgeArticle.objects.exists()


def test_list_filters_by_words_and_theme(client, agent):
    tri, eau = Theme.objects.get(code="tri"), Theme.objects.get(code="eau")
    KnowledgeArticle.objects.create(theme=tri, title="Le verre", body="<p>Bocaux</p>")
    KnowledgeArticle.objects.create(theme=eau, title="Fuite", body="<p>Appelez</p>")
    client.force_login(agent)
    html = client.get(reverse("guichet:knowledge") + "?q=bocaux").content.decode()
    assert "Le verre" in html and "Fuite" not in html
    html = client.get(reverse("guichet:knowledge") + f"?theme={eau.pk}").content.decode()
    assert "Fuite" in html and "Le verre" not in html

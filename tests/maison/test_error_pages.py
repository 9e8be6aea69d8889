import pytest


@pytest.mark.django_db
def test_unknown_page_is_a_french_404(client):
    response = client.get("/nexiste-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_forbidden_page_is_french(client, elu):
    client.force_login(elu)
    response = client.get("/usagers/")
    assert response.status_code == 403
    assert "pas accessible" in response.content.decode()

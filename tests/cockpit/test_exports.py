"""CSV exports (indicators, anonymised tickets) and the printable report."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from cockpit import rollups
from cockpit.exports import safe_cell
from cockpit.periods import choose
from guichet.models import Ticket
from maison.models import Theme

from . import direct


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")  # opens in a French spreadsheet without a wizard
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_indicators_csv_has_every_section(client, elu, seeded):
    rollups.catch_up()
    client.force_login(elu)
    response = client.get(reverse("cockpit:export_indicators"), {"periode": "12m"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment; filename=\"cockpit-indicateurs-" in response["Content-Disposition"]
    rows = read_csv(response)
    labels = [row[0] for row in rows if row]
    for expected in ("Demandes reçues", "Réclamations", "Traitées dans le délai promis",
                     "Délai de traitement médian", "Par canal", "Par thème",
                     "Par sous-thème (motif)", "Par nature", "Par commune",
                     "Par catégorie d’usager", "Répartition mensuelle", "Sophie (chatbot)",
                     "Satisfaction"):
        assert expected in labels, expected
    created = next(row for row in rows if row and row[0] == "Demandes reçues")
    period = choose("12m").period
    assert created[1].replace("\u202f", "") == str(len(direct.select(period.start, period.end)))


def test_tickets_csv_is_anonymised_and_filtered(client, elu, seeded):
    client.force_login(elu)
    collecte = Theme.objects.get(code="collecte")
    response = client.get(reverse("cockpit:export_tickets"),
                          {"periode": "annee", "theme": "collecte"})
    assert response.status_code == 200 and response.streaming
    rows = read_csv(response)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Référence", "Reçue le", "Canal"]
    assert not {"Objet", "Usager", "Nom", "Courriel", "Adresse"} & set(header)
    period = choose("annee").period
    expected = direct.select(period.start, period.end, theme_id=collecte.pk)
    assert sorted(row[0] for row in body) == sorted(t.reference for t in expected)
    text = "\n".join(";".join(row) for row in rows)
    for ticket in Ticket.objects.filter(usager__isnull=False)[:20]:
        assert ticket.usager.last_name not in text
        assert ticket.subject not in text


def test_report_is_a_printable_page(client, elu, seeded):
    rollups.catch_up()
    client.force_login(elu)
    response = client.get(reverse("cockpit:report"), {"periode": "mois"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Guichet unique : rapport d’activité" in page
    assert "data-print" in page and "cockpit.css" in page
    assert "<details class=\"ck-data\" open>" in page  # tables printed, not folded away
    assert "Engagements de service" in page and "Zoom sur les réclamations" in page


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+33", "'+33"), ("Deauville", "Deauville"),
    (None, ""), (12, "12")])
def test_cells_never_run_as_formulas(value, expected):
    assert safe_cell(value) == expected

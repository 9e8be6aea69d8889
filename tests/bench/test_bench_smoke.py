"""Each benchmark script runs end to end at a tiny size and reports numbers (no timing is
asserted: the figures themselves are taken on PostgreSQL, see bench/)."""

import json

import pytest
from django.test import override_settings

from bench import backoffice, receive, seed
from bench._common import percentile, summary_ms
from guichet.models import Ticket

pytestmark = [pytest.mark.bench,
              pytest.mark.usefixtures("fast_hashing")]


@pytest.fixture
def fast_hashing():
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def _written(tmp_path, name: str) -> dict:
    payload = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
    assert payload["machine"]["cpus"] >= 1 and payload["machine"]["database"]
    return payload


@pytest.mark.django_db
def test_seed_bench_times_the_command_and_counts_rows(tmp_path, capsys):
    result = seed.main(["--tickets", "40", "--rooms", "maison,crm,guichet", "--quiet",
                        "--results-dir", str(tmp_path)])
    assert result["rows"]["guichet_ticket"] == 40 and result["seconds"] > 0
    assert set(result["rooms"]) == {"maison", "crm", "guichet"}
    assert _written(tmp_path, "seed-40")["tickets_per_second"] > 0
    assert "Lignes par table" in capsys.readouterr().out


@pytest.mark.django_db
def test_backoffice_bench_measures_views_and_selectors(tmp_path, capsys):
    result = backoffice.main(["--tickets", "40", "--repeat", "1", "--results-dir",
                              str(tmp_path)])
    assert Ticket.objects.count() == result["tickets"] == 40
    paths = {(row["mesure"].split(" :")[0], row["chemin"]) for row in result["measures"]}
    assert paths == {("file", "vue"), ("file", "sélecteur"), ("recherche", "vue"),
                     ("recherche", "sélecteur")}
    assert all(row["p95_ms"] > 0 for row in result["measures"])
    assert _written(tmp_path, "backoffice")["target_p95_ms"] == 100
    assert "≤ 100 ms (p95)" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_receive_bench_counts_new_tickets_per_second(tmp_path):
    result = receive.main(["--seconds", "1", "--workers", "1", "--threads", "--results-dir",
                           str(tmp_path)])
    assert result["tickets"] > 0 and result["rate_per_second"] > 0
    assert result["latency"]["p50_ms"] > 0
    assert Ticket.objects.count() == 0  # what it created is cleaned up
    assert _written(tmp_path, "receive")["per_second"]


def test_percentiles_use_the_nearest_rank():
    samples = [i / 1000 for i in range(1, 101)]
    assert percentile(samples, 0.95) == 0.095 and percentile(samples, 0.5) == 0.05
    assert summary_ms(samples)["p99_ms"] == 99.0

"""Probable-duplicate detection: contact variants, fuzzy names, blocking, proposals."""

from io import StringIO

import pytest
from django.core.management import call_command

from crm import duplicates
from crm.duplicates import Record, canonical_email, find_candidates, phone_key, score_pair
from crm.models import MergeProposal, Usager
from crm.services.duplicates import detect_duplicates, reject_proposal

MIN = 55


@pytest.mark.parametrize(("a", "b"), [
    ("marie.dupont@gmail.com", "mariedupont@gmail.com"),
    ("Marie.Dupont@GoogleMail.com", "mariedupont@gmail.com"),
    ("marie.dupont+mairie@orange.fr", "marie.dupont@orange.fr"),
    ("marie.dupont@gmial.com", "mariedupont@gmail.com"),
    ("jean.martin@wanado.fr", "jean.martin@wanadoo.fr"),
    ("jean.martin@hotmial.fr", "jean.martin@hotmail.fr"),
    ("jean.martin@orange.ffr", "jean.martin@orange.fr"),
])
def test_email_variants_are_one_mailbox(a, b):
    assert canonical_email(a) == canonical_email(b)


def test_dots_matter_outside_gmail_and_distinct_domains_stay_distinct():
    assert canonical_email("jean.martin@orange.fr") != canonical_email("jeanmartin@orange.fr")
    assert canonical_email("jean@free.fr") != canonical_email("jean@sfr.fr")
    assert canonical_email("jean@mairie-deauville.fr") == "jean@mairie-deauville.fr"


@pytest.mark.parametrize("raw", ["+33612345678", "0612345678", "06 12 34 56 78",
                                 "0033 6 12 34 56 78", "+33 (0)6 12 34 56 78"])
def test_phone_forms_share_one_key(raw):
    assert phone_key(raw) == "612345678"


def record(pk, first="Marie", last="Dupont", commune=1, address="12 rue des Lilas", emails=(),
           phones=(), organisation=""):
    return Record(id=pk, first_name=first, last_name=last, commune_id=commune, address=address,
                  emails=list(emails), phones=list(phones), organisation=organisation)


def test_same_person_with_a_typo_and_an_accent_scores_high():
    score, reasons = score_pair(record(1, last="Lefèvre", address="12 rue des Lilas"),
                                record(2, last="Lefevre", address="12, Rue des lilas"))
    assert score >= 75
    codes = {reason["code"] for reason in reasons}
    assert {"same_name", "same_commune", "same_address"} <= codes


def test_first_and_last_name_swapped_are_recognised():
    pair = [record(1, first="Marie", last="Dupont"), record(2, first="DUPONT", last="Marie")]
    candidates = find_candidates(pair, min_score=MIN)
    assert [(c.a, c.b) for c in candidates] == [(1, 2)]


def test_family_members_at_one_address_are_not_duplicates():
    score, reasons = score_pair(record(1, first="Marie"), record(2, first="Jean"))
    assert score < MIN
    assert {"code": "different_first_names"} in reasons


def test_a_contact_variant_alone_is_strong_evidence_but_homonyms_elsewhere_are_not():
    by_email = score_pair(record(1, first="", last="", address="", commune=None,
                                 emails=["marie.dupont@gmail.com"]),
                          record(2, emails=["mariedupont@gmail.com"]))
    homonyms = score_pair(record(1, commune=1, address=""), record(2, commune=2, address=""))
    assert by_email[0] >= 45 and by_email[1] == [{"code": "email_variant"}]
    assert homonyms[0] < MIN


def test_homonyms_with_their_own_mailboxes_need_more_than_a_name():
    alone = score_pair(record(1, address=""), record(2, address=""))
    own_mailboxes = score_pair(record(1, address="", emails=["marie@orange.fr"]),
                               record(2, address="", emails=["m.dupont@free.fr"]))
    same_address_too = score_pair(record(1, emails=["marie@orange.fr"]),
                                  record(2, emails=["m.dupont@free.fr"]))
    assert alone[0] >= MIN  # an anonymous chat, then the same name and commune: worth a look
    assert own_mailboxes[0] < MIN and {"code": "different_contacts"} in own_mailboxes[1]
    assert same_address_too[0] >= MIN


def test_blocking_compares_only_records_that_share_a_key():
    records = {1: record(1, last="Dupont"), 2: record(2, last="Dupond"),
               3: record(3, first="Paul", last="Zimmermann", commune=2, address="1 quai")}
    pairs = duplicates.candidate_pairs(records)
    assert pairs == {(1, 2)}


def test_huge_blocks_fall_back_to_sorted_neighbourhood():
    many = [record(pk, first=f"Prenom{pk:03d}", address=f"{pk} rue X")
            for pk in range(1, duplicates.MAX_FULL_BLOCK * 3)]
    pairs = duplicates.candidate_pairs({r.id: r for r in many})
    # All pairs would be n²/2; neighbours only keep it linear.
    assert len(pairs) <= len(many) * (duplicates.NEIGHBOURHOOD_WINDOW + 2) * 2


# --- Against the database ---------------------------------------------------------------------

@pytest.fixture
def population(make_usager, deauville, trouville):
    return {
        "marie": make_usager(email="marie.dupont@gmail.com", commune=deauville,
                             address="12 rue des Lilas"),
        "marie_bis": make_usager(email="mariedupont@gmial.com", first_name="Marie",
                                 last_name="Dupond", commune=deauville,
                                 address="12 rue des lilas"),
        "jean": make_usager(email="jean.dupont@orange.fr", first_name="Jean", commune=deauville,
                            address="12 rue des Lilas"),
        "paul": make_usager(phone="06 11 22 33 44", first_name="Paul", last_name="Martin",
                            commune=trouville),
        "paul_chat": make_usager(first_name="paul", last_name="MARTIN", commune=trouville),
    }


def test_detection_proposes_probable_duplicates_and_merges_nothing(population):
    report = detect_duplicates(min_score=MIN)

    pairs = {frozenset((p.usager_a_id, p.usager_b_id)): p
             for p in MergeProposal.objects.all()}
    marie = frozenset((population["marie"].pk, population["marie_bis"].pk))
    paul = frozenset((population["paul"].pk, population["paul_chat"].pk))
    assert set(pairs) == {marie, paul}
    assert report.created == 2 and report.usagers == 5
    assert pairs[marie].score > pairs[paul].score
    assert {"email_variant", "same_address"} <= {r["code"] for r in pairs[marie].reasons}
    assert all(p.status == MergeProposal.Status.PENDING for p in pairs.values())
    assert not Usager.objects.filter(merged_into__isnull=False).exists()


def test_detection_is_idempotent_and_never_reopens_a_rejected_pair(population, superviseur):
    detect_duplicates(min_score=MIN)
    again = detect_duplicates(min_score=MIN)
    assert (again.created, again.updated) == (0, 0)
    assert MergeProposal.objects.count() == 2

    proposal = MergeProposal.objects.order_by("-score").first()
    reject_proposal(proposal=proposal, by=superviseur)
    detect_duplicates(min_score=MIN)
    proposal.refresh_from_db()
    assert proposal.status == MergeProposal.Status.REJECTED
    assert MergeProposal.objects.count() == 2


def test_a_proposal_becomes_obsolete_when_a_record_is_erased(population, superviseur):
    from crm.services.rgpd import erase_usager

    detect_duplicates(min_score=MIN)
    erase_usager(usager=population["paul_chat"], by=superviseur)
    detect_duplicates(min_score=MIN)
    statuses = set(MergeProposal.objects.values_list("status", flat=True))
    assert statuses == {MergeProposal.Status.PENDING}  # the erased pair's row is gone
    assert MergeProposal.objects.count() == 1


def test_the_command_reports_with_a_progress_bar(population):
    out, err = StringIO(), StringIO()
    call_command("find_duplicates", "--min-score", str(MIN), stdout=out, stderr=err)
    assert "5 usagers examinés" in out.getvalue() and "2 nouvelles propositions" in out.getvalue()
    assert "Comparaison des paires" in err.getvalue()


def test_the_beat_task_runs_the_detection(population, settings):
    from crm import tasks
    from crm.schedule import BEAT_SCHEDULE

    settings.MDS_DUPLICATE_MIN_SCORE = MIN
    assert BEAT_SCHEDULE["crm-find-duplicates"]["task"] == tasks.find_duplicates.name
    assert tasks.find_duplicates() == {"usagers": 5, "created": 2}
    assert MergeProposal.objects.count() == 2

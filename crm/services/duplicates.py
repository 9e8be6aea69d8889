"""Run the duplicate detector over the usagers and keep its proposals for supervisors."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from crm.duplicates import Candidate, Record, find_candidates
from crm.models import ContactPoint, MergeProposal, Usager

Progress = Callable[[str, int, int], None]
CHUNK = 5_000


@dataclass(frozen=True)
class DetectionReport:
    usagers: int
    candidates: int
    created: int
    updated: int
    obsolete: int


def load_records(progress: Progress | None = None) -> list[Record]:
    """Active usagers (neither erased nor merged) as detector records, in two queries."""
    active = Usager.objects.filter(erased_at__isnull=True, merged_into__isnull=True)
    total = active.count()
    emails: dict[int, list[str]] = defaultdict(list)
    phones: dict[int, list[str]] = defaultdict(list)
    points = (ContactPoint.objects.filter(usager__erased_at__isnull=True,
                                          usager__merged_into__isnull=True)
              .values_list("usager_id", "kind", "value"))
    for usager_id, kind, value in points.iterator(chunk_size=CHUNK):
        (emails if kind == ContactPoint.Kind.EMAIL else phones)[usager_id].append(value)
    records = []
    rows = active.values_list("id", "first_name", "last_name", "organisation", "commune_id",
                              "address")
    for pk, first, last, organisation, commune_id, address in rows.iterator(chunk_size=CHUNK):
        records.append(Record(id=pk, first_name=first, last_name=last, organisation=organisation,
                              commune_id=commune_id, address=address,
                              emails=emails.get(pk, []), phones=phones.get(pk, [])))
        if progress and len(records) % CHUNK == 0:
            progress("loading", CHUNK, total)
    if progress and len(records) % CHUNK:
        progress("loading", len(records) % CHUNK, total)
    return records


def detect_duplicates(*, min_score: int | None = None,
                      progress: Progress | None = None) -> DetectionReport:
    """Find probable duplicates and refresh the pending proposals; merges nothing."""
    min_score = settings.MDS_DUPLICATE_MIN_SCORE if min_score is None else min_score
    records = load_records(progress)
    candidates = find_candidates(records, min_score=min_score, progress=progress)
    created, updated, obsolete = store_proposals(candidates)
    return DetectionReport(usagers=len(records), candidates=len(candidates), created=created,
                           updated=updated, obsolete=obsolete)


@transaction.atomic
def store_proposals(candidates: list[Candidate]) -> tuple[int, int, int]:
    """New pairs are proposed; pending ones refreshed or retired; decided ones never reopened."""
    now = timezone.now()
    existing = {(a, b): (pk, status, score, reasons) for pk, a, b, status, score, reasons in
                MergeProposal.objects.values_list("id", "usager_a_id", "usager_b_id", "status",
                                                  "score", "reasons").iterator(chunk_size=CHUNK)}
    to_create, to_update, seen = [], [], set()
    for candidate in candidates:
        pair = (candidate.a, candidate.b)
        seen.add(pair)
        known = existing.get(pair)
        if known is None:
            to_create.append(MergeProposal(usager_a_id=candidate.a, usager_b_id=candidate.b,
                                           score=candidate.score, reasons=candidate.reasons,
                                           detected_at=now))
        elif known[1] == MergeProposal.Status.PENDING and (known[2], known[3]) != (
                candidate.score, candidate.reasons):
            to_update.append(MergeProposal(pk=known[0], score=candidate.score,
                                           reasons=candidate.reasons, detected_at=now))
    MergeProposal.objects.bulk_create(to_create, batch_size=1000, ignore_conflicts=True)
    MergeProposal.objects.bulk_update(to_update, ["score", "reasons", "detected_at"],
                                      batch_size=1000)
    stale = [pk for pair, (pk, status, _score, _reasons) in existing.items()
             if status == MergeProposal.Status.PENDING and pair not in seen]
    for start in range(0, len(stale), 1000):
        MergeProposal.objects.filter(pk__in=stale[start:start + 1000]).update(
            status=MergeProposal.Status.OBSOLETE, decided_at=now)
    return len(to_create), len(to_update), len(stale)


def retire_proposals_of(usager_ids: list[int]) -> int:
    """Pending proposals about these usagers no longer make sense (merged, erased)."""
    return (MergeProposal.objects
            .filter(Q(usager_a_id__in=usager_ids) | Q(usager_b_id__in=usager_ids),
                    status=MergeProposal.Status.PENDING)
            .update(status=MergeProposal.Status.OBSOLETE, decided_at=timezone.now()))


@transaction.atomic
def reject_proposal(*, proposal: MergeProposal, by) -> MergeProposal:
    """Two different people: the pair is never proposed again."""
    proposal = MergeProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status == MergeProposal.Status.PENDING:
        proposal.status = MergeProposal.Status.REJECTED
        proposal.decided_by = by
        proposal.decided_at = timezone.now()
        proposal.save(update_fields=["status", "decided_by", "decided_at"])
    return proposal

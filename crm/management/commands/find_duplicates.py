"""Find probable duplicate usagers and propose merges to supervisors (never merges)."""

import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from crm.services.duplicates import detect_duplicates

PHASES = {"loading": "Lecture des usagers", "blocking": "Regroupement",
          "scoring": "Comparaison des paires"}


class Command(BaseCommand):
    help = "Détecte les doublons probables d’usagers et les propose aux superviseurs."

    def add_arguments(self, parser):
        parser.add_argument("--min-score", type=int, default=None,
                            help="Score minimal (0-100) ; par défaut MDS_DUPLICATE_MIN_SCORE.")
        parser.add_argument("--no-progress", action="store_true", help="Sans barre de progression.")

    def handle(self, *args, min_score=None, no_progress=False, **options):
        bars: dict[str, tqdm] = {}

        def progress(phase: str, advance: int, total: int) -> None:
            if no_progress:
                return
            bar = bars.get(phase)
            if bar is None:
                for other in bars.values():
                    other.close()
                bar = bars[phase] = tqdm(total=total, desc=PHASES.get(phase, phase),
                                         unit=" groupes" if phase == "scoring" else " usagers",
                                         file=self.stderr._out, leave=True)
            bar.update(advance)

        started = time.monotonic()
        report = detect_duplicates(min_score=min_score, progress=progress)
        for bar in bars.values():
            bar.close()
        self.stdout.write(self.style.SUCCESS(
            f"{report.usagers} usagers examinés en {time.monotonic() - started:.1f} s : "
            f"{report.candidates} doublons probables, {report.created} nouvelles propositions, "
            f"{report.updated} mises à jour, {report.obsolete} devenues sans objet."))

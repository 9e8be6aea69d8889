"""cockpit_rebuild: recompute the cockpit's facts and rollups from every ticket."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from cockpit import rebuild
from cockpit.models import Rollup
from guichet import indicators


class Command(BaseCommand):
    help = ("Recalcule les agrégats du cockpit à partir de toutes les demandes (après un "
            "import, un changement du calendrier d’ouverture ou des vacances scolaires).")

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=5000,
                            help="Demandes lues par lot hors PostgreSQL (5 000 par défaut) ; "
                                 "sur PostgreSQL, le calcul se fait en SQL.")
        parser.add_argument("--no-progress", action="store_true",
                            help="Sans barre de progression.")

    def handle(self, *args, chunk_size: int, no_progress: bool, **options):
        started = time.monotonic()
        with tqdm(total=indicators.ticket_count(), desc="Demandes", unit=" demandes",
                  file=self.stderr._out, disable=no_progress, mininterval=0.5,
                  dynamic_ncols=True) as bar:
            facts = rebuild.rebuild(progress=bar.update, chunk_size=chunk_size)
        self.stdout.write(self.style.SUCCESS(
            f"{facts} demandes comptées, {Rollup.objects.count()} lignes d’agrégats, "
            f"en {time.monotonic() - started:.1f} s."))

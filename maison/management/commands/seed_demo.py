"""seed_demo: the territory, demo accounts and a believable year of requests, in one command.

Every room brings its own demo data in `<app>/demo.py` (see maison/demo/__init__.py for the
protocol); this command finds those modules in INSTALLED_APPS order and runs them.
"""

from __future__ import annotations

import importlib
import sys
import time
from functools import partial

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import module_has_submodule
from tqdm import tqdm

from maison import demo

DEFAULT_TICKETS = 15_000  # about what the territory's desk handled on waste in its first years
OUR_APPS = ("maison", "crm", "guichet", "chatbot", "surveys", "cockpit")


def demo_modules(rooms: list[str] | None = None) -> list:
    """Each installed room's `demo` module, in INSTALLED_APPS order (only `rooms` if given)."""
    modules = []
    for config in apps.get_app_configs():
        if rooms is not None and config.name not in rooms:
            continue
        if config.name in OUR_APPS and module_has_submodule(config.module, "demo"):
            modules.append(importlib.import_module(f"{config.name}.demo"))
    return modules


class Command(BaseCommand):
    help = ("Crée le territoire, les comptes de démonstration et une année crédible de "
            "demandes (usagers, tickets, réponses, historique).")

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=DEFAULT_TICKETS,
                            help="Nombre de demandes à créer sur les 12 derniers mois "
                                 f"(par défaut {DEFAULT_TICKETS}).")
        parser.add_argument("--reset", action="store_true",
                            help="Efface d’abord les données de démonstration (usagers, "
                                 "demandes…) ; le référentiel et les comptes sont gardés.")
        parser.add_argument("--seed", type=int, default=None,
                            help="Graine aléatoire, pour retrouver les mêmes données.")
        parser.add_argument("--no-input", "--noinput", action="store_false", dest="interactive",
                            help="Ne pas demander de confirmation avant --reset.")
        parser.add_argument("--rooms", default=None,
                            help="Seulement ces pièces, dans l’ordre de l’application "
                                 "(ex. « maison,crm,guichet »).")
        parser.add_argument("--force", action="store_true",
                            help="Autoriser l’exécution hors mode DEBUG (jamais en production : "
                                 "les comptes de démonstration ont un mot de passe public).")

    def handle(self, *args, tickets: int, reset: bool, seed: int | None, interactive: bool,
               force: bool, verbosity: int, rooms: str | None = None, **options):
        if tickets < 0:
            raise CommandError("--tickets doit être positif ou nul.")
        if not (settings.DEBUG or getattr(settings, "TESTING", False) or force):
            raise CommandError(
                "Mode DEBUG inactif : seed_demo crée des comptes au mot de passe public et des "
                "usagers fictifs. Lancez-le sur une instance de démonstration avec "
                "DJANGO_DEBUG=1, ou confirmez avec --force.")
        wanted = [room.strip() for room in rooms.split(",")] if rooms else None
        unknown = set(wanted or []) - set(OUR_APPS)
        if unknown:
            raise CommandError(f"Pièces inconnues : {', '.join(sorted(unknown))}.")
        modules = demo_modules(wanted)
        progress = partial(tqdm, file=sys.stderr, disable=verbosity < 1, mininterval=0.5,
                           dynamic_ncols=True, leave=verbosity > 1)
        started = time.monotonic()
        self.timings: dict[str, float] = {}  # seconds per room, for bench/seed.py
        with demo.seeded_with(seed):
            if reset:
                self._reset(modules, interactive)
            logins = []
            for module in modules:
                step_started = time.monotonic()
                result = self._as_seeded(module.seed(tickets=tickets, progress=progress))
                logins += result.logins
                seconds = time.monotonic() - step_started
                self.timings[module.__name__.split(".")[0]] = seconds
                self._report(module, result, seconds, verbosity)
        self.stdout.write(self.style.SUCCESS(
            f"Données de démonstration prêtes en {time.monotonic() - started:.1f} s."))
        self._print_logins(logins)

    def _reset(self, modules, interactive: bool) -> None:
        if interactive:
            answer = input("Effacer les usagers, demandes et autres données de démonstration "
                           "de cette base ? Tapez « oui » pour confirmer : ")
            if answer.strip().lower() != "oui":
                raise CommandError("Abandon : rien n’a été effacé.")
        for module in reversed(modules):
            if hasattr(module, "reset"):
                module.reset()
        self.stdout.write("Données de démonstration effacées.")

    @staticmethod
    def _as_seeded(result) -> demo.Seeded:
        if isinstance(result, demo.Seeded):
            return result
        return demo.Seeded(counts=dict(result or {}))

    def _report(self, module, result: demo.Seeded, seconds: float, verbosity: int) -> None:
        if verbosity < 1:
            return
        room = module.__name__.split(".")[0]
        counts = ", ".join(f"{label} : {_thousands(count)}"
                           for label, count in result.counts.items())
        self.stdout.write(f"[{room}] {counts or 'rien à ajouter'} ({seconds:.1f} s)")
        for note in result.notes:
            self.stdout.write(self.style.WARNING(f"[{room}] {note}"))

    def _print_logins(self, logins) -> None:
        if not logins:
            return
        self.stdout.write("Comptes de démonstration (page de connexion : /connexion/) :")
        width = max(len(username) for _, username, _ in logins)
        for role, username, password in logins:
            self.stdout.write(f"  {username:<{width}}  mot de passe : {password}   ({role})")


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")  # French thin space between thousands

"""sophie_evaluate: Sophie's figures on a labelled JSONL file, with floors for CI.

    python manage.py sophie_evaluate ../shared/sophie/dev.jsonl
Each line: {"text": ..., "intent": "<catalogue id>" or null, "commune": ..., "item": ...}.
Exits non-zero when intent accuracy, confident wrong answers or out-of-scope rejection miss
their floor (--min-accuracy 0.95, --max-wrong 0.02, --min-rejection 0.90 by default).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chatbot.nlu.evaluation import evaluate, format_report

from ._engine import engine_for_commands


class Command(BaseCommand):
    help = ("Évalue Sophie sur un fichier JSONL étiqueté (précision, taux de réponse, réponses "
            "fausses, rejet hors sujet, entités) ; échoue sous les seuils.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier JSONL étiqueté.")
        parser.add_argument("--min-accuracy", type=float, default=0.95)
        parser.add_argument("--max-wrong", "--max-confident-wrong", type=float, default=0.02,
                            dest="max_wrong")
        parser.add_argument("--min-rejection", type=float, default=0.90)
        parser.add_argument("--errors", type=int, default=30,
                            help="Nombre d’erreurs affichées (0 : aucune).")
        parser.add_argument("--json", action="store_true", help="Sortie JSON (chiffres seuls).")

    def handle(self, *args, file, min_accuracy, max_wrong, min_rejection, errors, json: bool,
               **options):
        examples = self._read(Path(file))
        report = evaluate(engine_for_commands(self.stderr), examples)
        if json:
            import json as json_module

            self.stdout.write(json_module.dumps({
                "total": report.total, "intent_accuracy": report.intent_accuracy,
                "answered_rate": report.answered_rate,
                "confident_wrong_rate": report.confident_wrong_rate,
                "out_of_scope_rejection": report.out_of_scope_rejection,
                "entity_accuracy": report.entity_accuracy}, ensure_ascii=False))
        else:
            self.stdout.write(format_report(report, show_errors=errors))
        failures = []
        if report.intent_accuracy < min_accuracy:
            failures.append(f"précision {report.intent_accuracy:.1%} < {min_accuracy:.0%}")
        if report.confident_wrong_rate > max_wrong:
            failures.append(f"réponses fausses {report.confident_wrong_rate:.1%} > "
                            f"{max_wrong:.0%}")
        if report.out_of_scope_rejection < min_rejection:
            failures.append(f"rejet hors sujet {report.out_of_scope_rejection:.1%} < "
                            f"{min_rejection:.0%}")
        if failures:
            raise CommandError("Seuils non atteints : " + " ; ".join(failures) + ".")
        self.stdout.write(self.style.SUCCESS("Seuils atteints."))

    def _read(self, path: Path) -> list[dict]:
        if not path.exists():
            raise CommandError(f"Fichier introuvable : {path}")
        examples = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as error:
                raise CommandError(f"Ligne {number} : JSON invalide ({error.msg}).") from None
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise CommandError(f"Ligne {number} : il faut un objet avec un champ « text ».")
            examples.append(item)
        if not examples:
            raise CommandError("Le fichier ne contient aucun exemple.")
        return examples

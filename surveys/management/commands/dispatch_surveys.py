"""One survey pass by hand: plan surveys for resolved tickets, then send the due ones."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from surveys import dispatch, planning


class Command(BaseCommand):
    help = "Planifie les enquêtes des demandes résolues et envoie celles qui sont dues."

    def add_arguments(self, parser):
        parser.add_argument("--outside-hours", action="store_true",
                            help="Envoyer même hors des heures d’envoi (à utiliser avec soin).")
        parser.add_argument("--plan-only", action="store_true",
                            help="Planifier sans rien envoyer.")
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args, outside_hours=False, plan_only=False, batch_size=None, **options):
        planned = planning.plan_surveys()
        if planned.busy:
            self.stdout.write("Une autre planification est en cours ; envoi seulement.")
        else:
            self.stdout.write(f"Planification : {planned.scanned} demandes examinées, "
                              f"{planned.due} enquêtes à envoyer, {planned.skipped} écartées.")
        housekeeping = dispatch.expire_surveys()
        if plan_only:
            return
        pending = dispatch.count_claimable()
        with tqdm(total=pending, unit="enquête", disable=not pending) as bar:
            result = dispatch.dispatch_due(respect_window=not outside_hours,
                                           batch_size=batch_size, progress=bar.update)
        if result.outside_window:
            self.stdout.write("Hors des heures d’envoi : rien n’est parti "
                              "(--outside-hours pour forcer).")
            return
        reminders = dispatch.send_reminders(respect_window=not outside_hours)
        self.stdout.write(self.style.SUCCESS(
            f"Envoyées : {result.sent}, écartées : {result.skipped}, à réessayer : "
            f"{result.retried}, en échec : {result.failed}, relances : {reminders}, "
            f"liens expirés : {housekeeping['expired']}."))

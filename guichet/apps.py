from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class GuichetConfig(AppConfig):
    name = "guichet"
    verbose_name = _("Guichet unique")

    def ready(self):
        # Anymail's signals are the framework's hook for email in and delivery events.
        from anymail.signals import inbound, tracking

        from .channels import email, twilio  # noqa: F401  (twilio registers its reprocessors)

        inbound.connect(email.handle_inbound, dispatch_uid="guichet.email.inbound")
        tracking.connect(email.handle_tracking, dispatch_uid="guichet.email.tracking")
        checks.register(webhook_secrets_check, checks.Tags.security, deploy=True)
        from . import privacy  # noqa: F401  (registers guichet's hooks in crm.registry)


def webhook_secrets_check(app_configs=None, **kwargs):
    """In production, webhooks must be authenticated: refuse to deploy without secrets."""
    from django.conf import settings

    problems = []
    if settings.ANYMAIL_ESP and not settings.ANYMAIL.get("WEBHOOK_SECRET"):
        problems.append(checks.Warning(
            "ANYMAIL_WEBHOOK_SECRET is empty: inbound email webhooks accept anyone.",
            id="guichet.W001"))
    if settings.TWILIO_ACCOUNT_SID and not settings.TWILIO_AUTH_TOKEN:
        problems.append(checks.Warning(
            "TWILIO_AUTH_TOKEN is empty: every Twilio webhook will be refused (403).",
            id="guichet.W002"))
    return problems

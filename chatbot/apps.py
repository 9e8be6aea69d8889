from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatbotConfig(AppConfig):
    name = "chatbot"
    verbose_name = _("Sophie, l’assistante")

    def ready(self):
        from . import privacy  # noqa: F401 — registers Sophie's RGPD and merge hooks

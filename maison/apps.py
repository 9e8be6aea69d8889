from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaisonConfig(AppConfig):
    name = "maison"
    verbose_name = _("Territoire et référentiels")

"""The first wording of each consent, so that proof can always point at the text shown."""

from django.db import migrations

VERSION = "2025-09"
TEXTS = {
    "enquetes": (
        "J’accepte que la Communauté de Communes Cœur Côte Fleurie me sollicite, après chacune "
        "de mes demandes, pour une courte enquête de satisfaction sur le service rendu. Je peux "
        "retirer mon accord à tout moment depuis le lien présent dans chaque message ou en "
        "écrivant au service."),
    "information": (
        "J’accepte de recevoir de la Communauté de Communes Cœur Côte Fleurie des informations "
        "pratiques sur le service des déchets et de l’eau (changement de jour de collecte, "
        "fermeture exceptionnelle d’une déchèterie, coupure d’eau). Je peux retirer mon accord "
        "à tout moment."),
    "campagnes": (
        "J’accepte de recevoir les campagnes d’information de la Communauté de Communes Cœur "
        "Côte Fleurie (tri des déchets, économies d’eau, compostage). Au plus un message par "
        "mois ; je peux retirer mon accord à tout moment."),
}


def create_texts(apps, schema_editor):
    ConsentText = apps.get_model("crm", "ConsentText")
    for purpose, text in TEXTS.items():
        ConsentText.objects.get_or_create(purpose=purpose, version=VERSION,
                                          defaults={"text": text})


class Migration(migrations.Migration):
    dependencies = [("crm", "0002_service_360")]

    operations = [migrations.RunPython(create_texts, migrations.RunPython.noop)]

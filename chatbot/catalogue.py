"""The intent catalogue (ids are a contract, see shared/sophie/intents.md) and what each
intent needs: its label, where its tickets go, the slots its answer needs, its ticket flow.

The texts Sophie says live in the database (`Answer`, seeded from `content.py`); this module
only holds the structure a supervisor should not have to edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TicketFlow:
    """What agents need for a request opened by Sophie."""

    nature: str
    theme: str
    subtheme: str
    subject: str
    slots: tuple[str, ...] = ()  # asked in this order, skipped when already known
    photo: bool = False  # offer to attach a photo
    contact_required: bool = True
    callback: bool = False
    # When set, the ticket is opened only if the resident accepts this offer after the answer.
    offer: str = ""


@dataclass(frozen=True)
class IntentSpec:
    label: str
    theme: str
    subtheme: str = ""
    nature: str = "information"
    needs: tuple[str, ...] = ()  # slots the answer cannot do without
    ticket: TicketFlow | None = None
    follow_ups: tuple[str, ...] = field(default=())  # quick replies after the answer


ADDRESS = ("commune", "street")
PLACE = ("commune", "place")

CATALOGUE: dict[str, IntentSpec] = {
    # --- Collecte ---
    "collecte_jours": IntentSpec("Jours de collecte", "collecte", "jours-collecte",
                                 needs=ADDRESS,
                                 follow_ups=("Calendrier à imprimer", "Jours fériés")),
    "collecte_calendrier": IntentSpec("Calendrier de collecte", "collecte", "jours-collecte",
                                      needs=ADDRESS),
    "collecte_jour_ferie": IntentSpec("Collecte et jours fériés", "collecte", "jours-feries"),
    "collecte_sortie_bacs": IntentSpec("Quand sortir les bacs", "collecte", "jours-collecte",
                                       follow_ups=("Jours de collecte",)),
    "collecte_oubli": IntentSpec(
        "Bac non collecté", "collecte", "oubli-collecte", nature="reclamation",
        ticket=TicketFlow("reclamation", "collecte", "oubli-collecte",
                          "Collecte non effectuée", slots=(*ADDRESS, "flux"))),
    "bac_demande": IntentSpec(
        "Demander un bac", "collecte", "bacs", nature="transaction",
        ticket=TicketFlow("transaction", "collecte", "bacs", "Demande de bac",
                          slots=(*ADDRESS, "flux", "details"))),
    "bac_casse_vole": IntentSpec(
        "Bac cassé ou volé", "collecte", "bacs", nature="transaction",
        ticket=TicketFlow("transaction", "collecte", "bacs", "Bac cassé, brûlé ou volé",
                          slots=(*ADDRESS, "flux"), photo=True)),
    "sacs_distribution": IntentSpec("Sacs poubelle et sacs de tri", "collecte", "sacs"),
    "composteur": IntentSpec(
        "Composteur", "collecte", "sacs",
        ticket=TicketFlow("transaction", "collecte", "sacs", "Demande de composteur",
                          slots=ADDRESS, offer="Réserver un composteur")),
    "redevance_incitative": IntentSpec(
        "Redevance incitative", "redevance", "fonctionnement",
        ticket=TicketFlow("reclamation", "redevance", "contestation",
                          "Contestation de la redevance incitative",
                          slots=("commune", "details"), offer="Contester ma facture")),
    "facture_dechets": IntentSpec("Taxe ou facture déchets", "redevance", "facturation"),
    "dechets_professionnels": IntentSpec("Déchets des professionnels", "redevance",
                                         "collecte-pro"),
    "residence_secondaire": IntentSpec("Résidence secondaire", "collecte",
                                       "residences-secondaires",
                                       follow_ups=("Jours de collecte",)),
    # --- Tri ---
    "tri_ou_jeter": IntentSpec("Où jeter un objet", "tri", "consignes", needs=("item",)),
    "tri_consignes_emballages": IntentSpec("Consignes du bac jaune", "tri", "consignes",
                                           follow_ups=("Où jeter un objet ?",)),
    "tri_verre": IntentSpec("Le verre", "tri", "verre"),
    "tri_papier": IntentSpec("Papiers et cartons", "tri", "papier"),
    "tri_textiles": IntentSpec("Vêtements et textiles", "tri", "textiles"),
    "tri_piles_ampoules": IntentSpec("Piles, ampoules, petits appareils", "tri",
                                     "dechets-speciaux"),
    "tri_medicaments": IntentSpec("Médicaments et seringues", "tri", "dechets-speciaux"),
    "tri_dechets_dangereux": IntentSpec("Produits dangereux", "tri", "dechets-speciaux"),
    "pav_localisation": IntentSpec("Points d’apport volontaire", "tri", "pav",
                                   needs=("commune",)),
    "pav_plein": IntentSpec(
        "Conteneur plein", "tri", "pav", nature="signalement",
        ticket=TicketFlow("signalement", "tri", "pav", "Point d’apport volontaire plein",
                          slots=PLACE, photo=True, contact_required=False)),
    # --- Déchèteries ---
    "decheterie_horaires": IntentSpec("Horaires des déchèteries", "decheteries", "horaires"),
    "decheterie_adresse": IntentSpec("Adresse des déchèteries", "decheteries", "horaires"),
    "decheterie_acces": IntentSpec("Accès aux déchèteries", "decheteries", "acces",
                                   follow_ups=("Carte de déchèterie",)),
    "decheterie_badge": IntentSpec(
        "Carte de déchèterie", "decheteries", "acces",
        ticket=TicketFlow("transaction", "decheteries", "acces",
                          "Demande de carte de déchèterie", slots=ADDRESS,
                          offer="Demander ma carte")),
    "decheterie_dechets_acceptes": IntentSpec("Déchets acceptés en déchèterie",
                                              "decheteries", "dechets-acceptes"),
    "decheterie_professionnels": IntentSpec("Déchèteries pour les professionnels",
                                            "decheteries", "professionnels"),
    # --- Encombrants, végétaux ---
    "encombrants_collecte": IntentSpec("Encombrants", "encombrants", "collecte-encombrants",
                                       follow_ups=("Prendre rendez-vous",)),
    "encombrants_rdv": IntentSpec(
        "Rendez-vous encombrants", "encombrants", "rendez-vous", nature="rendez_vous",
        ticket=TicketFlow("rendez_vous", "encombrants", "rendez-vous",
                          "Rendez-vous d’enlèvement des encombrants",
                          slots=(*ADDRESS, "objects"))),
    "dechets_verts": IntentSpec("Déchets verts", "encombrants", "vegetaux"),
    "sapin_noel": IntentSpec("Sapin de Noël", "encombrants", "sapins"),
    "gravats": IntentSpec("Gravats", "decheteries", "gravats"),
    # --- Signalements ---
    "signalement_depot_sauvage": IntentSpec(
        "Dépôt sauvage", "encombrants", "depots-sauvages", nature="signalement",
        ticket=TicketFlow("signalement", "encombrants", "depots-sauvages",
                          "Dépôt sauvage signalé", slots=(*PLACE, "details"), photo=True,
                          contact_required=False)),
    "signalement_autre": IntentSpec(
        "Autre signalement", "general", "autre", nature="signalement",
        ticket=TicketFlow("signalement", "general", "autre", "Signalement sur la voie publique",
                          slots=(*PLACE, "details"), photo=True, contact_required=False)),
    # --- Suivi ---
    "suivi_demande": IntentSpec("Suivre ma demande", "general", "contact",
                                needs=("reference",)),
    # --- Eau, assainissement ---
    "eau_contact_operateur": IntentSpec("Contacter le service de l’eau", "eau", "abonnement"),
    "eau_qualite": IntentSpec("Qualité de l’eau", "eau", "qualite"),
    "eau_origine": IntentSpec("Origine de l’eau", "eau", "qualite"),
    "eau_prix": IntentSpec("Prix de l’eau", "eau", "facture-eau"),
    "eau_fuite": IntentSpec(
        "Fuite d’eau", "eau", "fuite",
        ticket=TicketFlow("signalement", "eau", "fuite", "Fuite sur le réseau public",
                          slots=PLACE, photo=True,
                          offer="Signaler une fuite sur la voie publique")),
    "eau_coupure": IntentSpec("Coupure d’eau", "eau", "coupure"),
    "eau_compteur": IntentSpec("Compteur d’eau", "eau", "compteur"),
    "eau_abonnement": IntentSpec("Abonnement à l’eau", "eau", "abonnement"),
    "eau_facture": IntentSpec("Facture d’eau", "eau", "facture-eau"),
    "assainissement_controle": IntentSpec(
        "Contrôle d’assainissement", "assainissement", "controle",
        ticket=TicketFlow("rendez_vous", "assainissement", "controle",
                          "Demande de contrôle d’assainissement (SPANC)", slots=ADDRESS,
                          offer="Demander un contrôle")),
    "assainissement_raccordement": IntentSpec(
        "Raccordement à l’égout", "assainissement", "raccordement",
        ticket=TicketFlow("signalement", "assainissement", "debouchage",
                          "Réseau d’assainissement bouché", slots=PLACE,
                          offer="Signaler un égout bouché")),
    # --- Collectivité ---
    "cdc_presentation": IntentSpec("La communauté de communes", "general", "contact"),
    "cdc_communes": IntentSpec("Les communes", "general", "contact"),
    "cdc_horaires_accueil": IntentSpec("Horaires de l’accueil", "general", "contact"),
    "cdc_contact": IntentSpec("Nous contacter", "general", "contact"),
    "mairie_contact": IntentSpec("Contacter une mairie", "general", "hors-competence",
                                 needs=("commune",)),
    "hors_competence": IntentSpec("Démarche en mairie", "general", "hors-competence",
                                  needs=("commune",)),
    # --- Conversation ---
    "salutation": IntentSpec("Bonjour", "general"),
    "remerciement": IntentSpec("Merci", "general"),
    "au_revoir": IntentSpec("Au revoir", "general"),
    "qui_es_tu": IntentSpec("Qui est Sophie ?", "general"),
    "parler_conseiller": IntentSpec(
        "Parler à un conseiller", "general", "contact",
        ticket=TicketFlow("information", "general", "contact", "Demande de rappel",
                          slots=("phone", "details"), callback=True)),
    "reclamation": IntentSpec(
        "Faire une réclamation", "general", "autre", nature="reclamation",
        ticket=TicketFlow("reclamation", "general", "autre", "Réclamation",
                          slots=("details",))),
    "donnees_personnelles": IntentSpec("Mes données personnelles", "general",
                                       "donnees-personnelles"),
}

INTENT_IDS = tuple(CATALOGUE)

# The main topics offered after a greeting or a fallback.
MAIN_TOPICS = ("Jours de collecte", "Où jeter un objet ?", "Horaires des déchèteries",
               "Faire un signalement", "Suivre ma demande")

# Quick replies that are plain shortcuts: what the button sends is understood like typing.
TOPIC_SHORTCUTS = {
    "jours de collecte": "collecte_jours",
    "où jeter un objet ?": "tri_ou_jeter",
    "horaires des déchèteries": "decheterie_horaires",
    "faire un signalement": "signalement_autre",
    "suivre ma demande": "suivi_demande",
    "calendrier à imprimer": "collecte_calendrier",
    "jours fériés": "collecte_jour_ferie",
    "prendre rendez-vous": "encombrants_rdv",
    "carte de déchèterie": "decheterie_badge",
    "parler à un conseiller": "parler_conseiller",
}


def spec(intent: str | None) -> IntentSpec | None:
    return CATALOGUE.get(intent) if intent else None


def label(intent: str) -> str:
    found = CATALOGUE.get(intent)
    return found.label if found else intent

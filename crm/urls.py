"""Back-office pages of the CRM (namespace "crm", mounted at /usagers/) and the public
preference page reached from every message we send."""

from django.urls import path

from .views import campaigns, merges, preferences, rgpd, usagers

app_name = "crm"

urlpatterns = [
    path("", usagers.usager_list, name="usagers"),
    path("<int:pk>/", usagers.usager_detail, name="usager"),
    path("<int:pk>/modifier/", usagers.usager_edit, name="usager_edit"),
    path("<int:pk>/coordonnees/ajouter/", usagers.contact_add, name="contact_add"),
    path("<int:pk>/coordonnees/<int:point_pk>/supprimer/", usagers.contact_remove,
         name="contact_remove"),
    path("<int:pk>/coordonnees/<int:point_pk>/validite/", usagers.contact_validity,
         name="contact_validity"),
    path("<int:pk>/consentement/", usagers.consent_record, name="consent_record"),
    path("<int:pk>/export.json", rgpd.export_json, name="export_json"),
    path("<int:pk>/export/", rgpd.export_document, name="export_document"),
    path("<int:pk>/anonymiser/", rgpd.erase, name="erase"),
    path("<int:pk>/fusionner/", merges.merge_start, name="merge_start"),
    path("doublons/", merges.proposal_list, name="duplicates"),
    path("doublons/<int:pk>/", merges.proposal_detail, name="proposal"),
    path("comparer/<int:a>/<int:b>/", merges.compare, name="compare"),
    path("fusions/", merges.merge_list, name="merges"),
    path("fusions/<int:pk>/annuler/", merges.merge_undo, name="merge_undo"),
    path("campagnes/", campaigns.campaign_list, name="campaigns"),
    path("campagnes/nouvelle/", campaigns.campaign_edit, name="campaign_new"),
    path("campagnes/<int:pk>/", campaigns.campaign_detail, name="campaign"),
    path("campagnes/<int:pk>/modifier/", campaigns.campaign_edit, name="campaign_edit"),
    path("campagnes/<int:pk>/envoyer/", campaigns.campaign_schedule, name="campaign_schedule"),
    path("campagnes/<int:pk>/annuler/", campaigns.campaign_cancel, name="campaign_cancel"),
    path("preferences/<str:token>/", preferences.preferences, name="preferences"),
    path("preferences/<str:token>/desabonnement/<slug:purpose>/", preferences.one_click,
         name="one_click_unsubscribe"),
    path("p/<str:code>/", preferences.short_link, name="short_preferences"),
]

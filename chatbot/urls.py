"""/sophie/: the residents' chat page, the agents' live chat, the supervisors' review."""

from django.urls import path

from . import views
from .views import agents, supervision

app_name = "chatbot"

urlpatterns = [
    path("", views.chat, name="chat"),
    path("agents/", agents.Queue.as_view(), name="agents"),
    path("agents/file.json", agents.QueueJson.as_view(), name="agents-json"),
    path("agents/presence", agents.Presence.as_view(), name="agents-presence"),
    path("agents/<uuid:pk>/", agents.ConversationPage.as_view(), name="agent-conversation"),
    path("agents/<uuid:pk>/messages.json", agents.ConversationTurns.as_view(),
         name="agent-turns"),
    path("agents/<uuid:pk>/prendre", agents.Take.as_view(), name="agent-take"),
    path("agents/<uuid:pk>/repondre", agents.Reply.as_view(), name="agent-reply"),
    path("agents/<uuid:pk>/terminer", agents.End.as_view(), name="agent-end"),
    path("supervision/", supervision.Dashboard.as_view(), name="supervision"),
    path("supervision/messages/<int:pk>/etiquette", supervision.LabelTurn.as_view(),
         name="supervision-label"),
    path("supervision/conversations/", supervision.Conversations.as_view(),
         name="supervision-conversations"),
    path("supervision/conversations/<uuid:pk>/", supervision.ConversationDetail.as_view(),
         name="supervision-conversation"),
    path("supervision/entrainement/", supervision.Training.as_view(),
         name="supervision-training"),
    path("supervision/entrainement/ajouter", supervision.AddPhrase.as_view(),
         name="supervision-add-phrase"),
    path("supervision/entrainement/<int:pk>/supprimer", supervision.DeleteDraft.as_view(),
         name="supervision-delete-draft"),
    path("supervision/entrainement/evaluer", supervision.Evaluate.as_view(),
         name="supervision-evaluate"),
    path("supervision/entrainement/publier", supervision.Publish.as_view(),
         name="supervision-publish"),
]

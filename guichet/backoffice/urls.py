"""Agent back office urls (namespace "guichet", mounted at /guichet/)."""

from django.urls import path

from .views import knowledge, new_ticket, queue, search, ticket

urlpatterns = [
    path("", queue.QueueView.as_view(), name="queue"),
    path("recherche/", search.SearchView.as_view(), name="search"),
    path("nouvelle/", new_ticket.NewTicketView.as_view(), name="new_ticket"),
    path("<int:pk>/", ticket.TicketView.as_view(), name="ticket"),
    path("<int:pk>/repondre/", ticket.ReplyView.as_view(), name="ticket_reply"),
    path("<int:pk>/note/", ticket.NoteView.as_view(), name="ticket_note"),
    path("<int:pk>/statut/", ticket.StatusView.as_view(), name="ticket_status"),
    path("<int:pk>/affectation/", ticket.AssignView.as_view(), name="ticket_assign"),
    path("<int:pk>/qualification/", ticket.QualifyView.as_view(), name="ticket_qualify"),
    path("<int:pk>/messages/<int:message_pk>/visibilite/", ticket.VisibilityView.as_view(),
         name="message_visibility"),
    path("pieces-jointes/<int:pk>/", ticket.AttachmentView.as_view(), name="attachment"),
    path("connaissances/", knowledge.KnowledgeListView.as_view(), name="knowledge"),
    path("connaissances/nouvel-article/", knowledge.KnowledgeEditView.as_view(),
         name="knowledge_new"),
    path("connaissances/<int:pk>/", knowledge.KnowledgeDetailView.as_view(),
         name="knowledge_detail"),
    path("connaissances/<int:pk>/modifier/", knowledge.KnowledgeEditView.as_view(),
         name="knowledge_edit"),
]

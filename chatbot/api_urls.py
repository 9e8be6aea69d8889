"""/api/v1/chatbot/: Sophie's public endpoints (the widget's)."""

from django.urls import path

from . import api

urlpatterns = [
    path("chatbot/welcome", api.WelcomeView.as_view(), name="chatbot-welcome"),
    path("chatbot/messages", api.MessagesView.as_view(), name="chatbot-messages"),
    path("chatbot/conversations/<uuid:conversation_id>", api.HistoryView.as_view(),
         name="chatbot-history"),
    path("chatbot/conversations/<uuid:conversation_id>/photo", api.PhotoView.as_view(),
         name="chatbot-photo"),
]

"""Sophie's pages: the residents' chat page, the agents' live chat, the supervisors' review."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from chatbot import catalogue


@require_GET
def chat(request):
    return render(request, "chatbot/chat.html", {"topics": catalogue.MAIN_TOPICS})

"""The agents' live chat: conversations waiting for a person, the transcript, the answer box.

Server-rendered and usable without JavaScript (forms post and redirect); a small script
polls for new messages and keeps the agent marked present while the page is open.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from chatbot import selectors, services
from chatbot.api import turn_payload
from chatbot.models import AgentPresence, Conversation
from maison import calendar
from maison.permissions import RoleRequiredMixin


class AgentView(RoleRequiredMixin, View):
    """Agents, supervisors, admins."""


class Queue(AgentView):
    def get(self, request):
        services.heartbeat(agent=request.user, accepting=_accepting(request.user))
        return render(request, "chatbot/agents/queue.html", {
            "conversations": selectors.waiting_conversations(),
            "accepting": _accepting(request.user),
            "open_now": calendar.is_open(),
            "present": AgentPresence.objects.filter(
                accepting=True, last_seen_at__gte=timezone.now() - timezone.timedelta(
                    seconds=services.PRESENCE_SECONDS)).count(),
        })


def _accepting(user) -> bool:
    presence = AgentPresence.objects.filter(user=user).first()
    return presence.accepting if presence else True


class QueueJson(AgentView):
    """Polled by the queue page: who is waiting, and the agent's heartbeat."""

    def get(self, request):
        services.heartbeat(agent=request.user, accepting=_accepting(request.user))
        now = timezone.now()
        rows = [{
            "id": str(c.pk), "status": c.status, "status_label": c.get_status_display(),
            "agent": (c.agent.first_name or c.agent.get_username()) if c.agent_id else "",
            "waiting_minutes": int((now - (c.handoff_at or c.updated_at)).total_seconds() // 60),
            "url": reverse("chatbot:agent-conversation", args=[c.pk]),
            "mine": c.agent_id == request.user.pk,
        } for c in selectors.waiting_conversations()]
        return JsonResponse({"conversations": rows})


class Presence(AgentView):
    def post(self, request):
        accepting = request.POST.get("accepting") == "1"
        services.heartbeat(agent=request.user, accepting=accepting)
        messages.success(request, "Vous recevez les conversations de Sophie." if accepting
                         else "Vous ne recevez plus de nouvelles conversations.")
        return redirect("chatbot:agents")


class ConversationPage(AgentView):
    def get(self, request, pk):
        conversation = get_object_or_404(Conversation.objects.select_related("agent", "usager"),
                                         pk=pk)
        services.heartbeat(agent=request.user, accepting=_accepting(request.user))
        return render(request, "chatbot/agents/conversation.html", {
            "conversation": conversation, "turns": selectors.history(conversation),
            "mine": conversation.agent_id == request.user.pk,
        })


class ConversationTurns(AgentView):
    def get(self, request, pk):
        conversation = get_object_or_404(Conversation, pk=pk)
        try:
            after = max(0, int(request.GET.get("after", 0)))
        except ValueError:
            after = 0
        return JsonResponse({
            "status": conversation.status,
            "turns": [turn_payload(t) for t in selectors.history(conversation, after)],
        })


def _act(request, pk, action, done_message):
    conversation = get_object_or_404(Conversation, pk=pk)
    try:
        action(conversation)
        if done_message:
            messages.success(request, done_message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("chatbot:agent-conversation", pk=pk)


class Take(AgentView):
    def post(self, request, pk):
        return _act(request, pk, lambda c: services.take_conversation(conversation=c,
                                                                      agent=request.user),
                    "Vous avez pris la conversation : l’usager est prévenu.")


class Reply(AgentView):
    def post(self, request, pk):
        text = request.POST.get("text", "")
        return _act(request, pk, lambda c: services.agent_reply(conversation=c,
                                                                agent=request.user, text=text),
                    "")


class End(AgentView):
    def post(self, request, pk):
        return _act(request, pk, lambda c: services.end_handoff(conversation=c,
                                                                agent=request.user),
                    "Conversation terminée : Sophie reprend la main.")


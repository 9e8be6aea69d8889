"""Supervisors' pages: review what Sophie missed, turn it into training phrases, evaluate,
publish. Everything residents wrote is shown as text (Django autoescaping), never as HTML."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from chatbot import catalogue, learning
from chatbot.models import (
    NULL_LABEL,
    Conversation,
    EngineRelease,
    EvaluationRun,
    Intent,
    TrainingPhrase,
    Turn,
)
from maison import roles
from maison.permissions import RoleRequiredMixin


class SupervisorView(RoleRequiredMixin, View):
    allowed = staticmethod(roles.supervises)


def _intent_choices():
    choices = [(i.code, i.label) for i in Intent.objects.filter(active=True)]
    return [(NULL_LABEL, "Hors sujet (Sophie ne doit pas répondre)"), *choices]


def _stats(since):
    turns = Turn.objects.filter(role=Turn.Role.USAGER, created_at__gte=since)
    total = turns.count()
    understood = turns.exclude(intent="").count()
    conversations = Conversation.objects.filter(created_at__gte=since)
    rating = conversations.aggregate(avg=Avg("rating"), n=Count("rating"))
    return {
        "conversations": conversations.count(),
        "messages": total,
        "understood_rate": understood / total if total else None,
        "to_review": Turn.objects.filter(needs_review=True).count(),
        "handoffs": conversations.exclude(handoff_at=None).count(),
        "tickets": sum(len(t) for t in conversations.values_list("tickets", flat=True)),
        "rating": rating["avg"], "ratings": rating["n"],
    }


class Dashboard(SupervisorView):
    def get(self, request):
        since = timezone.now() - timedelta(days=7)
        pending = (Turn.objects.filter(needs_review=True, role=Turn.Role.USAGER)
                   .select_related("conversation").order_by("-created_at"))
        page = Paginator(pending, 30).get_page(request.GET.get("page"))
        return render(request, "chatbot/supervision/dashboard.html", {
            "stats": _stats(since), "page": page, "choices": _intent_choices(),
            "labels": {k: v.label for k, v in catalogue.CATALOGUE.items()},
            "drafts": learning.drafts().count(),
        })


class LabelTurn(SupervisorView):
    def post(self, request, pk):
        turn = get_object_or_404(Turn, pk=pk)
        label = request.POST.get("label", "")
        try:
            phrase = learning.label_turn(turn=turn, label=label, user=request.user,
                                         as_phrase=request.POST.get("as_phrase", "1") == "1")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Ajouté aux brouillons d’entraînement." if phrase
                             else "Message marqué comme relu.")
        return redirect(request.POST.get("next") or "chatbot:supervision")


class Conversations(SupervisorView):
    def get(self, request):
        conversations = Conversation.objects.all().order_by("-updated_at")
        show = request.GET.get("voir", "")
        if show == "a-relire":
            conversations = conversations.filter(needs_review=True, reviewed=False)
        elif show == "conseiller":
            conversations = conversations.exclude(handoff_at=None)
        elif show == "demandes":
            conversations = conversations.exclude(tickets=[])
        page = Paginator(conversations, 40).get_page(request.GET.get("page"))
        return render(request, "chatbot/supervision/conversations.html",
                      {"page": page, "show": show})


class ConversationDetail(SupervisorView):
    def get(self, request, pk):
        conversation = get_object_or_404(Conversation.objects.select_related("agent"), pk=pk)
        return render(request, "chatbot/supervision/conversation.html", {
            "conversation": conversation, "turns": conversation.turns.order_by("seq"),
            "choices": _intent_choices(),
        })


class Training(SupervisorView):
    def get(self, request):
        run = EvaluationRun.objects.first()
        rows = []
        if run and run.state == EvaluationRun.State.DONE:
            candidate = run.report.get("candidate", {}).get("per_intent", {})
            published = run.report.get("published", {}).get("per_intent", {})
            for name in sorted(set(candidate) | set(published)):
                new, old = candidate.get(name, {}), published.get(name, {})
                rows.append({
                    "intent": name, "label": "Hors sujet" if name == NULL_LABEL
                    else catalogue.label(name),
                    "support": new.get("support", 0), "accuracy": new.get("accuracy"),
                    "before": old.get("accuracy"),
                    "delta": (new.get("accuracy") - old.get("accuracy"))
                    if new.get("accuracy") is not None and old.get("accuracy") is not None
                    else None,
                    "confused": ", ".join(catalogue.label(c) if c != NULL_LABEL else "hors sujet"
                                          for c, _n in new.get("confused_with", [])),
                })
        return render(request, "chatbot/supervision/training.html", {
            "drafts": learning.drafts(), "run": run, "rows": rows,
            "releases": EngineRelease.objects.select_related("published_by")[:10],
            "choices": _intent_choices(),
            "published": TrainingPhrase.objects.filter(
                status=TrainingPhrase.Status.PUBLISHED).count(),
        })


class AddPhrase(SupervisorView):
    def post(self, request):
        try:
            learning.add_phrase(text=request.POST.get("text", ""),
                                intent_code=request.POST.get("intent") or None,
                                user=request.user)
            messages.success(request, "Phrase ajoutée aux brouillons.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("chatbot:supervision-training")


class DeleteDraft(SupervisorView):
    def post(self, request, pk):
        TrainingPhrase.objects.filter(pk=pk, status=TrainingPhrase.Status.DRAFT).delete()
        messages.success(request, "Brouillon supprimé.")
        return redirect("chatbot:supervision-training")


class Evaluate(SupervisorView):
    def post(self, request):
        learning.request_evaluation(user=request.user)
        messages.info(request, "Évaluation lancée : le résultat s’affiche ici dans quelques "
                               "secondes (rechargez la page).")
        return redirect("chatbot:supervision-training")


class Publish(SupervisorView):
    def post(self, request):
        try:
            release = learning.publish(user=request.user, note=request.POST.get("note", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Version {release.pk} publiée : Sophie l’utilise dans "
                                      "quelques secondes.")
        return redirect("chatbot:supervision-training")


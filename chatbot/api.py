"""Sophie's public JSON API, used by the widget (and by anyone embedding Sophie).

POST /api/v1/chatbot/messages                       a resident's message → Sophie's reply
GET  /api/v1/chatbot/conversations/<id>?after=N     the turns after N (reload, live hand-off)
POST /api/v1/chatbot/conversations/<id>/photo       a photo for a report (multipart "photo")

Anonymous by design: the conversation id (a random UUID) is the only key to a conversation.
Throttled per client with the "chatbot" rate (chatbot.throttling); MDS_CHATBOT_RATE=off
disables it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .models import Conversation, Turn
from .throttling import ChatbotThrottle


class TooManyMessages(exceptions.Throttled):
    default_detail = _("Vous avez envoyé beaucoup de messages en peu de temps. Patientez un "
                       "instant avant d’écrire à nouveau à Sophie.")
    extra_detail_singular = _("Vous pourrez réécrire dans {wait} seconde.")
    extra_detail_plural = _("Vous pourrez réécrire dans {wait} secondes.")


def _allowed_origins() -> set[str]:
    configured = settings.MDS_CHATBOT_ALLOWED_ORIGINS
    base = urlsplit(settings.PUBLIC_BASE_URL)
    return {o.strip().rstrip("/") for o in configured} | {f"{base.scheme}://{base.netloc}"}


class SophieView(APIView):
    """Shared plumbing: anonymous, throttled, French errors, CORS for the embedded widget."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ChatbotThrottle]
    throttle_scope = "chatbot"

    def throttled(self, request, wait):
        raise TooManyMessages(wait)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        origin = request.headers.get("Origin", "").rstrip("/")
        allowed = _allowed_origins()
        if origin and ("*" in allowed or origin in allowed):
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response["Access-Control-Allow-Headers"] = "Content-Type"
            response["Access-Control-Max-Age"] = "3600"
            response["Vary"] = "Origin"
        response["Cache-Control"] = "no-store"
        return response


# --- Serializers (input checks and the OpenAPI schema) ------------------------------------------

class MessageIn(serializers.Serializer):
    conversation = serializers.UUIDField(required=False, allow_null=True,
                                         help_text="Identifiant de la conversation, ou null "
                                                   "pour en commencer une.")
    text = serializers.CharField(allow_blank=True, trim_whitespace=False,
                                 help_text="Le message de l’usager (10 000 caractères au plus ; "
                                           "au-delà, une erreur 400 l’explique).")
    page = serializers.CharField(required=False, allow_blank=True, max_length=300,
                                 help_text="La page où le widget est affiché (facultatif).")


class ReplyOut(serializers.Serializer):
    text = serializers.CharField()
    quick_replies = serializers.ListField(child=serializers.CharField())


class HandoffOut(serializers.Serializer):
    status = serializers.CharField(help_text="« waiting » (en attente d’un conseiller) ou "
                                             "« agent » (un conseiller répond).")
    agent = serializers.CharField(allow_null=True)


class TicketOut(serializers.Serializer):
    reference = serializers.CharField()
    due = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    link = serializers.URLField(allow_null=True)


class TurnOut(serializers.Serializer):
    seq = serializers.IntegerField()
    role = serializers.ChoiceField(choices=Turn.Role.choices)
    text = serializers.CharField()
    quick_replies = serializers.ListField(child=serializers.CharField())
    photo = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class MessageOut(serializers.Serializer):
    conversation = serializers.UUIDField()
    intent = serializers.CharField(allow_null=True)
    reply = ReplyOut()
    handoff = HandoffOut(allow_null=True)
    ticket = TicketOut(allow_null=True)
    expects = serializers.CharField(allow_null=True, help_text="« photo » : proposer l’envoi "
                                                              "d’une photo.")
    last_seq = serializers.IntegerField()


class HistoryOut(serializers.Serializer):
    conversation = serializers.UUIDField()
    status = serializers.CharField(help_text="bot, waiting, agent ou closed.")
    handoff = HandoffOut(allow_null=True)
    turns = TurnOut(many=True)
    last_seq = serializers.IntegerField()


class ErrorOut(serializers.Serializer):
    detail = serializers.CharField()


ERRORS = {
    400: OpenApiResponse(ErrorOut, description="Message vide, trop long ou mal formé."),
    429: OpenApiResponse(ErrorOut, description="Trop de messages en peu de temps."),
}


def turn_payload(turn: Turn) -> dict:
    return {"seq": turn.seq, "role": turn.role, "text": turn.text,
            "quick_replies": turn.quick_replies or [], "photo": bool(turn.photo),
            "created_at": turn.created_at.isoformat()}


def exchange_payload(exchange: services.Exchange) -> dict:
    reply = exchange.reply
    return {
        "conversation": str(exchange.conversation.pk),
        "intent": reply.intent,
        "reply": {"text": reply.text, "quick_replies": reply.quick_replies},
        "handoff": reply.handoff or services.handoff_payload(exchange.conversation),
        "ticket": reply.ticket,
        "expects": reply.expects,
        "last_seq": exchange.conversation.turn_count,
    }


def _django_error(error: DjangoValidationError) -> Response:
    return Response({"detail": " ".join(error.messages)}, status=status.HTTP_400_BAD_REQUEST)


class MessagesView(SophieView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        operation_id="chatbot_message", tags=["chatbot"], request=MessageIn,
        responses={200: MessageOut, **ERRORS}, auth=[],
        summary="Envoyer un message à Sophie",
        description="Sans conversation (null), une nouvelle conversation commence ; sa réponse "
                    "donne son identifiant, à renvoyer ensuite. Un identifiant inconnu commence "
                    "aussi une nouvelle conversation.")
    def post(self, request):
        data = MessageIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            exchange = services.receive_message(
                conversation_id=data.validated_data.get("conversation"),
                text=data.validated_data["text"], page=data.validated_data.get("page", ""))
        except DjangoValidationError as error:
            return _django_error(error)
        return Response(exchange_payload(exchange))


class HistoryView(SophieView):
    throttle_scope = "chatbot_poll"

    @extend_schema(
        operation_id="chatbot_history", tags=["chatbot"], auth=[],
        parameters=[OpenApiParameter("after", int, description="Ne renvoyer que les messages "
                                                               "après ce numéro.")],
        responses={200: HistoryOut, 404: OpenApiResponse(ErrorOut), 429: ERRORS[429]},
        summary="Relire une conversation (rechargement de page, conseiller en direct)",
        description="Les messages d’une conversation après le numéro `after` : le widget "
                    "réaffiche l’historique après un rechargement et suit les réponses d’un "
                    "conseiller pendant une mise en relation.")
    def get(self, request, conversation_id):
        conversation = get_object_or_404(Conversation, pk=conversation_id)
        try:
            after = max(0, min(int(request.query_params.get("after", 0)), 2**31 - 1))
        except (TypeError, ValueError):
            after = 0
        turns = conversation.turns.filter(seq__gt=after).order_by("seq")[:500]
        return Response({
            "conversation": str(conversation.pk), "status": conversation.status,
            "handoff": services.handoff_payload(conversation),
            "turns": [turn_payload(t) for t in turns], "last_seq": conversation.turn_count,
        })


class WelcomeView(SophieView):
    throttle_scope = "chatbot_poll"

    @extend_schema(operation_id="chatbot_welcome", tags=["chatbot"], auth=[],
                   responses={200: ReplyOut, 429: ERRORS[429]},
                   summary="Le message d’accueil de Sophie",
                   description="Le premier message affiché par le widget, avant toute question.")
    def get(self, request):
        from . import catalogue, texts

        return Response({"text": texts.common("welcome"),
                         "quick_replies": list(catalogue.MAIN_TOPICS)})


class PhotoIn(serializers.Serializer):
    photo = serializers.FileField(help_text="Une photo (JPEG, PNG, GIF, WebP, HEIC).")


class PhotoView(SophieView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="chatbot_photo", tags=["chatbot"], auth=[],
        request={"multipart/form-data": PhotoIn},
        responses={200: MessageOut, 404: OpenApiResponse(ErrorOut), **ERRORS},
        summary="Joindre une photo à un signalement",
        description="Une photo envoyée depuis le widget ; elle sera jointe à la demande "
                    "transmise au service.")
    def post(self, request, conversation_id):
        conversation = get_object_or_404(Conversation, pk=conversation_id)
        upload = request.FILES.get("photo")
        if upload is None:
            return Response({"detail": "Joignez une photo (champ « photo »)."},
                            status=status.HTTP_400_BAD_REQUEST)
        if upload.size > settings.MDS_MAX_ATTACHMENT_BYTES:
            limit = settings.MDS_MAX_ATTACHMENT_BYTES // (1024 * 1024)
            return _django_error(DjangoValidationError(f"La photo dépasse {limit} Mo."))
        try:
            exchange = services.upload_photo(
                conversation=conversation, filename=upload.name or "photo.jpg",
                content_type=upload.content_type or "", content=upload.read())
        except DjangoValidationError as error:
            return _django_error(error)
        return Response(exchange_payload(exchange))

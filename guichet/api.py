"""/api/v1/tickets: the guichet's API, thin over guichet.services (writes) and filters (reads)."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.api import ContactFields
from maison import selectors as maison_selectors
from maison.api import conflict
from maison.models import Commune, SubTheme, Theme

from . import services
from .models import (
    OPEN_STATUSES,
    Channel,
    CloseReason,
    Message,
    Nature,
    Priority,
    Status,
    Ticket,
    TicketEvent,
)

API_CHANNELS = [Channel.ACCUEIL, Channel.TELEPHONE, Channel.COURRIER, Channel.FORMULAIRE,
                Channel.EMAIL, Channel.SMS]
API_CHANNEL_CHOICES = [(c.value, c.label) for c in API_CHANNELS]
MAX_OFFSET = timedelta(hours=14)
REPLY_CHANNEL_CHOICES = [(Channel.EMAIL.value, Channel.EMAIL.label),
                         (Channel.SMS.value, Channel.SMS.label)]


# --- Serializers ------------------------------------------------------------------------------

class MessageSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "direction", "channel", "subject", "body", "public", "delivery_status",
                  "created_at", "author"]

    def get_author(self, message) -> str:
        if message.author_user_id:
            return message.author_user.get_full_name() or message.author_user.get_username()
        return message.author_usager.display_name if message.author_usager_id else ""


class TicketEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TicketEvent
        fields = ["kind", "field", "old_value", "new_value", "created_at", "public"]


class TicketSerializer(serializers.ModelSerializer):
    theme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    subtheme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    commune = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)
    queue = serializers.SlugRelatedField(slug_field="code", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = ["id", "reference", "channel", "nature", "theme", "subtheme", "commune",
                  "usager", "usager_category", "subject", "status", "priority", "queue",
                  "assignee", "created_at", "updated_at", "first_response_due_at", "due_at",
                  "first_response_at", "resolved_at", "closed_at", "close_reason",
                  "callback_requested", "overdue", "version"]

    def get_overdue(self, ticket) -> bool:
        return bool(ticket.due_at and ticket.status in OPEN_STATUSES
                    and ticket.due_at < timezone.now())


class TicketDetailSerializer(TicketSerializer):
    messages = MessageSerializer(many=True, read_only=True)
    events = TicketEventSerializer(many=True, read_only=True)

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "address", "messages", "events"]


class ReferenceFields(serializers.Serializer):
    """Theme, sub-theme and commune given by code, slug or name, checked with French errors."""

    theme = serializers.CharField(required=False, allow_blank=True)
    subtheme = serializers.CharField(required=False, allow_blank=True)
    commune = serializers.CharField(required=False, allow_blank=True, max_length=100)

    def validate_theme(self, value):
        if not value:
            return None
        theme = Theme.objects.filter(code=value).first()
        if theme is None:
            raise serializers.ValidationError(_("Thème inconnu : « %(value)s ».")
                                              % {"value": value})
        return theme

    def validate_commune(self, value):
        if not value:
            return None
        commune = Commune.objects.filter(slug=value).first() \
            or maison_selectors.commune_by_name(value)
        if commune is None:
            raise serializers.ValidationError(
                _("Commune inconnue : « %(value)s ». Indiquez l’une des 12 communes de la "
                  "communauté.") % {"value": value})
        return commune

    def validate(self, attrs):
        code = attrs.get("subtheme")
        if code:
            theme = attrs.get("theme")
            subthemes = SubTheme.objects.filter(code=code)
            if theme:
                subthemes = subthemes.filter(theme=theme)
            subtheme = subthemes.first()
            if subtheme is None:
                raise serializers.ValidationError(
                    {"subtheme": _("Sous-thème inconnu pour ce thème : « %(value)s ».")
                     % {"value": code}})
            attrs["subtheme"] = subtheme
        else:
            attrs["subtheme"] = None
        return attrs


class TicketCreateSerializer(ReferenceFields, ContactFields):
    channel = serializers.ChoiceField(choices=API_CHANNEL_CHOICES)
    nature = serializers.ChoiceField(choices=Nature.choices, default=Nature.INFORMATION)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True)
    body = serializers.CharField(max_length=20_000)

    def validate_body(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("Le message est vide."))
        return value


class TicketUpdateSerializer(ReferenceFields):
    version = serializers.IntegerField(min_value=1)
    nature = serializers.ChoiceField(choices=Nature.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    subject = serializers.CharField(max_length=200, required=False)


class StatusChangeSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    status = serializers.ChoiceField(choices=Status.choices)
    close_reason = serializers.ChoiceField(choices=CloseReason.choices, required=False,
                                           allow_blank=True)


class AssignSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    assignee = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                     help_text=_("Identifiant de l’agent ; vide pour désaffecter."))
    queue = serializers.CharField(required=False, allow_blank=True)


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20_000)
    channel = serializers.ChoiceField(choices=REPLY_CHANNEL_CHOICES, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)


class NoteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20_000)


# --- Filters ----------------------------------------------------------------------------------

class BoundedDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment the database can store: a plausible year, a real UTC offset."""

    default_error_messages = {
        "out_of_range": _("Date hors limites : indiquez une date entre 2000 et 2100, avec un "
                          "décalage horaire réel (au plus 14 heures)."),
    }

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        offset = moment.utcoffset()
        if not 2000 <= moment.year <= 2100 or (offset is not None and abs(offset) > MAX_OFFSET):
            raise DjangoValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return moment


class BoundedDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = BoundedDateTimeField


class TicketFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices)
    nature = django_filters.MultipleChoiceFilter(choices=Nature.choices)
    theme = django_filters.CharFilter(field_name="theme__code")
    subtheme = django_filters.CharFilter(field_name="subtheme__code")
    commune = django_filters.CharFilter(field_name="commune__slug")
    queue = django_filters.CharFilter(field_name="queue__code")
    assignee = django_filters.CharFilter(field_name="assignee__username")
    reference = django_filters.CharFilter(method="filter_reference")
    usager = django_filters.NumberFilter(field_name="usager_id")
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    created_after = BoundedDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = BoundedDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Ticket
        fields = ["priority"]

    def filter_reference(self, queryset, name, value):
        return queryset.filter(reference=services.parse_reference(value) or value.strip())

    def filter_overdue(self, queryset, name, value):
        late = Q(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)


# --- Views ------------------------------------------------------------------------------------

def _locked(exc: services.ConcurrentUpdate) -> Response:
    return conflict(str(exc.message))


@extend_schema_view(
    list=extend_schema(summary=_("Lister les demandes (filtres, tri, pagination)")),
    retrieve=extend_schema(summary=_("Une demande avec ses messages et son historique")),
    create=extend_schema(summary=_("Enregistrer une demande (accueil, téléphone, courrier…)"),
                         request=TicketCreateSerializer, responses={201: TicketDetailSerializer}),
    partial_update=extend_schema(summary=_("Requalifier une demande"),
                                 request=TicketUpdateSerializer, responses=TicketSerializer),
)
class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    filterset_class = TicketFilter
    ordering_fields = ["created_at", "due_at", "priority", "updated_at"]
    ordering = ["-created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        tickets = Ticket.objects.select_related("theme", "subtheme", "commune", "assignee",
                                                "queue")
        if self.action == "retrieve":
            tickets = tickets.prefetch_related("messages__author_user",
                                               "messages__author_usager", "events")
        return tickets

    def get_serializer_class(self):
        if self.action == "retrieve":
            return TicketDetailSerializer
        return TicketSerializer

    def create(self, request, *args, **kwargs):
        data = _validated(TicketCreateSerializer, request.data)
        reception = services.receive(
            channel=data["channel"], body=data["body"], subject=data.get("subject", ""),
            email=data.get("email") or None, phone=data.get("phone") or None,
            first_name=data.get("first_name", ""), last_name=data.get("last_name", ""),
            nature=data["nature"], theme=data.get("theme"), subtheme=data.get("subtheme"),
            commune=data.get("commune"), address=data.get("address", ""), actor=request.user,
            force_new_ticket=True)
        ticket = self.get_queryset().prefetch_related("messages", "events").get(
            pk=reception.ticket.pk)
        return Response(TicketDetailSerializer(ticket).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        ticket = self.get_object()
        data = _validated(TicketUpdateSerializer, request.data)
        version = data.pop("version")
        # Only what the client sent: an absent field is left alone, never cleared.
        changes = {name: value for name, value in data.items() if name in request.data}
        try:
            services.update_ticket(ticket=ticket, actor=request.user, expected_version=version,
                                   **changes)
        except services.ConcurrentUpdate as exc:
            return _locked(exc)
        return Response(TicketSerializer(ticket).data)

    @extend_schema(summary=_("Changer le statut"), request=StatusChangeSerializer,
                   responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        ticket = self.get_object()
        data = _validated(StatusChangeSerializer, request.data)
        try:
            services.change_status(ticket=ticket, status=data["status"], actor=request.user,
                                   expected_version=data["version"],
                                   close_reason=data.get("close_reason", ""))
        except services.ConcurrentUpdate as exc:
            return _locked(exc)
        return Response(TicketSerializer(ticket).data)

    @extend_schema(summary=_("Affecter à un agent ou une file"), request=AssignSerializer,
                   responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        from django.contrib.auth import get_user_model

        from .models import Queue

        ticket = self.get_object()
        data = _validated(AssignSerializer, request.data)
        assignee = None
        if data.get("assignee"):
            assignee = get_user_model().objects.filter(username=data["assignee"],
                                                       is_active=True).first()
            if assignee is None:
                return _bad_request("assignee", _("Agent inconnu."))
        queue = None
        if data.get("queue"):
            queue = Queue.objects.filter(code=data["queue"]).first()
            if queue is None:
                return _bad_request("queue", _("File inconnue."))
        try:
            services.assign(ticket=ticket, assignee=assignee, queue=queue, actor=request.user,
                            expected_version=data["version"])
        except services.ConcurrentUpdate as exc:
            return _locked(exc)
        return Response(TicketSerializer(ticket).data)

    @extend_schema(summary=_("Répondre à l’usager (courriel ou SMS)"), request=ReplySerializer,
                   responses={201: MessageSerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        ticket = self.get_object()
        data = _validated(ReplySerializer, request.data)
        message = services.reply(ticket=ticket, author=request.user, body=data["body"],
                                 channel=data.get("channel"), status=data.get("status"))
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Ajouter une note interne"), request=NoteSerializer,
                   responses={201: MessageSerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        ticket = self.get_object()
        data = _validated(NoteSerializer, request.data)
        note = services.add_note(ticket=ticket, author=request.user, body=data["body"])
        return Response(MessageSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Retrouver une demande par sa référence"),
                   parameters=[OpenApiParameter("reference", str, OpenApiParameter.PATH)],
                   responses=TicketDetailSerializer)
    @action(detail=False, methods=["get"], url_path=r"reference/(?P<reference>[^/]+)")
    def by_reference(self, request, reference=None):
        wanted = services.parse_reference(reference) or reference
        ticket = get_object_or_404(self.get_queryset().prefetch_related("messages", "events"),
                                   reference=wanted)
        return Response(TicketDetailSerializer(ticket).data)


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _bad_request(field: str, message: str) -> Response:
    return Response({field: [message]}, status=status.HTTP_400_BAD_REQUEST)


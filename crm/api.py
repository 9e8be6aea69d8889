"""/api/v1/usagers: look-up and creation of usagers for agents (never for élus)."""

import contextlib

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from maison import selectors as maison_selectors

from . import services
from .models import AccessLog, Category, ContactPoint, Usager
from .services import audit


class ContactPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactPoint
        fields = ["kind", "value", "is_mobile", "is_valid", "is_primary"]


class UsagerSerializer(serializers.ModelSerializer):
    commune = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    contact_points = ContactPointSerializer(many=True, read_only=True)
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Usager
        fields = ["id", "public_id", "display_name", "first_name", "last_name", "organisation",
                  "category", "commune", "address", "contact_points", "created_at",
                  "last_contact_at"]


class ContactFields(serializers.Serializer):
    """A person's name and contact points as every intake endpoint takes them: emails and
    phones normalised (E.164) or refused with a French message."""

    first_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    address = serializers.CharField(required=False, allow_blank=True, max_length=250)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)

    def validate_email(self, value):
        return services.normalize_email(value) if value else ""

    def validate_phone(self, value):
        return services.normalize_phone(value) if value else ""


class UsagerCreateSerializer(ContactFields):
    organisation = serializers.CharField(required=False, allow_blank=True, max_length=150)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    commune = serializers.CharField(required=False, allow_blank=True, max_length=100)

    def validate_commune(self, value):
        if not value:
            return None
        commune = maison_selectors.commune_by_name(value)
        if commune is None:
            raise serializers.ValidationError(f"Commune inconnue : « {value} ».")
        return commune

    def validate(self, attrs):
        if not any(attrs.get(key) for key in ("email", "phone", "last_name", "organisation")):
            raise serializers.ValidationError(
                "Indiquez au moins un nom, une raison sociale, un courriel ou un téléphone.")
        return attrs


class UsagerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Nom, courriel ou téléphone")
    commune = django_filters.CharFilter(field_name="commune__slug")
    category = django_filters.ChoiceFilter(choices=Category.choices)

    class Meta:
        model = Usager
        fields = ["q", "commune", "category"]

    def search(self, queryset, name, value):
        value = value.strip()
        contact_values = {value.lower()}
        with contextlib.suppress(ValidationError):  # not a phone: names and emails only
            contact_values.add(services.normalize_phone(value))
        by_contact = ContactPoint.objects.filter(value__in=contact_values).values("usager_id")
        return queryset.filter(Q(pk__in=by_contact) | Q(last_name__icontains=value)
                               | Q(first_name__icontains=value)
                               | Q(organisation__icontains=value))


@extend_schema_view(list=extend_schema(summary="Rechercher des usagers"),
                    retrieve=extend_schema(summary="Un usager et ses coordonnées"),
                    create=extend_schema(summary="Identifier ou créer un usager",
                                         request=UsagerCreateSerializer,
                                         responses={200: UsagerSerializer,
                                                    201: UsagerSerializer}))
class UsagerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    viewsets.GenericViewSet):
    serializer_class = UsagerSerializer
    filterset_class = UsagerFilter
    ordering_fields = ["last_name", "created_at", "last_contact_at"]
    ordering = ["last_name", "first_name", "id"]

    def get_queryset(self):
        return (Usager.objects.filter(erased_at__isnull=True, merged_into__isnull=True)
                .select_related("commune").prefetch_related("contact_points"))

    def retrieve(self, request, *args, **kwargs):
        usager = self.get_object()
        audit.log_access(usager=usager, user=request.user, action=AccessLog.Action.VIEW,
                         detail={"via": "api"})
        return Response(self.get_serializer(usager).data)

    def create(self, request, *args, **kwargs):
        payload = UsagerCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        found = services.identify_usager(
            email=data.get("email") or None, phone=data.get("phone") or None,
            first_name=data.get("first_name", ""), last_name=data.get("last_name", ""),
            organisation=data.get("organisation", ""), category=data.get("category", ""),
            commune=data.get("commune"), address=data.get("address", ""))
        usager = self.get_queryset().get(pk=found.usager.pk)
        code = status.HTTP_201_CREATED if found.created else status.HTTP_200_OK
        return Response(UsagerSerializer(usager).data, status=code)

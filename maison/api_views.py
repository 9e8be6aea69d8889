"""/api/v1/ reference data: communes, collection zones and streets, themes and sub-themes.

Public and read-only: the same facts are printed on the collectivité's website.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from .models import CollectionZone, Commune, SubTheme, Theme


class CommuneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Commune
        fields = ["slug", "name", "postal_code", "aliases", "mairie_phone", "mairie_email",
                  "mairie_address"]


class ZoneSerializer(serializers.ModelSerializer):
    commune = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    streets = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = CollectionZone
        fields = ["code", "name", "commune", "streets"]


class SubThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubTheme
        fields = ["code", "label"]


class ThemeSerializer(serializers.ModelSerializer):
    subthemes = SubThemeSerializer(many=True, read_only=True)

    class Meta:
        model = Theme
        fields = ["code", "label", "active", "subthemes"]


class PublicReadOnly(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    pagination_class = None


@extend_schema_view(list=extend_schema(summary="Les communes membres"),
                    retrieve=extend_schema(summary="Une commune"))
class CommuneViewSet(PublicReadOnly):
    queryset = Commune.objects.order_by("slug")
    serializer_class = CommuneSerializer
    lookup_field = "slug"


@extend_schema_view(list=extend_schema(summary="Les secteurs de collecte et leurs voies"),
                    retrieve=extend_schema(summary="Un secteur de collecte"))
class ZoneViewSet(PublicReadOnly):
    queryset = CollectionZone.objects.select_related("commune").prefetch_related("streets")
    serializer_class = ZoneSerializer
    lookup_field = "code"


@extend_schema_view(list=extend_schema(summary="Les thèmes et sous-thèmes"),
                    retrieve=extend_schema(summary="Un thème"))
class ThemeViewSet(PublicReadOnly):
    queryset = Theme.objects.prefetch_related("subthemes").order_by("position")
    serializer_class = ThemeSerializer
    lookup_field = "code"

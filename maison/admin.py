"""Django admin for the territory: communes, collection zones, streets, themes, holidays."""

from django.contrib import admin

from . import calendar
from .models import CollectionZone, Commune, SchoolHoliday, Street, SubTheme, Theme


class CollectionZoneInline(admin.TabularInline):
    model = CollectionZone
    extra = 0
    fields = ("code", "name")
    show_change_link = True


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("name", "postal_code", "mairie_phone", "mairie_email")
    search_fields = ("name", "slug", "postal_code")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CollectionZoneInline]


@admin.register(CollectionZone)
class CollectionZoneAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "commune")
    list_filter = ("commune",)
    search_fields = ("code", "name", "commune__name")
    list_select_related = ("commune",)


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ("name", "commune", "zone")
    list_filter = ("commune", "zone")
    search_fields = ("name", "commune__name", "zone__code")
    list_select_related = ("commune", "zone")
    autocomplete_fields = ("commune", "zone")
    list_per_page = 50


class SubThemeInline(admin.TabularInline):
    model = SubTheme
    extra = 1
    fields = ("position", "code", "label", "active")
    ordering = ("position",)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "position", "active")
    list_editable = ("position", "active")
    list_filter = ("active",)
    search_fields = ("label", "code")
    prepopulated_fields = {"code": ("label",)}
    inlines = [SubThemeInline]


@admin.register(SubTheme)
class SubThemeAdmin(admin.ModelAdmin):
    list_display = ("label", "theme", "code", "position", "active")
    list_filter = ("theme", "active")
    search_fields = ("label", "code", "theme__label")
    list_select_related = ("theme",)


@admin.register(SchoolHoliday)
class SchoolHolidayAdmin(admin.ModelAdmin):
    list_display = ("label", "zone", "first_day", "last_day")
    list_filter = ("zone",)
    search_fields = ("label",)
    date_hierarchy = "first_day"

    # Deadlines and "open now?" read school holidays from a cache: refresh it on every change.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar.forget_school_holidays()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar.forget_school_holidays()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        calendar.forget_school_holidays()


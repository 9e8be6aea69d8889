"""Django admin for the service's rules (SLA, queues), the knowledge base, and a read-only
view of tickets: changes to a ticket go through the back office so that they are audited."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import KnowledgeArticle, Message, Queue, SlaPolicy, Ticket, TicketEvent


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("nature", "theme", "first_response_hours", "resolution_days")
    list_filter = ("nature", "theme")
    list_select_related = ("theme",)


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_default")
    search_fields = ("name", "code")
    filter_horizontal = ("themes", "members")


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "theme", "subtheme", "published", "updated_at", "updated_by")
    list_filter = ("published", "theme")
    search_fields = ("title", "keywords", "body")
    list_select_related = ("theme", "subtheme", "updated_by")
    readonly_fields = ("updated_at", "updated_by")
    fields = ("theme", "subtheme", "title", "body", "keywords", "published", "updated_at",
              "updated_by")

    def save_model(self, request, obj, form, change):
        # Same path as the back office: sanitised body, author recorded, supervisors only.
        services.save_knowledge_article(
            actor=request.user, article=obj, theme=obj.theme, subtheme=obj.subtheme,
            title=obj.title, body=obj.body, keywords=obj.keywords, published=obj.published)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ("created_at", "direction", "channel", "author_user", "author_usager", "body",
              "public", "delivery_status")
    readonly_fields = fields
    ordering = ("created_at", "id")


class TicketEventInline(ReadOnlyInline):
    model = TicketEvent
    fields = ("created_at", "kind", "actor", "field", "old_value", "new_value")
    readonly_fields = fields
    ordering = ("created_at", "id")
    verbose_name_plural = _("historique des modifications")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("reference", "subject", "status", "channel", "nature", "theme", "commune",
                    "assignee", "created_at")
    list_filter = ("status", "channel", "nature", "theme", "commune", "queue")
    # Exact reference only: a LIKE over a million subjects has no place in the admin.
    search_fields = ("=reference",)
    search_help_text = _("Référence exacte, par exemple MDS-2026-000123.")
    list_select_related = ("theme", "commune", "assignee")
    show_full_result_count = False
    list_per_page = 50
    ordering = ("-created_at",)
    inlines = [MessageInline, TicketEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

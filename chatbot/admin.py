"""Supervisors edit what Sophie knows here: answers, sorting guide, déchèteries, drop-off
points, collection rounds. Training phrases are reviewed and published from /sophie/supervision/.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from maison.models import CollectionSchedule, HolidayShift

from . import selectors, texts
from .models import (
    Answer,
    Conversation,
    Decheterie,
    DropOffPoint,
    EngineRelease,
    Intent,
    SortingItem,
    TrainingPhrase,
    Turn,
)


class AnswerInline(admin.StackedInline):
    model = Answer
    extra = 0
    fields = ("key", "text", "quick_replies")


@admin.register(Intent)
class IntentAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "theme", "nature", "active")
    list_filter = ("theme", "nature", "active")
    search_fields = ("code", "label")
    readonly_fields = ("code",)
    inlines = [AnswerInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        texts.forget()


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ("intent", "key", "short_text", "updated_at")
    list_filter = ("intent__theme",)
    search_fields = ("text", "key", "intent__code")
    readonly_fields = ("updated_at", "updated_by")

    @admin.display(description=_("texte"))
    def short_text(self, obj):
        return obj.text[:90]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        texts.forget()


@admin.register(TrainingPhrase)
class TrainingPhraseAdmin(admin.ModelAdmin):
    list_display = ("text", "intent", "status", "source", "created_at")
    list_filter = ("status", "source", "intent")
    search_fields = ("text",)
    readonly_fields = ("source_turn", "created_at", "created_by")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.status = TrainingPhrase.Status.DRAFT  # published from the supervision page
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(EngineRelease)
class EngineReleaseAdmin(admin.ModelAdmin):
    list_display = ("__str__", "published_by", "phrases", "note")
    readonly_fields = ("published_at", "published_by", "phrases", "note", "report")

    def has_add_permission(self, request):
        return False


class KnowledgeAdmin(admin.ModelAdmin):
    """Sophie answers from a cached copy: an edit shows at once in this process, within a
    minute in the others."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        selectors.forget_knowledge()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        selectors.forget_knowledge()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        selectors.forget_knowledge()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        selectors.forget_knowledge()


@admin.register(SortingItem)
class SortingItemAdmin(KnowledgeAdmin):
    list_display = ("name", "destination", "advice")
    list_filter = ("destination",)
    search_fields = ("name", "synonyms", "advice")


@admin.register(Decheterie)
class DecheterieAdmin(KnowledgeAdmin):
    list_display = ("name", "commune", "address", "phone")
    filter_horizontal = ("serves",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(DropOffPoint)
class DropOffPointAdmin(KnowledgeAdmin):
    list_display = ("place", "kind", "commune", "underground", "active")
    list_filter = ("kind", "commune", "active")
    search_fields = ("place",)


class TurnInline(admin.TabularInline):
    model = Turn
    extra = 0
    fields = ("seq", "role", "text", "intent", "confidence", "review_label")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "status", "last_intent", "turn_count", "rating")
    list_filter = ("status", "needs_review", "reviewed")
    readonly_fields = ("id", "created_at", "updated_at", "state", "usager", "agent", "tickets",
                       "rating", "rated_at", "turn_count", "page", "handoff_at")
    inlines = [TurnInline]


# Collection rounds are territory (maison) but Sophie answers from them: supervisors edit
# them here with the rest of her knowledge.
class CollectionScheduleAdmin(KnowledgeAdmin):
    list_display = ("zone", "flux", "weekdays", "frequency", "season_start", "season_end")
    list_filter = ("flux", "frequency", "zone__commune")


class HolidayShiftAdmin(KnowledgeAdmin):
    list_display = ("original_date", "new_date", "zone", "flux", "reason")


for model, model_admin in ((CollectionSchedule, CollectionScheduleAdmin),
                           (HolidayShift, HolidayShiftAdmin)):
    if not admin.site.is_registered(model):
        admin.site.register(model, model_admin)

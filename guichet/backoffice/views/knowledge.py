"""The knowledge base for agents; supervisors also write and publish articles."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from maison.models import Theme
from maison.roles import supervises

from ... import selectors, services
from ...models import KnowledgeArticle
from .. import presenters
from ..access import AgentRequiredMixin, SupervisorRequiredMixin
from ..forms import KnowledgeArticleForm


class KnowledgeListView(AgentRequiredMixin, View):
    def get(self, request):
        query = request.GET.get("q", "").strip()[:200]
        theme_id = request.GET.get("theme", "")
        theme = Theme.objects.filter(pk=theme_id).first() if theme_id.isdigit() else None
        articles = selectors.knowledge_articles(query=query, theme=theme,
                                                include_drafts=supervises(request.user))
        return render(request, "guichet/backoffice/knowledge_list.html", {
            "articles": articles, "query": query, "theme": theme,
            "themes": Theme.objects.order_by("position"),
            "supervises": supervises(request.user),
        })


class KnowledgeDetailView(AgentRequiredMixin, View):
    def get(self, request, pk):
        articles = KnowledgeArticle.objects.select_related("theme", "subtheme", "updated_by")
        if not supervises(request.user):
            articles = articles.filter(published=True)
        article = get_object_or_404(articles, pk=pk)
        return render(request, "guichet/backoffice/knowledge_detail.html", {
            "article": article, "body": presenters.safe_html(article.body),
            "supervises": supervises(request.user),
        })


class KnowledgeEditView(SupervisorRequiredMixin, View):
    """Create (no pk) or edit an article; the body is sanitised by the service."""

    template_name = "guichet/backoffice/knowledge_form.html"

    def get(self, request, pk=None):
        article = get_object_or_404(KnowledgeArticle, pk=pk) if pk else None
        form = KnowledgeArticleForm.for_article(article) if article else KnowledgeArticleForm(
            initial={"published": True})
        return render(request, self.template_name, {"form": form, "article": article})

    def post(self, request, pk=None):
        article = get_object_or_404(KnowledgeArticle, pk=pk) if pk else None
        form = KnowledgeArticleForm(request.POST)
        if form.is_valid():
            try:
                article = services.save_knowledge_article(actor=request.user, article=article,
                                                          **form.cleaned_data)
            except ValidationError as exc:
                for text in exc.messages:
                    form.add_error(None, text)
            else:
                messages.success(request, _("Article enregistré."))
                return redirect("guichet:knowledge_detail", pk=article.pk)
        return render(request, self.template_name, {"form": form, "article": article},
                      status=400)

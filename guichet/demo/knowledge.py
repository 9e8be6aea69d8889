"""The knowledge base: one article per sub-theme, the elements of the right answer."""

from __future__ import annotations

from django.db import transaction

from maison.models import SubTheme

from ..models import KnowledgeArticle
from .knowledge_dechets import ARTICLES_DECHETS
from .knowledge_services import ARTICLES_SERVICES

ARTICLES = {**ARTICLES_DECHETS, **ARTICLES_SERVICES}


@transaction.atomic
def load_knowledge_base() -> int:
    """Create the articles that are missing; never overwrite one a supervisor edited."""
    created = 0
    for subtheme in SubTheme.objects.select_related("theme"):
        article = ARTICLES.get((subtheme.theme.code, subtheme.code))
        if article is None:
            continue
        _, is_new = KnowledgeArticle.objects.get_or_create(
            theme=subtheme.theme, subtheme=subtheme, title=article["title"],
            defaults={"body": article["body"].strip(), "keywords": article["keywords"]})
        created += is_new
    return created

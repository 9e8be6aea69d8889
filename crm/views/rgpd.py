"""The usager's rights, exercised by a supervisor: export (JSON and readable) and erasure."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import selectors
from ..forms import EraseForm
from ..services import rgpd
from .access import supervisor_required


def _usager(pk: int):
    usager = selectors.usager_for_page(pk)
    if usager is None:
        raise Http404(_("Cet usager n’existe pas."))
    return usager


@supervisor_required
@require_GET
def export_json(request, pk: int):
    usager = _usager(pk)
    data = rgpd.export_usager(usager=usager, by=request.user, fmt="json")
    response = HttpResponse(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="usager-{usager.pk}-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@supervisor_required
@require_GET
def export_document(request, pk: int):
    """The same content as a readable page, printable to PDF from the browser."""
    usager = _usager(pk)
    data = rgpd.export_usager(usager=usager, by=request.user, fmt="html")
    response = render(request, "crm/export_document.html", {"usager": usager, "data": data})
    response["Cache-Control"] = "no-store"
    return response


@supervisor_required
@require_http_methods(["GET", "POST"])
def erase(request, pk: int):
    usager = _usager(pk)
    form = EraseForm(request.POST or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            rgpd.erase_usager(usager=usager, by=request.user, reason="request")
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("L’usager n° %(pk)s a été anonymisé. Ses demandes "
                                        "restent comptées dans les statistiques.") % {"pk": pk})
            return redirect("crm:usager", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "crm/erase.html", {
        "usager": usager, "form": form, "errors": errors,
        "members": rgpd.merge_cluster(usager)}, status=status)

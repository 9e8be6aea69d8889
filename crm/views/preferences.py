"""The public preference page: no account, reached by the signed link in every message.

An expired, forged or unknown link gets a clear page explaining what to do (4xx, never a 500).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maison.selectors import communes

from .. import selectors
from ..models import ConsentChannel, Purpose
from ..services import (
    PreferenceLinkError,
    current_consent_text,
    preferences_token,
    read_preferences_token,
    read_short_code,
)
from ..services.preferences import SOURCE_PREFERENCE_LINK, update_preferences


def _link_problem(request, reason: str):
    status = 410 if reason == "expired" else 404 if reason == "unknown" else 400
    return render(request, "crm/preferences_link_problem.html",
                  {"reason": reason, "communes": communes()}, status=status)


def _rows(usager, texts):
    states = selectors.consent_states(usager)
    rows = []
    for purpose, label in Purpose.choices:
        rows.append({
            "purpose": purpose, "label": label, "text": texts.get(purpose),
            "channels": [{"channel": channel, "label": channel_label,
                          "name": f"{purpose}__{channel}",
                          "given": bool(states.get((purpose, channel))
                                        and states[(purpose, channel)].given)}
                         for channel, channel_label in ConsentChannel.choices],
        })
    return rows


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request, token: str):
    try:
        link = read_preferences_token(token)
    except PreferenceLinkError as problem:
        return _link_problem(request, problem.reason)
    usager = link.usager
    texts = {purpose: current_consent_text(purpose) for purpose in Purpose.values}
    saved = False
    if request.method == "POST":
        wanted = {(purpose, channel): request.POST.get(f"{purpose}__{channel}") == "oui"
                  for purpose in Purpose.values for channel in ConsentChannel.values}
        update_preferences(usager=usager, wanted=wanted, source=SOURCE_PREFERENCE_LINK,
                           texts=texts, proof={"via": "preferences_page",
                                               "link_issued_at": link.issued_at.isoformat()})
        saved = True
    response = render(request, "crm/preferences.html", {
        "usager": usager, "rows": _rows(usager, texts), "saved": saved})
    # The token must not leak to other sites (same-origin keeps the Origin header for CSRF).
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a form
@require_POST
def one_click(request, token: str, purpose: str):
    """One-click unsubscribe from a mail client: withdraws this purpose by email."""
    try:
        link = read_preferences_token(token)
    except PreferenceLinkError as problem:
        return _link_problem(request, problem.reason)
    if purpose not in Purpose.values:
        return _link_problem(request, "invalid")
    update_preferences(usager=link.usager, wanted={(purpose, ConsentChannel.EMAIL): False},
                       source=SOURCE_PREFERENCE_LINK,
                       proof={"via": "list_unsubscribe_one_click",
                              "link_issued_at": link.issued_at.isoformat()})
    return HttpResponse(_("Votre désinscription est enregistrée."),
                        content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
def short_link(request, code: str):
    """The short link sent by SMS leads to the full, signed preference page."""
    try:
        usager = read_short_code(code)
    except PreferenceLinkError as problem:
        return _link_problem(request, problem.reason)
    return redirect(reverse("crm:preferences", args=[preferences_token(usager)]))

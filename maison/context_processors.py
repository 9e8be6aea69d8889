from django.conf import settings

from . import roles

# url_name prefixes that belong to a secondary section of a room's namespace
_SECTIONS = {
    "guichet": [("raw-inbound", "entrees"), ("notices", "entrees"),
                ("knowledge", "connaissances")],
    "crm": [("duplicates", "doublons"), ("proposal", "doublons"), ("compare", "doublons"),
            ("merge", "doublons"), ("campaign", "campagnes")],
    "chatbot": [("agent", "chat"), ("supervision", "supervision-sophie")],
}
_DEFAULT_SECTION = {"guichet": "demandes", "crm": "usagers", "cockpit": "cockpit",
                    "surveys": "enquetes", "chatbot": "chat"}


def current_section(request) -> str:
    """Which menu entry the page belongs to, for aria-current in the navigation."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    for prefix, section in _SECTIONS.get(match.namespace, []):
        if (match.url_name or "").startswith(prefix):
            return section
    return _DEFAULT_SECTION.get(match.namespace, "")


def portal(request):
    user = getattr(request, "user", None)
    return {
        "mds_role": roles.role_of(user),
        "mds_handles_tickets": roles.handles_tickets(user),
        "mds_supervises": roles.supervises(user),
        "mds_section": current_section(request),
        "mds_public_base_url": settings.PUBLIC_BASE_URL,
    }

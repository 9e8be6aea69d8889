"""The four roles of the house, as Django groups, and the questions views ask about them."""

from django.utils.translation import gettext_lazy as _

AGENT = "agent"
SUPERVISEUR = "superviseur"
ELU = "elu"
ADMIN = "admin"

ROLE_LABELS = {
    AGENT: _("Agent"),
    SUPERVISEUR: _("Superviseur"),
    ELU: _("Élu"),
    ADMIN: _("Administrateur"),
}


def role_of(user) -> str | None:
    """The strongest role a user holds (admin > superviseur > agent > élu), or None."""
    if not user or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ADMIN
    names = _group_names(user)
    for role in (ADMIN, SUPERVISEUR, AGENT, ELU):
        if role in names:
            return role
    return None


def _group_names(user) -> set[str]:
    cached = getattr(user, "_mds_group_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._mds_group_names = cached
    return cached


def handles_tickets(user) -> bool:
    """Agents, supervisors and admins work on tickets and may see personal data."""
    return role_of(user) in (AGENT, SUPERVISEUR, ADMIN)


def supervises(user) -> bool:
    return role_of(user) in (SUPERVISEUR, ADMIN)


def sees_cockpit(user) -> bool:
    return role_of(user) in (ELU, SUPERVISEUR, ADMIN, AGENT)

"""Who may enter the back office: agents, supervisors and admins; élus get a 403."""

from maison import roles
from maison.permissions import RoleRequiredMixin


class AgentRequiredMixin(RoleRequiredMixin):
    """Anonymous visitors go to the login page; a logged-in élu gets 403."""

    allowed = staticmethod(roles.handles_tickets)


class SupervisorRequiredMixin(RoleRequiredMixin):
    allowed = staticmethod(roles.supervises)

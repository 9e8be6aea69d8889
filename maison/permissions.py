"""Permissions shared by the API and the back office."""

from django.contrib.auth.mixins import AccessMixin
from rest_framework.permissions import BasePermission

from . import roles


class IsStaffRole(BasePermission):
    """Agents, supervisors and admins: the people who may read personal data."""

    message = "Accès réservé aux agents du service."

    def has_permission(self, request, view):
        return roles.handles_tickets(request.user)


class IsSupervisor(BasePermission):
    message = "Accès réservé aux superviseurs."

    def has_permission(self, request, view):
        return roles.supervises(request.user)


class RoleRequiredMixin(AccessMixin):
    """Class-based view guard: `allowed` is a predicate from maison.roles."""

    allowed = staticmethod(roles.handles_tickets)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.allowed(request.user):
            self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

from django.conf import settings

from . import roles


def portal(request):
    user = getattr(request, "user", None)
    return {
        "mds_role": roles.role_of(user),
        "mds_handles_tickets": roles.handles_tickets(user),
        "mds_supervises": roles.supervises(user),
        "mds_public_base_url": settings.PUBLIC_BASE_URL,
    }

"""Who may open which CRM page: agents read and edit, supervisors export, erase and merge.

Élus never see personal data: every CRM page answers them 403 (the public preference page,
reached by a signed link, is the only page without an account).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from maison import roles


def _guard(predicate):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = _guard(roles.handles_tickets)
supervisor_required = _guard(roles.supervises)

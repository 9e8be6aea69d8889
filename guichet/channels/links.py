"""Absolute links sent to residents (acknowledgements, replies, SMS)."""

from django.conf import settings
from django.urls import reverse


def absolute(path: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{path}"


def tracking_url(ticket) -> str:
    """The public follow-up page of a ticket: reference plus its secret tracking code."""
    return absolute(reverse("public-tracking", args=[ticket.reference, ticket.tracking_code]))


def request_form_url() -> str:
    return absolute(reverse("public-request"))

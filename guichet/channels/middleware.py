"""Malformed vendor payloads get a 400 with a reason, never a 500 (webhook paths only).

Anymail's views parse the ESP's payload before our handlers run; a truncated JSON body or a
form post where JSON is expected raises inside Anymail. Our own processing never gets here: it
stores the raw input first and records its failures itself.
"""

import binascii
import email.errors
import logging

from django.http import JsonResponse

logger = logging.getLogger(__name__)
WEBHOOK_PREFIXES = ("/anymail/", "/webhooks/")
BAD_INPUT = (ValueError, KeyError, TypeError, AttributeError, IndexError, UnicodeError,
             binascii.Error, email.errors.MessageError)


class BadWebhookInput(ValueError):
    """Raised by our handlers for input they refuse (unknown event type, missing field)."""


class WebhookBadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not request.path.startswith(WEBHOOK_PREFIXES):
            return None
        from anymail.exceptions import AnymailConfigurationError

        if isinstance(exception, BadWebhookInput):
            reason = str(exception)
        elif isinstance(exception, AnymailConfigurationError):
            reason = "Ce contenu ne correspond pas à ce webhook (entrant ou suivi ?)."
        elif isinstance(exception, BAD_INPUT):
            reason = f"Contenu du webhook illisible ({type(exception).__name__})."
        else:
            return None
        logger.warning("webhook %s refused: %s", request.path, type(exception).__name__)
        return JsonResponse({"error": reason}, status=400)

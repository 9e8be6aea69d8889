"""Reopening a ticket when the usager answers that the request is not resolved.

The one place where surveys writes on guichet, and a deliberate, documented exception to
"surveys imports guichet selectors only": a ticket changes status only through guichet's
workflow service (transition rules, optimistic version, audit trail, live event, SLA), never
by an UPDATE from here. The alternatives were worse: a domain event on maison.events is
published after commit and may be lost (it feeds dashboards), and a hook registry would need
guichet to know about surveys. The call runs inside the answer's transaction: the answer and
the reopening are saved together or not at all.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from guichet import services as guichet_services  # deliberate exception, see above
from guichet import survey_selectors

logger = logging.getLogger(__name__)
REOPEN_STATUS = "en_cours"


def reopen_ticket(*, ticket_id: int, rating: int | None, comment: str) -> bool:
    """Put the ticket back in progress with an internal note; False when it cannot be."""
    ticket = survey_selectors.ticket_by_id(ticket_id)
    if ticket is None or ticket.is_open:
        return False
    try:
        guichet_services.change_status(ticket=ticket, status=REOPEN_STATUS)
    except ValidationError:
        logger.warning("ticket %s could not be reopened after its survey", ticket.reference)
        return False
    note = _("Rouverte automatiquement : l’usager a répondu à l’enquête que sa demande n’est "
             "pas résolue.")
    if rating:
        note += " " + _("Satisfaction : %(rating)s/5.") % {"rating": rating}
    if comment:
        note += "\n" + _("Commentaire : %(comment)s") % {"comment": comment}
    guichet_services.add_note(ticket=ticket, author=None, body=note)
    return True

"""Figures from the other rooms (Sophie, satisfaction surveys), read through their selectors.

Each room's indicators module may not exist yet on a given installation: the cockpit then
says "pas encore de données" instead of showing numbers it does not have.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging

from guichet.indicators import Scope

from .periods import Period

logger = logging.getLogger(__name__)


def _module(name: str):
    """The room's indicators module, or None while it has not been written."""
    if importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name)


def chatbot(period: Period, scope: Scope):
    module = _module("chatbot.indicators")
    if module is None:
        return None
    return module.conversation_figures(start=period.start, end=period.end,
                                       commune_id=scope.commune_id, theme_id=scope.theme_id)


def surveys(period: Period, scope: Scope):
    module = _module("surveys.indicators")
    if module is None:
        return None
    return module.satisfaction_figures(start=period.start, end=period.end,
                                       commune_id=scope.commune_id, theme_id=scope.theme_id,
                                       channel=scope.channel)

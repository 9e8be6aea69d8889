"""Sophie's dialogue: slots, follow-up questions, context across turns, requests, hand-off."""

from .flows import Hooks
from .policy import Outcome, photo_received, respond
from .reply import Reply
from .state import State

__all__ = ["Hooks", "Outcome", "Reply", "State", "photo_received", "respond"]

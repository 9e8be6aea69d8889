"""Sophie's language understanding: pure Python (stdlib + rapidfuzz), no Django, no ORM."""

from .engine import Engine
from .entities import Gazetteer
from .types import Address, Understanding

__all__ = ["Address", "Engine", "Gazetteer", "Understanding"]

"""The dialogue state kept on the conversation (JSON): what Sophie is doing and knows."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Slots that describe where the resident lives: remembered across intents.
ADDRESS_SLOTS = ("commune", "street", "street_id", "number")


@dataclass
class State:
    intent: str | None = None  # the intent being served (slots being collected)
    slots: dict = field(default_factory=dict)
    awaiting: str | None = None  # the slot or step Sophie asked for
    options: list = field(default_factory=list)  # clarification choices (intent ids)
    tries: int = 0  # failed answers to the current question
    fallbacks: int = 0  # consecutive messages not understood
    memory: dict = field(default_factory=dict)  # address and contact given earlier
    last_intent: str | None = None  # the last intent answered (for "et le verre ?")
    last_slots: dict = field(default_factory=dict)
    origin: str = ""  # the message that started the current intent
    photos: list = field(default_factory=list)  # seq of turns holding a photo
    rated: bool = False

    @classmethod
    def load(cls, data: dict | None) -> State:
        data = data or {}
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def dump(self) -> dict:
        return asdict(self)

    def start(self, intent: str, origin: str = "") -> None:
        self.intent = intent
        self.slots = {k: v for k, v in self.memory.items() if k in (*ADDRESS_SLOTS, "email",
                                                                     "phone")}
        self.awaiting = None
        self.options = []
        self.tries = 0
        self.origin = origin

    def finish(self) -> None:
        """The intent was served: remember it for follow-ups, forget the collection."""
        if self.intent:
            self.last_intent = self.intent
            self.last_slots = dict(self.slots)
        if self.slots.get("commune"):
            for key in ADDRESS_SLOTS:  # a new place replaces the whole remembered address
                self.memory.pop(key, None)
                if self.slots.get(key):
                    self.memory[key] = self.slots[key]
        for key in ("email", "phone"):
            if self.slots.get(key):
                self.memory[key] = self.slots[key]
        self.intent = None
        self.slots = {}
        self.awaiting = None
        self.options = []
        self.tries = 0
        self.origin = ""
        self.photos = []

    def reset(self) -> None:
        rated = self.rated
        self.__init__()
        self.rated = rated

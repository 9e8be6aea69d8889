"""What Sophie answers to one message."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Reply:
    text: str
    quick_replies: list[str] = field(default_factory=list)
    intent: str | None = None
    handoff: dict | None = None  # {"status": "waiting" | "agent" | "ended", "agent": first name}
    ticket: dict | None = None  # {"reference", "due_at", "link"}
    expects: str | None = None  # "photo" when the widget should offer the upload button
    review: bool = False  # Sophie did not understand or hesitated: show it to supervisors

    def then(self, other: Reply) -> Reply:
        """This reply followed by another one (their texts joined, the last buttons kept)."""
        text = "\n\n".join(t for t in (self.text, other.text) if t)
        return Reply(text=text, quick_replies=other.quick_replies or self.quick_replies,
                     intent=other.intent or self.intent, handoff=other.handoff or self.handoff,
                     ticket=other.ticket or self.ticket, expects=other.expects,
                     review=self.review or other.review)

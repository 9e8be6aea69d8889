"""Survey emails rendered once per batch, then filled in for each survey.

Within a batch, every email of a questionnaire says the same thing but for the reference, the
theme and the links. Rendering the Django templates for each of them cost more than the rest
of the sending together; so a batch renders each template once with markers in place of the
per-survey values (a "skeleton"), then replaces the markers with each survey's values.

A marker records whether the template escaped it (it carries a `&`, which autoescaping turns
into `&amp;`), so each value is escaped exactly as a full render would have escaped it. A
skeleton is checked once against the full rendering of the first survey that uses it; a template
that reads any other survey field, or transforms a per-survey value with a filter, fails that
check and is rendered in full for every survey instead.
"""

from __future__ import annotations

import logging
import re

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

_OPEN, _CLOSE = "\ue000", "\ue001"  # Unicode private use: never in our texts nor escaped
_MARKER = re.compile(f"{_OPEN}(\\w+)(&amp;|&){_CLOSE}")


def _marker(name: str) -> str:
    return f"{_OPEN}{name}&{_CLOSE}"


class _OtherField(Exception):
    """The template reads a survey field that is not filled in per survey."""


class _SurveyMarkers:
    """Stands in for the survey while a skeleton renders."""

    ticket_reference = _marker("reference")

    def __getattr__(self, name):
        raise _OtherField(name)


def _marked_links(links):
    """The same Links, each URL replaced by its marker (the labels stay: they are constants)."""
    return type(links)(
        answer=_marker("answer"),
        ratings=[(score, label, _marker(f"rating{score}")) for score, label, _ in links.ratings],
        stop=_marker("stop"),
        preferences=_marker("preferences") if links.preferences else None,
    )


def _values(survey, links, theme: str) -> dict[str, str]:
    values = {"reference": survey.ticket_reference, "answer": links.answer, "stop": links.stop,
              "preferences": links.preferences or "", "theme": theme}
    values.update({f"rating{score}": url for score, _, url in links.ratings})
    return values


def render_in_full(name: str, *, survey, template, links, theme: str, reminder: bool) -> str:
    return render_to_string(name, {"survey": survey, "template": template, "links": links,
                                   "reminder": reminder, "theme": theme})


class EmailRenderer:
    """One per batch of surveys; `render` gives exactly what `render_in_full` would."""

    def __init__(self):
        self._skeletons: dict[tuple, str | None] = {}
        # Skeletons are keyed by the questionnaire object (its texts may be unsaved defaults,
        # lazy translations slow to compare): hold each one so that its id is never reused.
        self._templates: dict[int, object] = {}

    def render(self, name: str, *, survey, template, links, theme: str, reminder: bool) -> str:
        self._templates.setdefault(id(template), template)
        key = (name, get_language(), reminder, bool(links.preferences), id(template))
        values = _values(survey, links, theme)
        if key not in self._skeletons:
            full = render_in_full(name, survey=survey, template=template, links=links,
                                  theme=theme, reminder=reminder)
            self._skeletons[key] = _checked_skeleton(name, template=template, links=links,
                                                     reminder=reminder, values=values, full=full)
            return full
        skeleton = self._skeletons[key]
        filled = _fill(skeleton, values) if skeleton is not None else None
        if filled is None:
            return render_in_full(name, survey=survey, template=template, links=links,
                                  theme=theme, reminder=reminder)
        return filled


def _checked_skeleton(name: str, *, template, links, reminder: bool, values: dict[str, str],
                      full: str) -> str | None:
    """The skeleton, if filling it for the first survey gives that survey's full rendering."""
    context = {"survey": _SurveyMarkers(), "template": template, "links": _marked_links(links),
               "reminder": reminder, "theme": _marker("theme")}
    try:
        skeleton = render_to_string(name, context)
    except _OtherField as field:
        logger.info("%s reads survey.%s: rendered in full for each survey", name, field)
        return None
    if _fill(skeleton, values) != full:  # e.g. a filter transformed a per-survey value
        logger.info("%s cannot be filled in: rendered in full for each survey", name)
        return None
    return skeleton


def _fill(skeleton: str, values: dict[str, str]) -> str | None:
    def value(match: re.Match) -> str:
        text = values[match.group(1)]
        return escape(text) if match.group(2) == "&amp;" else text

    try:
        return _MARKER.sub(value, skeleton)
    except KeyError:  # a marker we do not know (cannot happen with the markers above)
        return None

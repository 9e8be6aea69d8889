"""Small filters for the cockpit's templates (French numbers, shares, bar widths)."""

from django import template

from cockpit import charts, formatting

register = template.Library()


@register.filter
def number(value):
    return formatting.number(value)


@register.filter
def percent(value):
    return formatting.percent(value)


@register.filter
def duration(value):
    return formatting.duration(value)


@register.filter
def bar_width(count, largest):
    # A string: a float would be localised ("12,5") and break the SVG attribute.
    return str(charts.bar_width_percent(count or 0, largest or 0))


@register.filter
def first_response(sums, fraction):
    return formatting.duration(sums.first_response(float(fraction)))


@register.filter
def resolution(sums, fraction):
    return formatting.duration(sums.resolution(float(fraction)))


@register.filter
def complaint_resolution(sums, fraction):
    return formatting.duration(sums.complaint_resolution(float(fraction)))


@register.filter
def theme_label(names, pk):
    return names.theme(pk)


@register.filter
def commune_label(names, pk):
    return names.commune(pk)


@register.filter
def channel_label(code):
    from guichet.models import Channel

    return Channel(code).label if code in Channel.values else code

"""What every door needs to know about an HTTP request, whatever the room."""

from django.conf import settings


def client_address(request) -> str:
    """REMOTE_ADDR, or the address our own trusted proxies saw (X-Forwarded-For).

    Only the last MDS_TRUSTED_PROXY_COUNT hops are ours: anything before them was written by
    the client and could be forged to escape a rate limit."""
    trusted = settings.MDS_TRUSTED_PROXY_COUNT
    if trusted:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                if hop.strip()]
        if len(hops) >= trusted:
            return hops[-trusted]
    return request.META.get("REMOTE_ADDR", "") or "unknown"

"""crm's data, by topic: usagers and consent, duplicates and merges, audit, campaigns."""

from .audit import AccessLog
from .campaigns import CAMPAIGN_PURPOSES, Campaign, CampaignDelivery, PreferenceShortLink
from .merges import Merge, MergeProposal
from .usagers import (
    Category,
    Consent,
    ConsentChannel,
    ConsentText,
    ContactPoint,
    Purpose,
    TimelineEntry,
    Usager,
)

__all__ = [
    "CAMPAIGN_PURPOSES", "AccessLog", "Campaign", "CampaignDelivery", "Category", "Consent",
    "ConsentChannel", "ConsentText", "ContactPoint", "Merge", "MergeProposal",
    "PreferenceShortLink", "Purpose", "TimelineEntry", "Usager",
]

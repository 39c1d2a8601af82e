"""Campaigns: significant edges fused into one account graph, Leiden communities, and each
campaign's signal families, confidence and DISARM techniques."""

from .._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "._communities": ["CAMPAIGNS_QUERY", "CampaignConfig", "find_campaigns"],
        "._objects": ["FAMILIES", "campaign_objects"],
    },
)

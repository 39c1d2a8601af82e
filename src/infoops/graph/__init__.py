"""Graph: fuse coordination edges into one account graph, find communities and campaigns."""

from ._campaigns import CAMPAIGNS_QUERY, CampaignConfig, find_campaigns

__all__ = ["CAMPAIGNS_QUERY", "CampaignConfig", "find_campaigns"]

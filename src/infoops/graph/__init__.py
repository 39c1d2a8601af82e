"""Graph: fuse coordination edges into one account graph, find communities and campaigns."""

from ._campaigns import CampaignConfig, find_campaigns

__all__ = ["CampaignConfig", "find_campaigns"]

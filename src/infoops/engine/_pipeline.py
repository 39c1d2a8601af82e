"""The whole job, as a short list of calls: ingest, detect, find campaigns, write outputs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..detectors import CoordinationConfig, SignalSummary, detect_coordination
from ..graph import CampaignConfig, find_campaigns
from ..report import write_gexf, write_tables
from ._workspace import Workspace

log = logging.getLogger("infoops")


@dataclass
class CoordinationReport:
    signals: list[SignalSummary] = field(default_factory=list)
    campaigns: int = 0
    files: dict[str, int] = field(default_factory=dict)


def run_coordination(
    ws: Workspace,
    config: CoordinationConfig | None = None,
    campaign_config: CampaignConfig | None = None,
    out: Path | None = None,
    all_edges: bool = False,
    on_step: Callable[[str], None] | None = None,
) -> CoordinationReport:
    """Detect coordination in ``ws``, find campaigns and (with ``out``) write the files."""
    report = CoordinationReport()
    report.signals = detect_coordination(ws.con, config, on_signal=on_step)
    if on_step:
        on_step("communities")
    report.campaigns = find_campaigns(ws.con, campaign_config)
    if out is not None:
        if on_step:
            on_step("outputs")
        report.files = write_tables(ws.con, out, all_edges=all_edges)
        nodes, edges = write_gexf(ws.con, out / "network.gexf")
        report.files["network.gexf"] = nodes
    return report

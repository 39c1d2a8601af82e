"""Detectors: functions from workspace tables to evidence tables.

Each subpackage is one detector: ``coordination`` (accounts that act together),
``laundering`` (copied and translated articles), ``actors`` (state media amplified),
``narratives``, ``claims`` (known false claims) and ``integrity`` (election-integrity
tags). Nothing is imported here, so that a command loads only what it runs.
"""

"""Spike detection: is the last 5 minutes out of line with the hours before it?

Pure over window counts, so it is table-tested; tasks.detect_spike feeds it from
the mentions table and alerts the comms lead before anyone flips the switch.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    total: int
    negative: int

    @property
    def negative_share(self) -> float:
        return self.negative / self.total if self.total else 0.0


@dataclass(frozen=True)
class SpikeRules:
    volume_factor: float = 3.0  # the window holds 3x the baseline median...
    min_mentions: int = 30  # ...and at least this many: 3 against 1 is no crisis
    negative_share_rise: float = 0.25  # or the negative share rose by 25 points
    min_negative: int = 15


@dataclass(frozen=True)
class Spike:
    volume: int
    baseline_volume: float
    negative_share: float
    baseline_negative_share: float
    reasons: tuple[str, ...]
    signals: tuple[str, ...] = ()  # "volume", "negative": what rose

    @property
    def code(self) -> str:
        """The alert's code (triage/alert_texts.py): which of volume and negative share rose."""
        return "alert.spike_" + ("_".join(self.signals) or "volume")

    @property
    def params(self) -> dict[str, int | float]:
        def plain(x: float) -> int | float:
            return int(x) if float(x).is_integer() else round(x, 1)

        return {
            "volume": self.volume,
            "baseline": plain(self.baseline_volume),
            "negative": round(self.negative_share * 100),
            "baseline_negative": round(self.baseline_negative_share * 100),
        }

    @property
    def message(self) -> str:
        return "Mentions are spiking: " + "; ".join(self.reasons)


def detect_spike(current: Window, baseline: list[Window], rules: SpikeRules | None = None) -> Spike | None:
    """A spike if the current window's volume or negative share rose sharply against the baseline's median."""
    rules = rules or SpikeRules()
    volumes = [w.total for w in baseline] or [0]
    base_volume = statistics.median(volumes)
    shares = [w.negative_share for w in baseline if w.total]
    base_share = statistics.median(shares) if shares else 0.0
    reasons, signals = [], []
    if current.total >= rules.min_mentions and current.total >= rules.volume_factor * max(base_volume, 1):
        reasons.append(f"{current.total} mentions in 5 minutes against a usual {base_volume:g}")
        signals.append("volume")
    rise = current.negative_share - base_share
    if current.negative >= rules.min_negative and rise >= rules.negative_share_rise:
        reasons.append(f"{current.negative_share:.0%} negative against a usual {base_share:.0%}")
        signals.append("negative")
    if not reasons:
        return None
    return Spike(
        current.total, base_volume, current.negative_share, base_share, tuple(reasons), tuple(signals)
    )

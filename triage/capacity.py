"""How the team is keeping up: a pure function over counts, so the rules are table-tested.

"3 agents cannot answer 100 messages in 15 minutes": the panel says how long the
backlog takes at the current pace and how many more hands would clear it in time.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Counts:
    inflow: int  # mentions that arrived in the window
    handled: int  # mentions answered, resolved or dismissed in the window
    backlog: int  # unanswered now
    agents: int  # agents online now
    window_minutes: float = 10.0
    sla_minutes: float = 60.0  # the time the backlog should be cleared in


@dataclass(frozen=True)
class Capacity:
    in_per_min: float
    out_per_min: float
    backlog: int
    agents: int
    per_agent_per_min: float | None
    clear_minutes: int | None  # None: not shrinking at this pace
    more_hands: int | None  # extra agents needed to clear within the SLA; None: unknown pace
    keeping_up: bool

    def as_dict(self) -> dict:
        return asdict(self)


def capacity(counts: Counts) -> Capacity:
    window = max(counts.window_minutes, 1e-9)
    inflow, outflow = counts.inflow / window, counts.handled / window
    per_agent = outflow / counts.agents if counts.agents and outflow else None
    net = outflow - inflow
    if counts.backlog == 0:
        clear = 0
    elif net > 0:
        clear = math.ceil(counts.backlog / net)
    else:
        clear = None
    more = None
    if per_agent:
        # Agents needed so that (agents * pace - inflow) * sla >= backlog.
        needed = (counts.backlog / max(counts.sla_minutes, 1e-9) + inflow) / per_agent
        more = max(0, math.ceil(needed - 1e-9) - counts.agents)
    elif counts.backlog == 0 and inflow == 0:
        more = 0
    return Capacity(
        in_per_min=round(inflow, 1),
        out_per_min=round(outflow, 1),
        backlog=counts.backlog,
        agents=counts.agents,
        per_agent_per_min=round(per_agent, 2) if per_agent else None,
        clear_minutes=clear,
        more_hands=more,
        keeping_up=clear is not None and clear <= counts.sla_minutes,
    )

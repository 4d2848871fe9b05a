"""How a statement is reported: its voice (`per`), its modality (`mode`) and `same_as` chains.

Also the status words of an event (`status`).

Pure helpers for lowering (`reasoner.events.lowering`): the words the language accepts, the
default voice of a statement, and the cycles of `same_as` links.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

STATUSES = ("occurred", "announced", "planned", "cancelled", "denied", "conditional")
DEFAULT_STATUS = "occurred"

MODES = ("asserted", "reported", "likely", "unlikely", "possible", "denied")
DEFAULT_MODE = "asserted"

VOICE_KINDS = ("speaker", "outlet", "anonymous", "actor")
ANONYMOUS = "anonymous"

ALIGNMENT_KINDS = ("aligned", "opposed")
WITHDRAWAL_KINDS = ("withdrawn", "waived")
DEFAULT_WITHDRAWAL = "withdrawn"

# The part a pattern plays in its statement (`pattern_negated(statement, part)`), by clause.
PATTERN_PARTS = {
    "goal": "goal",
    "requires": "requirement", "only_if": "requirement", "unless": "requirement",
    "after": "requirement",
    "demands": "demand",
    "threat": "threat",
    "if": "condition",
    "then": "consequence",
}


def default_mode(status: str | None) -> str:
    """The mode of a statement written without `mode`: denied for an event with `status
    denied`, else asserted."""
    return "denied" if status == "denied" else DEFAULT_MODE


def default_voice(
    speakers: Sequence[str], sources: Sequence[str], outlets: Mapping[str, str]
) -> tuple[str, str]:
    """(voice_kind, voice) of a statement without `per`: its first speaker, else the outlet of
    its first cited source (the source id when the source names no outlet), else an unknown
    outlet ""."""
    if speakers:
        return "speaker", speakers[0]
    if sources:
        return "outlet", outlet_of(sources[0], outlets)
    return "outlet", ""


def outlet_of(source: str, outlets: Mapping[str, str]) -> str:
    return outlets.get(source) or source


def same_as_cycles(links: Mapping[str, str]) -> list[list[str]]:
    """Every cycle of `same_as` links (statement -> original), each listed from the statement
    that comes first in `links`' order; a statement linked to itself is a cycle of one."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []
    for start in links:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in links and node not in state:
            state[node] = 1
            path.append(node)
            node = links[node]
        if node is not None and state.get(node) == 1:
            cycle = path[path.index(node):]
            order = {name: index for index, name in enumerate(links)}
            first = min(range(len(cycle)), key=lambda i: order[cycle[i]])
            cycles.append(cycle[first:] + cycle[:first])
        for name in path:
            state[name] = 2
    return cycles

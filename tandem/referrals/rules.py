"""The referral lifecycle as data: which step moves which states, and which side takes it.

draft → sent → acknowledged → accepted or declined → started → completed, disengaged or
withdrawn, then an outcome summary. The receiving agency may accept straight from sent
(acknowledging is implied). The sending side may withdraw any open referral.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import ReferralState as S


@dataclass(frozen=True)
class Step:
    name: str
    to: S
    sources: frozenset[S]
    # "sender": the referring agency; "receiver": the agency the referral is to.
    side: str
    verb: str  # what the step does, for messages: "accepted", "completed", …
    needs_reason: bool = False


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step("send", S.SENT, frozenset({S.DRAFT}), "sender", "sent"),
        Step("acknowledge", S.ACKNOWLEDGED, frozenset({S.SENT}), "receiver", "acknowledged"),
        Step("accept", S.ACCEPTED, frozenset({S.SENT, S.ACKNOWLEDGED}), "receiver", "accepted"),
        Step(
            "decline",
            S.DECLINED,
            frozenset({S.SENT, S.ACKNOWLEDGED}),
            "receiver",
            "declined",
            needs_reason=True,
        ),
        Step("start", S.STARTED, frozenset({S.ACCEPTED}), "receiver", "started"),
        Step("complete", S.COMPLETED, frozenset({S.STARTED}), "receiver", "completed"),
        Step(
            "disengage",
            S.DISENGAGED,
            frozenset({S.ACCEPTED, S.STARTED}),
            "receiver",
            "closed as disengaged",
            needs_reason=True,
        ),
        Step(
            "withdraw",
            S.WITHDRAWN,
            frozenset({S.DRAFT, S.SENT, S.ACKNOWLEDGED, S.ACCEPTED, S.STARTED}),
            "sender",
            "withdrawn",
            needs_reason=True,
        ),
    )
}

# Engagement (and with it the receiving agency's sight of the record) runs from acceptance
# to the end.
ENGAGING_STEPS = frozenset({"accept"})
ENDING_STEPS = frozenset({"complete", "disengage", "withdraw"})


def refusal(step: Step, state: S) -> str:
    """Why a step cannot be taken from a state, in words a worker understands."""
    if state == step.to:
        return f"This referral has already been {step.verb}."
    return f"A referral that is {S(state).label.lower()} cannot be {step.verb}."


def steps_from(state: S, side: str) -> list[Step]:
    """The steps one side may take from a state, in lifecycle order."""
    return [s for s in STEPS.values() if state in s.sources and s.side == side]

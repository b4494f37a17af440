"""The coordinator's custody-suite instructions: one partnership-wide, two areas their own."""

from __future__ import annotations

from tandem.api.models import CustodyInstruction

from .organisation import Organisation

DEFAULT_INSTRUCTION = (
    "Inform the lead offender manager within 2 hours of arrest. If the person tests positive "
    "for a Class A drug, refer them to the DIP arrest referral worker before interview."
)
AREA_INSTRUCTIONS = {
    "A": (
        "Inform the North PPO team within 2 hours of arrest. Out of hours, leave a message "
        "with the team's duty desk and tell the duty inspector. Refer to the DIP arrest "
        "referral worker."
    ),
    "I": (
        "Central PPO: call the offender manager before any charge or bail decision, and "
        "refer to the DIP arrest referral worker."
    ),
}


def custody_instructions_create(org: Organisation) -> int:
    """Seed the coordinator's instructions as a coordinator would set them; return how many."""
    coordinator = org.staff.get("coordinator")
    rows = [CustodyInstruction(partnership=org.partnership, area=None, text=DEFAULT_INSTRUCTION)]
    rows += [
        CustodyInstruction(partnership=org.partnership, area=org.areas[code], text=text)
        for code, text in AREA_INSTRUCTIONS.items()
        if code in org.areas
    ]
    for row in rows:
        row.updated_by = coordinator
        row._history_user = coordinator  # type: ignore[attr-defined]
        row.save()
    return len(rows)

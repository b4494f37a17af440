"""The demo directory's services and the words workers write on referrals, by pathway.

Kept apart from the generator (tandem/demo/generator/referrals.py) so the logic reads short.
"""

from __future__ import annotations

from dataclasses import dataclass

from tandem.casework.pathways import Pathway
from tandem.referrals.models import HowReferred

P = Pathway


@dataclass(frozen=True)
class ServiceSpec:
    key: str
    agency_key: str
    name: str
    pathways: tuple[str, ...]
    offer: str
    eligibility: str
    accepts_current_drug_use: bool = True
    area_codes: tuple[str, ...] | None = None  # None: every area
    capacity: int | None = None
    how_referred: str = HowReferred.TANDEM
    referral_notes: str = ""


SERVICES = (
    ServiceSpec(
        "dip", "dip", "Arrest referral and drug assessment", (P.DRUGS_ALCOHOL,),
        "Assessment within two working days of a positive test on arrest or a referral; "
        "harm reduction advice, then onward referral into treatment and a DIP case worker "
        "until treatment starts.",
        "Adults who misuse Class A drugs, in custody or the community.",
        how_referred=HowReferred.TANDEM_AND_PHONE,
        referral_notes="For anyone tested positive on arrest today, phone the DIP duty "
        "worker as well, so the assessment is booked before they leave the station.",
    ),
    ServiceSpec(
        "treatment", "drugs", "Structured drug treatment", (P.DRUGS_ALCOHOL, P.HEALTH),
        "Substitute prescribing, key work, group work and blood-borne virus testing; an "
        "in-reach worker sees people in HMP Synthetic City before release.",
        "Adults using opiates, crack cocaine or other drugs, including those using now.",
    ),
    ServiceSpec(
        "abstinence", "drugs", "Abstinence day programme", (P.DRUGS_ALCOHOL,),
        "Twelve weeks of structured days: relapse prevention, peer support and aftercare.",
        "Adults who have been abstinent for at least four weeks and want to stay so.",
        accepts_current_drug_use=False, area_codes=("A", "B", "I"), capacity=16,
        how_referred=HowReferred.FORM_AND_TANDEM,
        referral_notes="Send the referral here; our own short assessment form follows by "
        "email and must come back within a week.",
    ),
    ServiceSpec(
        "options", "housing", "Housing options and homelessness prevention",
        (P.ACCOMMODATION,),
        "Homelessness assessment, temporary accommodation where there is a duty, hostel "
        "places and help to keep an existing home.",
        "Anyone homeless or at risk of homelessness with a local connection.",
    ),
    ServiceSpec(
        "release", "housing", "Prison release housing team", (P.ACCOMMODATION,),
        "A housing plan before release: priority banding, a bed on the day of release and "
        "move-on from the hostel.",
        "People due for release within 12 weeks who will live in Synthetic City.",
        how_referred=HowReferred.TANDEM_AND_PHONE,
        referral_notes="Refer 12 weeks before the release date; phone if release is within "
        "two weeks.",
    ),
    ServiceSpec(
        "welfare", "housing", "Welfare benefits and debt advice", (P.FINANCE,),
        "Benefit claims, ID documents, bank accounts, budgeting and debt advice.",
        "Residents of Synthetic City.",
    ),
    ServiceSpec(
        "supported", "landlord", "Supported tenancies for PPOs", (P.ACCOMMODATION,),
        "Self-contained flats with a support worker visiting weekly for the first year.",
        "Single adults ready to hold a tenancy; no current drug use.",
        accepts_current_drug_use=False, area_codes=("A", "B", "C", "I"), capacity=40,
        how_referred=HowReferred.TANDEM_AND_PHONE,
        referral_notes="Phone the allocations officer to talk about risk before referring.",
    ),
    ServiceSpec(
        "sustain", "landlord", "Tenancy sustainment", (P.ACCOMMODATION, P.FINANCE),
        "Help to keep a tenancy: rent arrears plans, neighbour disputes, furniture grants.",
        "Brightdoor tenants and people moving into a Brightdoor tenancy.",
    ),
    ServiceSpec(
        "skills", "ete", "Skills check and training places", (P.ETE,),
        "A skills check in the first week, literacy and numeracy, and places on "
        "construction, warehousing and catering courses.",
        "Adults 18 and over who are not in work or education.",
    ),
    ServiceSpec(
        "jobs", "ete", "Job brokerage with local employers", (P.ETE,),
        "Matching to vacancies with employers who take on people with convictions, and "
        "support in the first three months of work.",
        "Adults ready for work; employers test for drugs before starting.",
        accepts_current_drug_use=False, area_codes=("A", "B", "E", "I"), capacity=25,
    ),
    ServiceSpec(
        "mentoring", "mentoring1", "One-to-one mentoring", (P.ATTITUDES, P.HEALTH),
        "A trained volunteer mentor meets weekly, goes to appointments and helps with "
        "thinking before acting.",
        "Adults, including those with learning difficulties and drug dependency.",
    ),
    ServiceSpec(
        "family", "mentoring2", "Family and community mentoring", (P.FAMILY, P.ATTITUDES),
        "Mentors from the same communities support people and their families through "
        "custody, release and resettlement.",
        "Black and minority ethnic people in prison or recently released, and their families.",
    ),
)  # fmt: skip

# What each partner agency's existing work is, as (service key, pathway, weight).
AGENCY_WORK: dict[str, list[tuple[str, str, int]]] = {
    "dip": [("dip", P.DRUGS_ALCOHOL, 1)],
    "drugs": [("treatment", P.DRUGS_ALCOHOL, 8), ("treatment", P.HEALTH, 1),
              ("abstinence", P.DRUGS_ALCOHOL, 1)],
    "housing": [("options", P.ACCOMMODATION, 6), ("release", P.ACCOMMODATION, 3),
                ("welfare", P.FINANCE, 2)],
    "landlord": [("supported", P.ACCOMMODATION, 2), ("sustain", P.ACCOMMODATION, 2),
                 ("sustain", P.FINANCE, 1)],
    "ete": [("skills", P.ETE, 3), ("jobs", P.ETE, 1)],
    "mentoring1": [("mentoring", P.ATTITUDES, 4), ("mentoring", P.HEALTH, 1)],
    "mentoring2": [("family", P.FAMILY, 3), ("family", P.ATTITUDES, 1)],
}  # fmt: skip

# Services a need on each pathway is referred to, with weights.
PATHWAY_SERVICES: dict[str, list[tuple[str, int]]] = {
    P.DRUGS_ALCOHOL: [("treatment", 5), ("dip", 3), ("abstinence", 1)],
    P.ACCOMMODATION: [("options", 4), ("supported", 2), ("sustain", 1)],
    P.ETE: [("skills", 3), ("jobs", 2)],
    P.HEALTH: [("treatment", 1), ("mentoring", 2)],
    P.FINANCE: [("welfare", 3), ("sustain", 1)],
    P.FAMILY: [("family", 1)],
    P.ATTITUDES: [("mentoring", 3), ("family", 1)],
}

REASONS: dict[str, list[str]] = {
    P.ACCOMMODATION: [
        "No fixed abode: sofa-surfing with friends since the last arrest.",
        "Hostel place ends next month; needs move-on accommodation.",
        "Rent arrears of about £600 put the tenancy at risk.",
        "Cannot go back to the family home; needs somewhere to live away from old friends.",
    ],
    P.DRUGS_ALCOHOL: [
        "Positive for opiates on arrest; wants a script and key work.",
        "Using crack most days; agreed to an assessment.",
        "Continuing treatment started in custody; needs a community prescriber.",
        "Drinking heavily since losing work; wants help to cut down.",
    ],
    P.ETE: [
        "No qualifications; interested in construction and a CSCS card.",
        "Wants work; has a forklift licence from custody that has lapsed.",
        "Reading and writing are weak; would like help before any course.",
    ],
    P.HEALTH: [
        "Not registered with a GP; low mood and poor sleep.",
        "Hepatitis C test never followed up; anxious about health.",
    ],
    P.FINANCE: [
        "No bank account or ID; benefit claim needed on release.",
        "Debts to payday lenders; borrowing from people he owes.",
    ],
    P.FAMILY: [
        "Wants contact with his children rebuilt; family are willing to meet.",
        "Relationship with his mother broke down while in custody.",
    ],
    P.ATTITUDES: [
        "Impulsive and easily led by peers; agreed to weekly mentoring.",
        "Needs someone outside the system to talk to; agreed to a mentor.",
    ],
}
DECLINE_REASONS = [
    "Not eligible: no local connection to Synthetic City.",
    "Service full: a waiting list of eight weeks. Re-refer in the new year.",
    "Already open to another of our teams; passed to them directly.",
    "Risk information needed before we can place; please phone to discuss.",
]
NOT_CLEAN_REASON = "Not eligible while using drugs: re-refer once stable in treatment."
WITHDRAW_REASONS = [
    "Recalled to prison.",
    "Moved out of the partnership area.",
    "Remanded in custody; will refer again on release.",
    "He asked not to go ahead for now.",
]
DISENGAGE_REASONS = [
    "Did not attend three appointments in a row; letters unanswered.",
    "Stopped engaging after a relapse.",
    "Not seen for six weeks; phone disconnected.",
]
PROGRESS: dict[str, list[str]] = {
    P.ACCOMMODATION: [
        "Assessment done; priority banding awarded. Bidding each week.",
        "Viewed a one-bedroom flat; offer expected.",
        "Moved in; furniture grant applied for. Rent paid on time so far.",
        "Hostel keyworker reports he is keeping to the rules.",
    ],
    P.DRUGS_ALCOHOL: [
        "Assessed; started on a methadone script, daily pick-up.",
        "Attending key work fortnightly; urine tests mostly negative.",
        "Missed one appointment, seen the next day; script reduced.",
        "Joined the relapse prevention group; attending well.",
    ],
    P.ETE: [
        "Skills check done: entry level 3 literacy. Starts the CSCS course Monday.",
        "Attending the course four days a week.",
        "Interview arranged with a local building firm.",
    ],
    P.HEALTH: [
        "Registered with a GP; health check booked.",
        "Seen by the nurse; referred for a blood test.",
    ],
    P.FINANCE: [
        "Universal Credit claim made; ID ordered.",
        "Bank account opened; budget plan agreed.",
    ],
    P.FAMILY: [
        "Met with his mother and sister; another meeting planned.",
        "Supervised contact with his children arranged through the family centre.",
    ],
    P.ATTITUDES: [
        "Met the mentor at the library; talked about the week.",
        "Went with his mentor to the probation appointment.",
        "Talked through a row with a neighbour and how he handled it.",
    ],
}
OUTCOMES: dict[str, str] = {
    P.ACCOMMODATION: "Tenancy signed and settled; tenancy support in place.",
    P.DRUGS_ALCOHOL: "Completed structured treatment; tests negative at discharge.",
    P.ETE: "Completed the course and started work with a local employer.",
    P.HEALTH: "Registered with a GP and seen; follow-up booked.",
    P.FINANCE: "Benefits in payment; a debt plan agreed with creditors.",
    P.FAMILY: "Regular contact with his children; the family asked for no more sessions.",
    P.ATTITUDES: "Mentoring ended as planned after six months; he keeps in touch.",
}
ENDED_OUTCOME = "Closed without completing; the door is open to a new referral."

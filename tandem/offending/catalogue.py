"""The default offence catalogue and gravity scale that ship with Tandem.

Gravity is an ordinal scale of relative seriousness from 1 (least) to 10 (most), set by
banding the sentencing-guideline starting point for a first offender: the basis of the
Cambridge Crime Harm Index (Sherman, Neyroud & Neyroud 2016), which scores an offence by
the days of custody at that starting point. The bands:

    1  a fine or discharge            6  up to 1 year's custody
    2  a low-level community order    7  1 to 3 years
    3  a medium community order       8  3 to 5 years
    4  a high-level community order   9  5 to 10 years
    5  a short custodial sentence     10 over 10 years, or life

The banding is a judgement a partnership should review; administrators edit the gravity
of any offence type. Home Office offence codes are given only where the classification is
well established; a partnership adds its own.
"""

from __future__ import annotations

from django.db import models

from .ogrs3 import Ogrs3Group as G


class DisplayCategory(models.TextChoices):
    VIOLENCE = "violence", "Violence"
    SEXUAL = "sexual", "Sexual offences"
    ROBBERY = "robbery", "Robbery"
    BURGLARY = "burglary", "Burglary"
    THEFT = "theft", "Theft and handling"
    VEHICLE = "vehicle", "Vehicle crime"
    DAMAGE = "damage", "Criminal damage and arson"
    DRUGS = "drugs", "Drug offences"
    PUBLIC_ORDER = "public_order", "Public order and weapons"
    FRAUD = "fraud", "Fraud and forgery"
    MOTORING = "motoring", "Motoring"
    JUSTICE = "justice", "Bail and court orders"
    OTHER = "other", "Other"


C = DisplayCategory

# code, name, Home Office code, display category, OGRS3 group, gravity, recordable, drug-related
DEFAULT_OFFENCE_TYPES: list[tuple[str, str, str, str, str, int, bool, bool]] = [
    ("HOMICIDE", "Murder or manslaughter", "", C.VIOLENCE, G.VIOLENCE, 10, True, False),
    ("GBH", "Wounding or grievous bodily harm", "", C.VIOLENCE, G.VIOLENCE, 8, True, False),
    ("ABH", "Assault occasioning actual bodily harm", "", C.VIOLENCE, G.VIOLENCE, 6, True, False),
    ("ASSAULT-EMERG", "Assault on an emergency worker", "", C.VIOLENCE, G.VIOLENCE, 4, True, False),
    ("COMMON-ASSAULT", "Common assault", "", C.VIOLENCE, G.VIOLENCE, 3, True, False),
    ("HARASSMENT", "Harassment or stalking", "", C.VIOLENCE, G.PUBLIC_ORDER, 4, True, False),
    ("RAPE", "Rape", "", C.SEXUAL, G.SEXUAL_ADULT, 10, True, False),
    ("SEX-ASSAULT", "Sexual assault", "", C.SEXUAL, G.SEXUAL_ADULT, 7, True, False),
    ("SEX-CHILD", "Sexual offence against a child", "", C.SEXUAL, G.SEXUAL_CHILD, 9, True, False),
    ("ROBBERY-PERSONAL", "Robbery of personal property", "34B", C.ROBBERY, G.ROBBERY, 7, True, False),
    ("ROBBERY-BUSINESS", "Robbery of business property", "34A", C.ROBBERY, G.ROBBERY, 8, True, False),
    ("BURGLARY-DWELLING", "Burglary in a dwelling", "", C.BURGLARY, G.BURGLARY_DOMESTIC, 6, True, False),
    ("BURGLARY-AGG", "Aggravated burglary", "", C.BURGLARY, G.BURGLARY_DOMESTIC, 9, True, False),
    ("BURGLARY-OTHER", "Burglary other than a dwelling", "", C.BURGLARY, G.BURGLARY_OTHER, 4, True, False),
    ("THEFT-PERSON", "Theft from the person", "39", C.THEFT, G.THEFT, 4, True, False),
    ("SHOPLIFTING", "Theft from a shop", "46", C.THEFT, G.THEFT, 2, True, False),
    ("THEFT-CYCLE", "Theft of a pedal cycle", "", C.THEFT, G.THEFT, 2, True, False),
    ("THEFT-OTHER", "Other theft", "", C.THEFT, G.THEFT, 2, True, False),
    ("HANDLING", "Handling stolen goods", "54", C.THEFT, G.HANDLING, 3, True, False),
    ("THEFT-FROM-VEHICLE", "Theft from a vehicle", "45", C.VEHICLE, G.THEFT_FROM_VEHICLES, 3, True, False),
    ("VEHICLE-INTERFERENCE", "Interfering with a vehicle", "", C.VEHICLE, G.THEFT_FROM_VEHICLES, 2, True, False),
    ("TWOC", "Taking a vehicle without consent", "", C.VEHICLE, G.TAKING_VEHICLES, 3, True, False),
    ("TWOC-AGG", "Aggravated vehicle taking", "", C.VEHICLE, G.TAKING_VEHICLES, 5, True, False),
    ("CRIMINAL-DAMAGE", "Criminal damage", "", C.DAMAGE, G.CRIMINAL_DAMAGE, 2, True, False),
    ("ARSON", "Arson", "", C.DAMAGE, G.CRIMINAL_DAMAGE, 6, True, False),
    ("DRUG-POSS-A", "Possession of a class A drug", "", C.DRUGS, G.DRUG_POSSESSION_SUPPLY, 3, True, True),
    ("DRUG-POSS-BC", "Possession of a class B or C drug", "", C.DRUGS, G.DRUG_POSSESSION_SUPPLY, 1, True, True),
    ("DRUG-SUPPLY-A", "Supplying a class A drug", "", C.DRUGS, G.DRUG_POSSESSION_SUPPLY, 7, True, True),
    ("DRUG-PRODUCTION", "Producing or cultivating a controlled drug", "", C.DRUGS, G.DRUG_PRODUCTION, 5, True, True),
    ("AFFRAY", "Affray", "", C.PUBLIC_ORDER, G.PUBLIC_ORDER, 4, True, False),
    ("PUBLIC-FEAR", "Fear or provocation of violence", "", C.PUBLIC_ORDER, G.PUBLIC_ORDER, 3, True, False),
    ("PUBLIC-ALARM", "Causing harassment, alarm or distress", "", C.PUBLIC_ORDER, G.PUBLIC_ORDER, 1, True, False),
    ("WEAPON", "Possessing an offensive weapon or bladed article", "", C.PUBLIC_ORDER, G.OTHER, 5, True, False),
    ("FRAUD", "Fraud by false representation", "", C.FRAUD, G.FRAUD, 3, True, False),
    ("FORGERY", "Forgery or using a false instrument", "", C.FRAUD, G.FRAUD, 3, True, False),
    ("BAIL", "Failing to surrender to bail", "", C.JUSTICE, G.ABSCONDING, 1, True, False),
    ("BREACH", "Breach of a court order", "", C.JUSTICE, G.OTHER, 2, True, False),
    ("DRINK-DRIVING", "Driving with excess alcohol", "", C.MOTORING, G.DRINK_DRIVING, 2, True, False),
    ("DRIVING-DISQUALIFIED", "Driving while disqualified", "", C.MOTORING, G.OTHER_MOTORING, 2, True, False),
    ("DANGEROUS-DRIVING", "Dangerous driving", "", C.MOTORING, G.OTHER_MOTORING, 4, True, False),
    ("NO-INSURANCE", "Driving without insurance", "", C.MOTORING, G.OTHER_MOTORING, 1, False, False),
    ("SOLICITING", "Soliciting or kerb crawling", "", C.OTHER, G.SOLICITING, 1, True, False),
    ("OTHER", "Other offence", "", C.OTHER, G.OTHER, 2, True, False),
]  # fmt: skip

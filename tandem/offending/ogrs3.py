"""OGRS3 offence groups and their weights (reference/ogrs3.md: Howard et al. 2009)."""

from __future__ import annotations

from django.db import models


class Ogrs3Group(models.TextChoices):
    """The current-offence categories of OGRS3 (values as tandem.selection.ogrs3 takes them)."""

    VIOLENCE = "violence", "Violence against the person"
    ROBBERY = "robbery", "Robbery"
    PUBLIC_ORDER = "public_order", "Public order, harassment"
    SEXUAL_ADULT = "sexual_not_child", "Sexual (not against a child)"
    SEXUAL_CHILD = "sexual_child", "Sexual (against a child)"
    SOLICITING = "soliciting", "Soliciting, prostitution"
    BURGLARY_DOMESTIC = "burglary_domestic", "Burglary (domestic)"
    BURGLARY_OTHER = "burglary_other", "Burglary (other)"
    THEFT = "theft_non_motor", "Theft (non-motor)"
    OTHER = "other", "Other offence"
    HANDLING = "handling", "Handling stolen goods"
    FRAUD = "fraud_forgery", "Fraud and forgery"
    ABSCONDING = "absconding_bail", "Absconding, bail offences"
    TAKING_VEHICLES = "taking_driving_away", "Taking and driving away, related"
    THEFT_FROM_VEHICLES = "theft_from_vehicle", "Theft from vehicles"
    DRINK_DRIVING = "drink_driving", "Drink driving"
    OTHER_MOTORING = "other_motoring", "Other motoring"
    CRIMINAL_DAMAGE = "criminal_damage", "Criminal damage"
    DRUG_PRODUCTION = "drug_import_export_production", "Drug import, export, production"
    DRUG_POSSESSION_SUPPLY = "drug_possession_supply", "Drug possession, supply"


# The offence term of the OGRS3 formula, per group.
OFFENCE_WEIGHTS: dict[str, float] = {
    Ogrs3Group.VIOLENCE: 0.0,
    Ogrs3Group.ROBBERY: -0.634795912,
    Ogrs3Group.PUBLIC_ORDER: 0.181917975,
    Ogrs3Group.SEXUAL_ADULT: 0.003276327,
    Ogrs3Group.SEXUAL_CHILD: -0.653434071,
    Ogrs3Group.SOLICITING: 0.760608858,
    Ogrs3Group.BURGLARY_DOMESTIC: -0.12394352,
    Ogrs3Group.BURGLARY_OTHER: 0.240604429,
    Ogrs3Group.THEFT: 0.661244321,
    Ogrs3Group.OTHER: -0.060667525,
    Ogrs3Group.HANDLING: 0.351866973,
    Ogrs3Group.FRAUD: 0.159910192,
    Ogrs3Group.ABSCONDING: 0.733378677,
    Ogrs3Group.TAKING_VEHICLES: 0.380059431,
    Ogrs3Group.THEFT_FROM_VEHICLES: 0.427225615,
    Ogrs3Group.DRINK_DRIVING: -0.121439408,
    Ogrs3Group.OTHER_MOTORING: 0.262228428,
    Ogrs3Group.CRIMINAL_DAMAGE: 0.204960477,
    Ogrs3Group.DRUG_PRODUCTION: -0.795556373,
    Ogrs3Group.DRUG_POSSESSION_SUPPLY: 0.077165871,
}

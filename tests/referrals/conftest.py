"""Referral fixtures: a directory with a housing service and a drug service in area A."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tandem.casework.pathways import Pathway
from tandem.core.models import Agency
from tandem.referrals.models import PartnerService


@dataclass
class Directory:
    housing: PartnerService
    drugs: PartnerService
    housing_b: PartnerService


@pytest.fixture
def directory(cast) -> Directory:
    housing_agency = Agency.objects.get(name="Test Housing")
    drug_agency = Agency.objects.get(name="Test Drug Service")

    def make(agency: Agency, name: str, pathways: list[str], area, **extra) -> PartnerService:
        service = PartnerService.objects.create(
            agency=agency, name=name, pathways=pathways, offer=f"{name}: what it offers",
            contact="0100 000 0000", **extra,
        )  # fmt: skip
        service.areas.set([area])
        return service

    housing = make(
        housing_agency, "Housing options", [Pathway.ACCOMMODATION], cast.area_a,
        accepts_current_drug_use=False,
    )  # fmt: skip
    return Directory(
        housing=housing,
        drugs=make(drug_agency, "Structured treatment", [Pathway.DRUGS_ALCOHOL], cast.area_a),
        housing_b=make(housing_agency, "Housing options B", [Pathway.ACCOMMODATION], cast.area_b),
    )

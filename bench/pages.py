"""Server time of the main pages at demo scale, on PostgreSQL.

Builds the demo city (10,000 people as `make demo` does, or --people N) in a throwaway
PostgreSQL (or DATABASE_URL), then times each page through Django's test client, signed
in as the demo police offender manager. The reference is the sign-in page rendered in the
same process: a page with the same template and middleware but no data, so the ratio shows
what the data costs whatever the machine's speed.

    uv run python bench/pages.py [--people 10000] [--repeat 50]
"""

from __future__ import annotations

import argparse
import statistics
import time

from support import django_on_postgres, stop


def _time(client: object, path: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    server = django_on_postgres()
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tandem.appointments.models import Appointment
    from tandem.core.access import people_for
    from tandem.core.models import User
    from tandem.demo.generator import generate_city
    from tandem.forums.models import Meeting, MeetingStatus
    from tandem.referrals.models import Referral

    if not User.objects.filter(username="om.police").exists():
        generate_city(people=args.people)
    user = User.objects.get(username="om.police")
    person = people_for(user).order_by("pk").first()
    assert person is not None

    area_meetings = Meeting.objects.filter(area__in=user.areas.all())
    next_meeting = area_meetings.filter(status=MeetingStatus.SCHEDULED).order_by("starts_at")[0]
    held_meeting = area_meetings.filter(status=MeetingStatus.HELD).order_by("-starts_at")[0]

    def signed_in(who: User) -> Client:
        signed = Client()
        signed.force_login(who)
        device, _ = TOTPDevice.objects.get_or_create(user=who, name="bench", confirmed=True)
        session = signed.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return signed

    client = signed_in(user)
    partner = signed_in(User.objects.get(username="partner.drugs"))
    coordinator = signed_in(User.objects.get(username="coordinator"))
    anonymous = Client()
    referral = Referral.objects.filter(person__in=people_for(user)).order_by("-pk").first()
    diary_person = (
        Appointment.objects.filter(person__in=people_for(user)).order_by("person_id").first()
    )
    assert referral is not None and diary_person is not None
    appointment = Appointment.objects.filter(person=diary_person.person).order_by("-pk").first()
    assert appointment is not None

    def results_url(text: str) -> str:
        """Search text is posted once and kept in the session; its results page is a GET."""
        return str(client.post("/people/", {"q": text})["Location"])

    pages = {
        "home": "/",
        "search (surname prefix)": results_url(person.last_name[:3]),
        "search (date of birth)": results_url(f"{person.date_of_birth:%d/%m/%Y}"),
        "person page": f"/people/{person.pk}/",
        "change history": f"/people/{person.pk}/history/",
        "sharing protocol": "/protocol/",
        "candidates (ranked lists)": str(client.get("/selection/runs/latest/")["Location"]),
        "nominations": "/selection/nominations/",
        "cohort, partnership": "/cohort/",
        "cohort, area": f"/cohort/{user.areas.order_by('code')[0].pk}/",
        "forums": "/forums/",
        "forum with agenda": f"/forums/{next_meeting.pk}/",
        "forum held (minutes)": f"/forums/{held_meeting.pk}/minutes/",
        "minutes PDF": f"/forums/{held_meeting.pk}/minutes.pdf",
        "caseload": "/casework/caseload/",
        "referrals sent": "/referrals/sent/",
        "a referral": f"/referrals/{referral.pk}/",
        "service directory": "/referrals/directory/",
        "a person's diary": f"/appointments/people/{diary_person.person_id}/",
        "an appointment": f"/appointments/{appointment.pk}/",
        "enforcement decisions": "/appointments/enforcement/",
        "attendance": "/appointments/attendance/",
    }
    # Pages other roles use: the partner's inbox (their home) and the coordinator's reports.
    others = {
        "partner home (inbox)": (partner, "/"),
        "partner inbox, all": (partner, "/referrals/?show=all"),
        "referral flows (coordinator)": (coordinator, "/referrals/reports/flows/"),
        "drug treatment panel, names": (coordinator, "/referrals/reports/treatment/?names=yes"),
    }
    for path in [*pages.values(), "/sign-in/"]:  # warm caches and templates
        (anonymous if path == "/sign-in/" else client).get(path)
    for who, path in others.values():
        who.get(path)

    reference = statistics.median(_time(anonymous, "/sign-in/", args.repeat))
    print(f"demo scale: {args.people} people; {args.repeat} requests a page; PostgreSQL")
    print(f"reference (sign-in page, no data): median {reference:.1f} ms")
    print(f"{'page':28} {'median ms':>10} {'p95 ms':>8} {'ratio':>6}")
    timed = [(name, client, path) for name, path in pages.items()]
    timed += [(name, who, path) for name, (who, path) in others.items()]
    for name, who, path in timed:
        times = sorted(_time(who, path, args.repeat))
        median = statistics.median(times)
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"{name:28} {median:10.1f} {p95:8.1f} {median / reference:6.1f}")
    stop(server)


if __name__ == "__main__":
    main()

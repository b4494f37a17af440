"""Custody check under load: 100,000 people, gunicorn on PostgreSQL, 50 concurrent clients.

Builds the synthetic city once (100,000 people) in a PostgreSQL kept in var/bench-custody-pg
(or uses DATABASE_URL), issues an API token to a custody-officer service account, starts
gunicorn as production runs it (TANDEM_MODE=production, persistent database connections),
then sends a fixed number of custody checks from 50 concurrent clients on loopback: a mix of
PNC numbers of PPOs and of other people, names with dates of birth, and misses. Each check
writes its access event, as in production. Then the health endpoint, the same way.

Before the load, the same checks one at a time give the service time: what one check costs
when nothing queues. The last line is the figure the issue asks for.

    uv run python bench/custody_check.py [--requests 5000] [--clients 50]
                                         [--workers 2] [--threads 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from support import ROOT, django_on_postgres, stop

PURPOSES = ["arrest", "voluntary_attendance", "arrest_referral", "charge_bail"]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _city(people: int) -> None:
    from tandem.people.models import Person

    if Person.objects.count() < people * 0.9:
        from tandem.demo.generator import generate_city, reset_database

        print(f"building the synthetic city with {people:,} people (once)...", flush=True)
        reset_database()
        generate_city(people=people)


def _token() -> str:
    """A fresh token for a custody-officer service account; earlier bench tokens revoked."""
    from tandem.api.models import ApiToken, CustodyInstruction
    from tandem.api.services import api_token_create, api_token_revoke
    from tandem.core.models import Agency, AgencyKind, Partnership, Role, User

    partnership = Partnership.objects.order_by("pk").first()
    assert partnership is not None
    # A city built before the instructions step existed gets the default one here.
    if not CustodyInstruction.objects.filter(area__isnull=True).exists():
        CustodyInstruction.objects.create(
            partnership=partnership, area=None, text="Inform the offender manager within 2 hours"
        )
    user, _ = User.objects.get_or_create(
        username="custody-system.bench",
        defaults={
            "role": Role.CUSTODY_OFFICER,
            "agency": Agency.objects.filter(kind=AgencyKind.POLICE).order_by("pk").first(),
        },
    )
    for old in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
        api_token_revoke(actor=None, token=old)
    return api_token_create(actor=None, user=user, name="bench/custody_check.py")[1]


def _bodies(count: int, seed: int = 2005) -> list[dict[str, Any]]:
    """Requests in a fixed mix: a fifth each PNC of a PPO, PNC of someone else, name and
    date of birth of a PPO, name and date of birth of someone else; a tenth each misses by
    PNC and by name."""
    from tandem.cohort.models import Membership
    from tandem.people.models import Identifier, IdentifierKind, Person

    rng = random.Random(seed)
    member_ids = list(
        Membership.objects.filter(end_date__isnull=True).values_list("person_id", flat=True)
    )
    pncs = dict(
        Identifier.objects.filter(kind=IdentifierKind.PNC).values_list("person_id", "value")
    )
    members = [p for p in member_ids if p in pncs]
    others = rng.sample(sorted(set(pncs) - set(member_ids)), 2000)
    named = {
        p.pk: p
        for p in Person.objects.filter(pk__in=[*members, *others]).only(
            "first_name", "last_name", "date_of_birth"
        )
    }

    def by_name(person_id: int) -> dict[str, Any]:
        p = named[person_id]
        return {"first_name": p.first_name, "last_name": p.last_name,
                "date_of_birth": p.date_of_birth.isoformat()}  # fmt: skip

    bodies = []
    for i in range(count):
        kind = i % 10
        if kind in (0, 1):
            body: dict[str, Any] = {"pnc": pncs[rng.choice(members)]}
        elif kind in (2, 3):
            body = {"pnc": pncs[rng.choice(others)]}
        elif kind in (4, 5):
            body = by_name(rng.choice(members))
        elif kind in (6, 7):
            body = by_name(rng.choice(others))
        elif kind == 8:
            body = {"pnc": f"1990/{rng.randint(0, 9_999_999):07d}Z"}
        else:
            born = f"19{rng.randint(60, 99)}-0{rng.randint(1, 9)}-1{i % 10}"
            body = {"first_name": "Nobody", "last_name": f"Known{rng.randint(0, 10**6)}",
                    "date_of_birth": born}  # fmt: skip
        body["purpose"] = PURPOSES[i % len(PURPOSES)]
        bodies.append(body)
    rng.shuffle(bodies)
    return bodies


def _start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TANDEM_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # One connection per worker thread, kept between requests.
        "DATABASE_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
    }
    worker = ["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), *worker,
        "--keep-alive", "30", "--backlog", "256", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our own arguments
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def _cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its children (the gunicorn workers)."""
    total = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


async def _load(
    url: str, token: str, bodies: list[dict[str, Any]] | None, count: int, clients: int
) -> tuple[list[float], float, dict[str, int]]:
    """`count` requests from `clients` clients, each sending its next as soon as one returns."""
    import aiohttp

    latencies: list[float] = []
    statuses: dict[str, int] = {}
    next_index = 0
    headers = {"Authorization": f"Bearer {token}"}

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal next_index
        while next_index < count:
            i = next_index
            next_index += 1
            started = time.perf_counter()
            if bodies is None:
                async with session.get(url) as response:
                    await response.read()
                    key = str(response.status)
            else:
                async with session.post(url, json=bodies[i % len(bodies)]) as response:
                    answer = await response.json()
                    key = answer.get("status", str(response.status))
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[key] = statuses.get(key, 0) + 1

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return latencies, elapsed, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="over 1: gthread workers")
    parser.add_argument("--port", type=int, default=8047)
    args = parser.parse_args()

    server = django_on_postgres(keep_in=ROOT / "var" / "bench-custody-pg")
    from django.db import connection

    _city(args.people)
    token = _token()
    bodies = _bodies(args.requests)
    connection.close()  # the bench process holds no connection while gunicorn runs

    gunicorn = _start_gunicorn(args.port, args.workers, args.threads)
    check_url = f"http://127.0.0.1:{args.port}/api/v1/custody-check/"
    health_url = f"http://127.0.0.1:{args.port}/health/"
    try:
        asyncio.run(_load(check_url, token, bodies, 500, args.clients))  # warm every worker
        one, _, _ = asyncio.run(_load(check_url, token, bodies, 500, 1))
        print(f"service time (1 client, 500 checks): p50 {statistics.median(one):.1f} ms, "
              f"p99 {_percentile(one, 0.99):.1f} ms")  # fmt: skip
        cpu_before = _cpu_seconds(gunicorn.pid)
        latencies, elapsed, statuses = asyncio.run(
            _load(check_url, token, bodies, args.requests, args.clients)
        )
        server_cpu = (_cpu_seconds(gunicorn.pid) - cpu_before) / args.requests * 1000
        asyncio.run(_load(health_url, token, None, 500, args.clients))
        _, health_elapsed, _ = asyncio.run(
            _load(health_url, token, None, args.requests, args.clients)
        )
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    rate = args.requests / elapsed
    print(
        f"{args.people:,} people; {args.requests:,} checks from {args.clients} clients; "
        f"gunicorn {args.workers} workers x {args.threads} threads on {os.cpu_count()} cores"
    )
    print(f"gunicorn CPU per check: {server_cpu:.1f} ms (PostgreSQL and the clients not included)")
    print("answers: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    print(f"Little's law: {args.clients} clients / {rate:.0f} req/s = "
          f"{args.clients / rate * 1000:.1f} ms mean time in the system")  # fmt: skip
    stop(server)
    print(
        f"custody check: p50 {statistics.median(latencies):.1f} ms, "
        f"p99 {_percentile(latencies, 0.99):.1f} ms, {rate:.0f} req/s; "
        f"health endpoint: {args.requests / health_elapsed:.0f} req/s"
    )


if __name__ == "__main__":
    main()

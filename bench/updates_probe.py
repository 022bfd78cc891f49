"""Database-side steps of the updates benchmark, in a child process with the site's settings.

    python -m bench.updates_probe seed N       # N confirmed signatures that asked for updates, and a started update
    python -m bench.updates_probe progress     # the update's status and its recipients by state

Each prints one JSON line.
"""

import json
import os
import sys
import time
import uuid

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.auth.models import Permission, User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import probe  # noqa: E402
from signatures.emails import email_hash  # noqa: E402
from signatures.models import Signature  # noqa: E402
from updates import services  # noqa: E402
from updates.models import Update  # noqa: E402

BODY = """The city council votes on the ShotSpotter contract on **Tuesday at 6 pm**.

Come to City Hall, or watch and send a comment: [the agenda](https://city.example/agenda?item=12).
Three things to say in two minutes:

1. It does not reduce gun violence.
2. It sends police into our neighbourhoods on false alarms.
3. The money could fund violence interrupters instead.
"""


def _rows(n: int, campaign_id: int):
    fields = [f for f in Signature._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    adapt = connection.ops.adapt_datetimefield_value if connection.vendor == "sqlite" else (lambda v: v)
    uuids = [f for f in fields if f.get_internal_type() == "UUIDField"]  # sqlite3 takes them as text
    pool = probe._zip_pool()
    now = adapt(timezone.now())
    for i in range(n):
        zip_code, city, state = pool[i % len(pool)]
        address = f"supporter-{i}@example.org"
        row = {
            **defaults, "campaign_id": campaign_id, "state": "verified", "name": f"Supporter {i}", "email": address,
            "email_hash": email_hash(address), "email_domain": "example.org", "zip_code": zip_code, "city": city,
            "us_state": state, "wants_updates": True, "language": "es" if i % 10 == 0 else "en", "created_at": now,
            "verified_at": now, "counted": True, "checked": True, "public_id": uuid.uuid4(),
        }  # fmt: skip
        for field in uuids:
            row[field.attname] = field.get_db_prep_value(row[field.attname], connection)
        yield tuple(row[f.attname] for f in fields)


def seed(n: str) -> dict:
    n = int(n)
    campaign = probe.campaign()
    t0 = time.perf_counter()
    columns = [f.column for f in Signature._meta.concrete_fields if not f.primary_key]
    data = _rows(n, campaign.pk)
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY signatures_signature ({', '.join(columns)}) FROM STDIN"
        ) as copy:
            for row in data:
                copy.write_row(row)
    else:
        sql = f"INSERT INTO signatures_signature ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        with transaction.atomic(), connection.cursor() as cursor:
            while chunk := [row for _, row in zip(range(50_000), data, strict=False)]:
                cursor.executemany(sql, chunk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seeded = time.perf_counter() - t0

    perms = Permission.objects.filter(content_type__app_label="updates")
    author = User.objects.create_user("bench-author", "author@example.org", is_staff=True)
    approver = User.objects.create_user("bench-approver", "approver@example.org", is_staff=True)
    author.user_permissions.set(perms)
    approver.user_permissions.set(perms)
    approver = User.objects.get(pk=approver.pk)
    update = Update.objects.create(campaign=campaign, subject="Council vote on Tuesday", body=BODY, author=author)
    update.translations.create(language="es", subject="Votación el martes", body=BODY)
    t1 = time.perf_counter()
    recipients = services.recipient_count(update)
    count_ms = (time.perf_counter() - t1) * 1000
    services.approve(update, approver)
    services.start(update, approver)
    return {"rows": n, "seed_s": round(seeded, 1), "recipients": recipients, "count_ms": round(count_ms, 1)}


def progress() -> dict:
    update = Update.objects.get()
    result = {"status": update.status, **services.progress(update)}
    if update.started_at and update.finished_at:
        result["worker_seconds"] = round((update.finished_at - update.started_at).total_seconds(), 1)
    return result


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    print(json.dumps({"seed": seed, "progress": progress}[command](*args)))

"""Who is in a delivery: the signatures that count (as on the public tally), narrowed by the filters.

Organizations an organizer approved come first, then individuals; each group
in the order they signed (the order their rows were recorded).
"""

import datetime
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.sql.constants import MULTI
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.us_states import PLACE_NAMES as STATE_NAMES
from signatures.counting import COUNTABLE
from signatures.models import Campaign, Signature

CHUNK = 5000
COLUMNS = ("pk", "kind", "name", "organization", "role", "city", "us_state", "zip_code")


@dataclass(frozen=True)
class Filters:
    us_states: tuple[str, ...] = ()
    signed_from: datetime.date | None = None
    signed_until: datetime.date | None = None
    city: str = ""
    city_state: str = ""

    def as_dict(self) -> dict:
        """For the record and the manifest: dates as ISO text, only the filters in use."""
        data = asdict(self)
        data["us_states"] = list(self.us_states)
        return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in data.items() if v}

    def describe(self) -> list[str]:
        """The filters in words, for the cover."""
        lines = []
        if self.city:
            lines.append(_("Signers who live in %(city)s, %(state)s") % {"city": self.city, "state": self.city_state})
        if self.us_states:
            names = ", ".join(str(STATE_NAMES.get(s, s)) for s in self.us_states)
            lines.append(_("Signers in %(states)s") % {"states": names})
        if self.signed_from and self.signed_until:
            dates = {"start": _date(self.signed_from), "end": _date(self.signed_until)}
            lines.append(_("Signed from %(start)s to %(end)s") % dates)
        elif self.signed_from:
            lines.append(_("Signed on or after %(start)s") % {"start": _date(self.signed_from)})
        elif self.signed_until:
            lines.append(_("Signed on or before %(end)s") % {"end": _date(self.signed_until)})
        return lines


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in the site's time zone: dates mean what organizers see in the admin."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def signatures(campaign: Campaign, filters: Filters):
    """Every signature the delivery holds, unordered: the ones that count on the public tally."""
    rows = Signature.objects.filter(COUNTABLE, campaign=campaign).order_by()
    if filters.us_states:
        rows = rows.filter(us_state__in=filters.us_states)
    if filters.city:
        rows = rows.filter(city__iexact=filters.city, us_state=filters.city_state)
    if filters.signed_from:
        rows = rows.filter(created_at__gte=_start_of(filters.signed_from))
    if filters.signed_until:
        rows = rows.filter(created_at__lt=_start_of(filters.signed_until + datetime.timedelta(days=1)))
    return rows


def count(campaign: Campaign, filters: Filters) -> int:
    return signatures(campaign, filters).count()


def rows(campaign: Campaign, filters: Filters):
    """(pk, kind, name, role, city, us_state, zip_code) in packet order, fetched in chunks.

    For an organization the name is the organization's: its contact person's
    name is not handed on, only their role. ZIP codes are for the cover's
    counts and never printed.
    """
    base = signatures(campaign, filters)
    for group in (Q(kind=Signature.Kind.ORGANIZATION), Q(kind=Signature.Kind.INDIVIDUAL)):
        query = base.filter(group).order_by("pk").values_list(*COLUMNS)
        compiler = query.query.get_compiler(using=query.db)
        # Raw rows in chunks, as .iterator() fetches them, without a converter call per value.
        for chunk in compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=CHUNK):
            for pk, kind, name, organization, role, city, us_state, zip_code in chunk:
                if kind == "organization":
                    yield pk, kind, organization, role, city, us_state, ""
                else:
                    yield pk, kind, name, "", city, us_state, zip_code


@contextmanager
def consistent_read():
    """Read the whole selection from one snapshot, so the organizations and individuals agree.

    On PostgreSQL: one REPEATABLE READ transaction, which also keeps the
    server-side cursor from being declared WITH HOLD (outside a transaction,
    PostgreSQL copies the whole result aside before the first row: twice the
    work at a million rows). Not on SQLite: a transaction there takes the
    write lock (BEGIN IMMEDIATE) and would hold up every signature for the
    length of the build; each of its SELECTs already reads one snapshot (WAL).
    """
    if connection.vendor != "postgresql":
        yield
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield

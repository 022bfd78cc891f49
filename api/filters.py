"""The subset of OData `$filter` that Action Network clients send, parsed strictly.

    filter=modified_date gt '2024-03-25'
    filter=modified_date gt '2024-03-25T18:04:00Z' and modified_date lt '2024-04-01'
    filter=email_address eq 'jane@example.org'

Values may be quoted with single quotes (as Action Network documents) or not
(as some clients send them). Anything else is refused with a reason, never guessed.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils.dateparse import parse_date, parse_datetime

MAX_LENGTH = 500
CLAUSE = re.compile(r"\s*([a-z_]+)\s+(eq|gt|lt)\s+('(?:[^']|'')*'|[^\s']+)\s*", re.IGNORECASE)
AND = re.compile(r"\s+and\s+", re.IGNORECASE)


class FilterError(ValueError):
    """The filter is not in the supported subset; the message says why."""


@dataclass(frozen=True)
class Clause:
    field: str
    op: str
    value: object


def _split(text: str) -> list[str]:
    """Split on ' and ' outside quotes."""
    parts, current, quoted = [], [], False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "'":
            quoted = not quoted
        if not quoted:
            match = AND.match(text, i)
            if match:
                parts.append("".join(current))
                current = []
                i = match.end()
                continue
        current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _unquote(raw: str) -> str:
    if raw.startswith("'"):
        return raw[1:-1].replace("''", "'")
    return raw


def _as_datetime(field: str, text: str) -> dt.datetime:
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = dt.datetime.combine(day, dt.time()) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise FilterError(f"{field}: '{text[:40]}' is not a date; use ISO 8601, like '2024-03-25' or '2024-03-25T18:04:00Z'.")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)  # Action Network's dates are UTC
    return moment


def parse(text: str | None, fields: dict[str, str], *, email: bool = False) -> tuple[Q, list[Clause]]:
    """`fields` maps the date fields a collection can filter on to model fields.

    Returns a Q for the rows, and the clauses (an email clause is left to the caller).
    """
    if text is None or not text.strip():
        return Q(), []
    if len(text) > MAX_LENGTH:
        raise FilterError(f"The filter is too long (at most {MAX_LENGTH} characters).")
    allowed = sorted(fields) + (["email_address"] if email else [])
    q, clauses = Q(), []
    for part in _split(text):
        match = CLAUSE.fullmatch(part)
        if not match:
            raise FilterError(
                f"Cannot read the filter '{part.strip()[:80]}': write <field> <gt|lt|eq> '<value>', "
                f"clauses joined by 'and'. Fields here: {', '.join(allowed)}."
            )
        field, op, raw = match.group(1).lower(), match.group(2).lower(), _unquote(match.group(3))
        if field == "email_address" and email:
            if op != "eq":
                raise FilterError("email_address can only be compared with eq.")
            clauses.append(Clause(field, op, raw.strip()))
            continue
        if field not in fields:
            raise FilterError(f"Cannot filter on '{field}' here. Fields here: {', '.join(allowed)}.")
        if op == "eq":
            raise FilterError(f"{field} can be compared with gt or lt only.")
        moment = _as_datetime(field, raw)
        clauses.append(Clause(field, op, moment))
        q &= Q(**{f"{fields[field]}__{op}": moment})
    return q, clauses

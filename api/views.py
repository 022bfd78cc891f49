"""The partner API: OSDI in Action Network's dialect, under /api/v2/ (README, "For partners").

Plain Django views rather than Django REST framework: the format (HAL with
Action Network's paging and links) is fixed by the clients we must serve, so
DRF's renderers, paginators and generated schema would each need overriding;
its throttles keep a read-modify-write list in the cache (racy across
processes); and its serializers would duplicate the sign form, which the
record-signature helper reuses as is. What is left (token check, JSON errors,
paging) is a few dozen lines here.
"""

import functools
import json
import uuid

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from defence import throttle
from signatures import counting
from signatures import services as signature_services
from signatures.emails import email_hash
from signatures.emails import person_id as person_id_of
from signatures.forms import SignForm
from signatures.models import Campaign

from . import filters, osdi, paging, queries, services
from .openapi import document
from .paging import MAX_PER_PAGE

MAX_BODY = 64 * 1024
DATE_FIELDS = {"modified_date": "modified_at", "created_date": "created_at"}
DELETED_FIELDS = {"modified_date": "deleted_at", "deleted_date": "deleted_at"}


class ApiError(Exception):
    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


def respond(body: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status, content_type="application/hal+json", json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "max-age=0, private, must-revalidate"
    response["Vary"] = "OSDI-API-Token"
    return response


def error(status: int, message: str, **extra) -> JsonResponse:
    return respond({"error": message, **extra}, status=status)


def endpoint(*methods):
    """Method check, token, throttle, and every refusal as JSON with a reason."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorator(view):
        @csrf_exempt  # no cookies here: the token is the credential
        @functools.wraps(view)
        def wrapper(request, **kwargs):
            if request.method not in allowed:
                response = error(405, f"{request.method} is not allowed here; use {' or '.join(sorted(allowed))}.")
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            caller = services.authenticate(request.headers.get("OSDI-API-Token", "").strip())
            if caller is None:
                return error(401, "Missing, wrong or revoked API token: send your key in the OSDI-API-Token header.")
            limit = caller.token.requests_per_second
            if throttle.over_limit(f"api-token:{caller.token.pk}", limit, 1):
                response = error(429, f"Too many requests: this token may make {limit} a second.")
                response["Retry-After"] = "1"
                return response
            try:
                return view(request, caller, **kwargs)
            except ApiError as e:
                return error(e.status, e.message, **e.extra)
            except (paging.PageError, filters.FilterError) as e:
                return error(400, str(e))

        return wrapper

    return decorator


def _uuid(raw: str, what: str) -> uuid.UUID:
    text = raw.removeprefix(f"{osdi.SYSTEM}:")
    try:
        return uuid.UUID(text)
    except ValueError:
        raise ApiError(404, f"No {what} with the id '{raw[:60]}'.") from None


def _campaign(caller, petition_id: str) -> Campaign:
    public_id = _uuid(petition_id, "petition")
    campaign = next((c for c in caller.campaigns.values() if c.public_id == public_id), None)
    if campaign is not None:
        return campaign
    if Campaign.objects.published().filter(public_id=public_id).exists():
        raise ApiError(403, "This token may not read this petition.")
    raise ApiError(404, f"No petition with the id '{petition_id[:60]}'.")


def _signature_items(caller, rows) -> list[dict]:
    visible = queries.emails_visible(caller, rows)
    return [osdi.signature(r, caller.campaigns[r.campaign_id], email_visible=r.pk in visible) for r in rows]


@endpoint("GET")
def entry_point(request, caller):
    return respond(
        {
            "motd": "Stop ShotSpotter: the coalition's partner API (OSDI 1.1.1, Action Network v2 dialect).",
            "vendor_name": "Stop ShotSpotter",
            "product_name": "Stop ShotSpotter campaign platform",
            "osdi_version": "1.1.1",
            "namespace": osdi.SYSTEM,
            "max_page_size": MAX_PER_PAGE,
            "_links": {
                "self": {**osdi.href("/"), "title": "This API entry point"},
                "osdi:petitions": {**osdi.href("/petitions"), "title": "The campaigns this token may read"},
                "osdi:people": {**osdi.href("/people"), "title": "The people who signed them"},
                "docs": {**osdi.href("/openapi.json"), "title": "OpenAPI description of this API"},
                "curies": paging.CURIES,
            },
        }
    )


@endpoint("GET")
def petitions(request, caller):
    page = paging.parse(request.GET)  # a handful of campaigns: plain offsets (`after` is not needed)
    raw_filter = request.GET.get("filter")
    where, _clauses = filters.parse(raw_filter, DATE_FIELDS)
    rows = list(Campaign.objects.filter(where, pk__in=list(caller.campaigns)).order_by("pk"))
    items = [osdi.petition(c) for c in rows[page.offset : page.offset + page.per_page]]
    return respond(paging.collection(f"{osdi.BASE}/petitions", "osdi:petitions", page, items, len(rows), filter=raw_filter))


@endpoint("GET")
def petition(request, caller, petition_id):
    return respond(osdi.petition(_campaign(caller, petition_id)))


@endpoint("GET", "POST")
def petition_signatures(request, caller, petition_id):
    campaign = _campaign(caller, petition_id)
    if request.method == "POST":
        return _record_signature(request, caller, campaign)
    page = paging.parse(request.GET)
    raw_filter = request.GET.get("filter")
    where, _clauses = filters.parse(raw_filter, DATE_FIELDS)
    rows_qs = queries.signatures([campaign.pk]).filter(where)
    # Unfiltered, the count is the campaign's counter (the same rows); filtered, a cached COUNT.
    total = counting.total_in_table(campaign.pk)
    if raw_filter:
        total = queries.count(rows_qs, f"sig:{campaign.pk}:{raw_filter}")
    rows = queries.page_of(rows_qs, page)
    body = paging.collection(
        f"{osdi.BASE}/petitions/{campaign.public_id}/signatures", "osdi:signatures", page, _signature_items(caller, rows),
        total, last_key=rows[-1].pk if rows else None, filter=raw_filter,
    )  # fmt: skip
    return respond(body)


@endpoint("GET")
def petition_signature(request, caller, petition_id, signature_id):
    campaign = _campaign(caller, petition_id)
    row = queries.signatures([campaign.pk]).filter(public_id=_uuid(signature_id, "signature")).first()
    if row is None:
        raise ApiError(404, f"No signature with the id '{signature_id[:60]}' on this petition.")
    return respond(_signature_items(caller, [row])[0])


@endpoint("GET")
def deleted_signatures(request, caller, petition_id):
    campaign = _campaign(caller, petition_id)
    page = paging.parse(request.GET)
    raw_filter = request.GET.get("filter")
    where, _clauses = filters.parse(raw_filter, DELETED_FIELDS)
    rows_qs = queries.deleted(campaign.pk).filter(where)
    total = queries.count(rows_qs, f"deleted:{campaign.pk}:{raw_filter}")
    rows = queries.page_of(rows_qs, page)
    body = paging.collection(
        f"{osdi.BASE}/petitions/{campaign.public_id}/deleted_signatures", "action_network:deleted_signatures", page,
        [osdi.deleted_signature(r, campaign) for r in rows], total, last_key=rows[-1].pk if rows else None,
        filter=raw_filter,
    )  # fmt: skip
    return respond(body)


def _person_rows(caller, person_id: str) -> tuple[uuid.UUID, list]:
    pid = _uuid(person_id, "person")
    rows = list(queries.signatures(caller.campaigns).filter(person_id=pid).order_by("pk"))
    if not rows:
        raise ApiError(404, f"No person with the id '{person_id[:60]}'.")
    return pid, rows


@endpoint("GET")
def people(request, caller):
    page = paging.parse(request.GET)
    raw_filter = request.GET.get("filter")
    _where, clauses = filters.parse(raw_filter, {}, email=True)
    emails = [c.value for c in clauses if c.field == "email_address"]
    rows = queries.signatures(caller.campaigns)
    if emails:
        if not caller.token.can_see_emails:
            raise ApiError(403, "Finding people by email address needs a token that may see email addresses.")
        wanted = {person_id_of(email_hash(e)) for e in emails}
        if len(wanted) > 1:  # "eq a and eq b" matches no one
            wanted = set()
        rows = rows.filter(person_id__in=wanted, email_shares__organization_id=caller.organization_id)
    person_ids = rows.order_by("person_id").values_list("person_id", flat=True).distinct()
    total = queries.count(person_ids, f"people:{sorted(caller.campaigns)}:{raw_filter}")
    chosen = list(person_ids[page.offset : page.offset + page.per_page])
    by_person: dict = {}
    for row in queries.signatures(caller.campaigns).filter(person_id__in=chosen).order_by("pk"):
        by_person.setdefault(row.person_id, []).append(row)
    visible = queries.emails_visible(caller, [r for rs in by_person.values() for r in rs])
    items = [osdi.person(pid, by_person[pid], email_visible=visible) for pid in chosen if pid in by_person]
    body = paging.collection(f"{osdi.BASE}/people", "osdi:people", page, items, total, filter=raw_filter)
    return respond(body)


@endpoint("GET")
def person(request, caller, person_id):
    pid, rows = _person_rows(caller, person_id)
    return respond(osdi.person(pid, rows, email_visible=queries.emails_visible(caller, rows)))


@endpoint("GET")
def person_signatures(request, caller, person_id):
    pid, _rows = _person_rows(caller, person_id)
    page = paging.parse(request.GET)
    raw_filter = request.GET.get("filter")
    where, _clauses = filters.parse(raw_filter, DATE_FIELDS)
    rows_qs = queries.signatures(caller.campaigns).filter(where, person_id=pid)
    chosen = queries.page_of(rows_qs, page)
    body = paging.collection(
        f"{osdi.BASE}/people/{pid}/signatures", "osdi:signatures", page, _signature_items(caller, chosen),
        rows_qs.count(), last_key=chosen[-1].pk if chosen else None, filter=raw_filter,
    )  # fmt: skip
    return respond(body)


@endpoint("GET")
def person_signature(request, caller, person_id, signature_id):
    _pid, rows = _person_rows(caller, person_id)
    wanted = _uuid(signature_id, "signature")
    row = next((r for r in rows if r.public_id == wanted), None)
    if row is None:
        raise ApiError(404, f"No signature with the id '{signature_id[:60]}' for this person.")
    return respond(_signature_items(caller, [row])[0])


def not_found(request, rest=""):
    return error(404, "Not part of this API. Start at /api/v2/ or see /api/v2/openapi.json.")


def openapi(request):
    if request.method not in ("GET", "HEAD"):
        response = error(405, "Use GET.")
        response["Allow"] = "GET, HEAD"
        return response
    response = JsonResponse(document(), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=300"
    return response


# --- Record signature helper -------------------------------------------------------------


def _read_json(request) -> dict:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        raise ApiError(400, f"The body is too large (at most {MAX_BODY} bytes).")
    try:
        raw = request.body
    except RequestDataTooBig:
        raise ApiError(400, f"The body is too large (at most {MAX_BODY} bytes).") from None
    if len(raw) > MAX_BODY:
        raise ApiError(400, f"The body is too large (at most {MAX_BODY} bytes).")

    def no_constants(name):
        raise ValueError(f"{name} is not JSON")

    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise ApiError(400, f"The body is not valid JSON ({str(e)[:120]}).") from None
    if not isinstance(data, dict):
        raise ApiError(400, "The body must be a JSON object with a 'person'.")
    return data


def _expect(value, kind, path: str, required=False):
    if value is None:
        if required:
            raise ApiError(400, f"{path} is required.", field=path)
        return None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        names = {str: "a string", list: "a list", dict: "an object"}
        raise ApiError(400, f"{path} must be {names.get(kind, kind.__name__)}.", field=path)
    return value


def _pick(items: list, path: str, key: str) -> dict | None:
    """The primary entry of an OSDI list (email_addresses, postal_addresses), or the first."""
    entries = [_expect(item, dict, f"{path}[{i}]", required=True) for i, item in enumerate(items)]
    chosen = next((e for e in entries if e.get("primary") is True), entries[0] if entries else None)
    if chosen is not None:
        _expect(chosen.get(key), str, f"{path}[].{key}")
    return chosen


FORM_FIELDS = {"name": "person.given_name", "email": "person.email_addresses", "zip_code": "person.postal_addresses"}


def _record_signature(request, caller, campaign):
    if not caller.token.can_record:
        raise ApiError(403, "This token may not record signatures.")
    data = _read_json(request)
    person = _expect(data.get("person"), dict, "person", required=True)
    emails = _expect(person.get("email_addresses"), list, "person.email_addresses", required=True)
    email = _pick(emails, "person.email_addresses", "address")
    if email is None or not email.get("address"):
        raise ApiError(
            400, "person.email_addresses needs an address: we confirm each signature by email.", field="person.email_addresses"
        )
    given = _expect(person.get("given_name"), str, "person.given_name") or ""
    family = _expect(person.get("family_name"), str, "person.family_name") or ""
    address = _pick(
        _expect(person.get("postal_addresses"), list, "person.postal_addresses") or [], "person.postal_addresses", "postal_code"
    )
    _expect(data.get("comments"), str, "comments")
    for i, tag in enumerate(_expect(data.get("add_tags"), list, "add_tags") or []):
        _expect(tag, str, f"add_tags[{i}]")
    form = SignForm(
        {"name": f"{given} {family}".strip(), "email": email["address"], "zip_code": (address or {}).get("postal_code") or ""},
        campaign=campaign,
    )
    if not form.is_valid():
        errors = {FORM_FIELDS.get(name, name): [str(m) for m in messages] for name, messages in form.errors.items()}
        first = next(iter(errors.items()))
        raise ApiError(400, f"{first[0]}: {first[1][0]}", errors=errors)
    if not campaign.accepting_signatures():
        raise ApiError(400, "This petition is closed to new signatures.")
    fields = form.signature_fields()
    row, _created = signature_services.record_for_partner(
        campaign, email=form.cleaned_data["email"], partner_id=caller.organization_id,
        confirmed=caller.token.own_double_opt_in, **fields,
    )  # fmt: skip
    if row is None:  # the existing signature vanished (withdrawn) while we looked
        raise ApiError(400, "This person's signature was just withdrawn; send it again to sign anew.")
    path = f"/petitions/{campaign.public_id}"
    body = {
        "identifiers": [osdi.identifier(row.public_id)],
        "created_date": osdi.date(row.created_at),
        "modified_date": osdi.date(row.modified_at),
        "action_network:person_id": str(row.person_id),
        "action_network:petition_id": str(campaign.public_id),
        # Counts only once confirmed: by the person from our email, or by the partner's own double opt-in.
        "status": "confirmed" if row.verified_at else "pending",
        "person": osdi.person_fields(
            fields["name"], fields["city"], fields["us_state"], form.cleaned_data["email"], fields["zip_code"]
        ),
        "_links": {
            "self": osdi.href(f"{path}/signatures/{row.public_id}"),
            "osdi:petition": osdi.href(path),
            "osdi:person": osdi.href(f"/people/{row.person_id}"),
        },
    }
    return respond(body, status=200)

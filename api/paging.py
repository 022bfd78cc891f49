"""Action Network's paging: `page` and `per_page` (at most 25), HAL links, and a page past the end that is empty.

Clients page until they get an empty list, or follow `_links.next`. Our next
links also carry `after` (the last row's position), so a client that follows
them reads each page from an index in constant time however deep it is; a
client that builds `?page=N` itself gets the same rows by offset.
"""

import math
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings

MAX_PER_PAGE = 25
MAX_PAGE = 1_000_000
DIGITS = re.compile(r"^[0-9]{1,12}$")


class PageError(ValueError):
    pass


@dataclass
class Page:
    number: int
    per_page: int
    after: int | None  # keyset position from a next link

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page


def _whole(params, name: str, default: int | None) -> int | None:
    raw = params.get(name)
    if raw is None:
        return default
    if not DIGITS.match(raw):
        raise PageError(f"{name} must be a whole number, not '{raw[:30]}'.")
    return int(raw)


def parse(params) -> Page:
    number = _whole(params, "page", 1)
    if not 1 <= number <= MAX_PAGE:
        raise PageError(f"page must be between 1 and {MAX_PAGE:,}.".replace(",", ""))
    per_page = _whole(params, "per_page", MAX_PER_PAGE)
    if per_page < 1:
        raise PageError(f"per_page must be between 1 and {MAX_PER_PAGE}.")
    # As Action Network: more than the maximum gives the maximum.
    return Page(number=number, per_page=min(per_page, MAX_PER_PAGE), after=_whole(params, "after", None))


def url(path: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{settings.SITE_URL}{path}" + (f"?{query}" if query else "")


CURIES = [
    {"name": "osdi", "href": "https://opensupporter.github.io/osdi-docs/{rel}", "templated": True},
    {"name": "action_network", "href": "https://actionnetwork.org/docs/v2/{rel}", "templated": True},
]


def collection(path: str, rel: str, page: Page, items: list[dict], total: int | None, *, last_key=None, filter=None) -> dict:
    """A HAL collection as Action Network sends it: counts, links to each item and to the next page, items embedded."""
    links = {
        "self": {"href": url(path, page=page.number if page.number > 1 else None, per_page=_pp(page), filter=filter)},
    }
    # As Action Network: a next link whenever this page has items, none past the end.
    if items:
        links["next"] = {"href": url(path, page=page.number + 1, per_page=_pp(page), filter=filter, after=last_key)}
    if page.number > 1:
        links["previous"] = {"href": url(path, page=page.number - 1, per_page=_pp(page), filter=filter)}
    links[rel] = [{"href": item["_links"]["self"]["href"]} for item in items]
    links["curies"] = CURIES
    body = {}
    if total is not None:
        body["total_pages"] = math.ceil(total / page.per_page)
        body["total_records"] = total
    body.update({"per_page": page.per_page, "page": page.number, "_links": links, "_embedded": {rel: items}})
    return body


def _pp(page: Page) -> int | None:
    return page.per_page if page.per_page != MAX_PER_PAGE else None

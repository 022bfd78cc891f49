"""What an alert row can tell us (the fields), and the saved mappings for known city exports.

A mapping is {field: column name}. Column names are matched without regard to
case, spaces or underscores ("ZIP_CODE", "Zip Code" and "zip code" are one
column), because the same portal exports headers differently over the years.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# The fields an organizer can map, in the order the mapping form shows them.
FIELDS = {
    "datetime": _("date and time (one column)"),
    "date": _("date (when the time is in a column of its own)"),
    "time": _("time of day"),
    "type": _("type of alert"),
    "rounds": _("rounds (shots) detected"),
    "latitude": _("latitude"),
    "longitude": _("longitude"),
    "address": _("address or block"),
    "zip": _("ZIP code"),
    "area": _("area (beat, district, ward or neighborhood)"),
    "disposition": _("disposition (what police found)"),
    "id": _("alert number (unique id)"),
}


def normalize(name: str) -> str:
    """The form of a column name used for matching: upper case, one underscore between words."""
    return re.sub(r"[\s_]+", "_", name.replace("\ufeff", "").strip().strip('"').upper())


@dataclass(frozen=True)
class Schema:
    name: str
    label: str
    source: str  # where the city publishes it, for the provenance line
    required: dict  # field -> column: all must be present for the schema to fit
    optional: dict = field(default_factory=dict)  # field -> column, mapped when present
    time_zone: str = ""

    def fits(self, header: list[str]) -> bool:
        names = {normalize(h) for h in header}
        return all(normalize(col) in names for col in self.required.values())

    def mapping_for(self, header: list[str]) -> dict:
        names = {normalize(h) for h in header}
        mapping = dict(self.required)
        mapping.update({f: col for f, col in self.optional.items() if normalize(col) in names})
        return mapping


SCHEMAS = {
    s.name: s
    for s in [
        Schema(
            name="chicago",
            label=_("City of Chicago, “ShotSpotter Alerts” (data portal)"),
            source=_("City of Chicago data portal, ShotSpotter Alerts"),
            required={"datetime": "DATE", "type": "INCIDENT_TYPE_DESCRIPTION"},
            optional={
                "rounds": "ROUNDS",
                "latitude": "LATITUDE",
                "longitude": "LONGITUDE",
                "address": "BLOCK",
                "zip": "ZIP_CODE",
                "area": "BEAT",
                "id": "UNIQUE_ID",
            },
            time_zone="America/Chicago",
        ),
        Schema(
            name="cincinnati",
            label=_("City of Cincinnati, police calls for service filtered to ShotSpotter"),
            source=_("City of Cincinnati, PDI police calls for service"),
            required={
                "datetime": "CREATE_TIME_INCIDENT",
                "type": "INCIDENT_TYPE_DESC",
                "address": "ADDRESS_X",
                "disposition": "DISPOSITION_TEXT",
            },
            optional={
                "latitude": "LATITUDE_X",
                "longitude": "LONGITUDE_X",
                "area": "CPD_NEIGHBORHOOD",
                "id": "EVENT_NUMBER",
            },
            time_zone="America/New_York",
        ),
        Schema(
            name="dc",
            label=_("Washington, DC, “Shot Spotter Gun Shots” (open data)"),
            source=_("Open Data DC, Shot Spotter Gun Shots"),
            required={"datetime": "DATETIME", "type": "TYPE", "latitude": "latitude", "longitude": "longitude"},
            optional={"id": "ID", "area": "WARD"},
            time_zone="America/New_York",
        ),
    ]
}


def guess(header: list[str]) -> Schema | None:
    """The known schema whose required columns are all in the header (the most specific first)."""
    fitting = [s for s in SCHEMAS.values() if s.fits(header)]
    fitting.sort(key=lambda s: -len(s.required))
    return fitting[0] if fitting else None


def area_kind(column: str) -> str:
    """What the area column counts, from its name, for headings ("beat", "district"...)."""
    name = normalize(column)
    for word, kind in (
        ("BEAT", "beat"),
        ("WARD", "ward"),
        ("DISTRICT", "district"),
        ("PRECINCT", "precinct"),
        ("NEIGHBORHOOD", "neighborhood"),
        ("NEIGHBOURHOOD", "neighborhood"),
        ("COMMUNITY", "community area"),
        ("TRACT", "census tract"),
    ):
        if word in name:
            return kind
    return "area"


AREA_KINDS = {
    "beat": (_("beat"), _("beats")),
    "ward": (_("ward"), _("wards")),
    "district": (_("district"), _("districts")),
    "precinct": (_("precinct"), _("precincts")),
    "neighborhood": (_("neighborhood"), _("neighborhoods")),
    "community area": (_("community area"), _("community areas")),
    "census tract": (_("census tract"), _("census tracts")),
    "area": (_("area"), _("areas")),
}

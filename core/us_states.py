"""The US states by postal code, listed once for every app, with their names translated.

STATES, STATE_NAMES: the 50 states and the District of Columbia (the map, local fights,
letters, updates).
PLACE_NAMES: those and the other places US ZIP codes cover (territories, military mail),
as a signature's state comes from its ZIP code (signatures, deliveries).
"""

from django.utils.translation import gettext_lazy as _

# Names are translatable: some differ in Spanish (Nueva York, Carolina del Norte).
STATES = [
    ("AL", _("Alabama")),
    ("AK", _("Alaska")),
    ("AZ", _("Arizona")),
    ("AR", _("Arkansas")),
    ("CA", _("California")),
    ("CO", _("Colorado")),
    ("CT", _("Connecticut")),
    ("DE", _("Delaware")),
    ("DC", _("District of Columbia")),
    ("FL", _("Florida")),
    ("GA", _("Georgia")),
    ("HI", _("Hawaii")),
    ("ID", _("Idaho")),
    ("IL", _("Illinois")),
    ("IN", _("Indiana")),
    ("IA", _("Iowa")),
    ("KS", _("Kansas")),
    ("KY", _("Kentucky")),
    ("LA", _("Louisiana")),
    ("ME", _("Maine")),
    ("MD", _("Maryland")),
    ("MA", _("Massachusetts")),
    ("MI", _("Michigan")),
    ("MN", _("Minnesota")),
    ("MS", _("Mississippi")),
    ("MO", _("Missouri")),
    ("MT", _("Montana")),
    ("NE", _("Nebraska")),
    ("NV", _("Nevada")),
    ("NH", _("New Hampshire")),
    ("NJ", _("New Jersey")),
    ("NM", _("New Mexico")),
    ("NY", _("New York")),
    ("NC", _("North Carolina")),
    ("ND", _("North Dakota")),
    ("OH", _("Ohio")),
    ("OK", _("Oklahoma")),
    ("OR", _("Oregon")),
    ("PA", _("Pennsylvania")),
    ("RI", _("Rhode Island")),
    ("SC", _("South Carolina")),
    ("SD", _("South Dakota")),
    ("TN", _("Tennessee")),
    ("TX", _("Texas")),
    ("UT", _("Utah")),
    ("VT", _("Vermont")),
    ("VA", _("Virginia")),
    ("WA", _("Washington")),
    ("WV", _("West Virginia")),
    ("WI", _("Wisconsin")),
    ("WY", _("Wyoming")),
]

# Places with ZIP codes that are not states.
TERRITORIES = [
    ("PR", _("Puerto Rico")),
    ("VI", _("U.S. Virgin Islands")),
    ("GU", _("Guam")),
    ("AS", _("American Samoa")),
    ("MP", _("Northern Mariana Islands")),
    ("AA", _("Armed Forces Americas")),
    ("AE", _("Armed Forces Europe")),
    ("AP", _("Armed Forces Pacific")),
]

STATE_NAMES = dict(STATES)
PLACE_NAMES = dict(STATES + TERRITORIES)

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import Citation
from core.us_states import STATE_NAMES, STATES

from . import geo, usmap


class Status(models.TextChoices):
    """Where a city stands with ShotSpotter; each has a colour and a shape on the map."""

    CANCELLED = "cancelled", pgettext_lazy("local action status", "Cancelled")
    REJECTED = "rejected", pgettext_lazy("local action status", "Rejected")
    CONTESTED = "contested", pgettext_lazy("local action status", "Contested")
    PROPOSED = "proposed", pgettext_lazy("local action status", "Proposed")
    ACTIVE = "active", pgettext_lazy("local action status", "In use")
    EXPANDED = "expanded", pgettext_lazy("local action status", "Expanded")


# Colours keep at least 3:1 contrast with the state fill and the page (tested);
# the shape repeats the status for anyone who cannot tell the colours apart.
STATUS_STYLE = {
    Status.CANCELLED: {"shape": "circle", "colour": "#1f6f3f"},
    Status.REJECTED: {"shape": "square", "colour": "#1d4f91"},
    Status.CONTESTED: {"shape": "diamond", "colour": "#8a4b00"},
    Status.PROPOSED: {"shape": "triangle-down", "colour": "#6a2c91"},
    Status.ACTIVE: {"shape": "triangle", "colour": "#b3261e"},
    Status.EXPANDED: {"shape": "star", "colour": "#1b1b1f"},
}

STATUS_DESCRIPTIONS = {
    Status.CANCELLED: _("Was in use; the city ended it or did not renew it."),
    Status.REJECTED: _("Proposed, then voted down, withdrawn or cut from a budget."),
    Status.CONTESTED: _("In use, but an end has been announced or a renewal blocked."),
    Status.PROPOSED: _("A contract or pilot is being considered."),
    Status.ACTIVE: _("In use."),
    Status.EXPANDED: _("In use and recently enlarged."),
}

# How a marker's accessible name says the status: "Chicago, IL: contract cancelled (2018-2024)".
STATUS_PHRASES = {
    Status.CANCELLED: _("contract cancelled"),
    Status.REJECTED: _("rejected"),
    Status.CONTESTED: _("contested"),
    Status.PROPOSED: _("proposed"),
    Status.ACTIVE: _("in use"),
    Status.EXPANDED: _("in use and expanded"),
}


class LocalActionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class LocalAction(models.Model):
    """A city where people are organizing against ShotSpotter: one marker and one page."""

    city = models.CharField(_("city"), max_length=100)
    state = models.CharField(_("state"), max_length=2, choices=STATES)
    slug = models.SlugField(_("address"), max_length=120, unique=True, help_text=_("The page lives at /local/<address>/."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    years = models.CharField(_("years"), max_length=30, blank=True, help_text=_("For example 2018-2024."))
    summary = models.CharField(_("summary"), max_length=300, blank=True, help_text=_("One sentence for lists."))
    money = models.CharField(
        _("money"), max_length=300, blank=True, help_text=_("What the city paid or was asked to pay, in words.")
    )
    amount_usd = models.PositiveBigIntegerField(
        _("total paid in US dollars"),
        null=True,
        blank=True,
        help_text=_("Only when the money text states a clear total; it counts toward the total on the profits page."),
    )
    usd_per_square_mile_year = models.PositiveIntegerField(
        _("US dollars per square mile per year"), null=True, blank=True, help_text=_("Only when a source states it.")
    )
    facts = models.TextField(_("facts"), blank=True, help_text=_("One fact per line; cite sources as [1], [2]."))
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
        help_text=_("Leave both coordinates empty to look them up from the city and state."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    group_name = models.CharField(_("local group"), max_length=200, blank=True)
    group_url = models.URLField(_("local group's website"), max_length=500, blank=True)
    group_email = models.EmailField(_("local group's public email"), blank=True)
    next_meeting_date = models.DateField(_("next public meeting or vote"), null=True, blank=True)
    next_meeting = models.CharField(
        _("what the meeting is"),
        max_length=300,
        blank=True,
        help_text=_("For example: City Council vote on the renewal."),
    )
    next_meeting_url = models.URLField(_("meeting link"), max_length=500, blank=True)
    press_items = models.ManyToManyField("press.PressItem", blank=True, related_name="local_actions", verbose_name=_("press items"))
    published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LocalActionQuerySet.as_manager()

    class Meta:
        ordering = ["state", "city"]
        verbose_name = _("local action")
        verbose_name_plural = _("local actions")
        constraints = [models.UniqueConstraint(fields=["city", "state"], name="local_action_unique_city")]

    def __str__(self):
        return f"{self.city}, {self.state}"

    def save(self, *args, **kwargs):
        if self.latitude is None and self.longitude is None:
            found = geo.lookup_city(self.city, self.state)
            if found:
                self.latitude, self.longitude = (Decimal(str(round(v, 5))) for v in found)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("local_actions:detail", args=[self.slug])

    @property
    def state_name(self) -> str:
        return str(STATE_NAMES.get(self.state, self.state))

    @property
    def fact_list(self) -> list[str]:
        return [line.strip() for line in self.facts.splitlines() if line.strip()]

    @property
    def style(self) -> dict:
        return STATUS_STYLE[self.status]

    @property
    def status_description(self):
        return STATUS_DESCRIPTIONS[self.status]

    @property
    def marker_label(self) -> str:
        from django.utils.translation import gettext

        values = {"city": self.city, "state": self.state, "status": STATUS_PHRASES[self.status], "years": self.years}
        if self.years:
            return gettext("%(city)s, %(state)s: %(status)s (%(years)s)") % values
        return gettext("%(city)s, %(state)s: %(status)s") % values

    def press_coverage(self):
        """Press items linked to this city, and any whose title names it."""
        from press.models import PressItem

        linked = models.Q(local_actions=self)
        named = models.Q(title__icontains=self.city)
        return PressItem.objects.newest_first().filter(linked | named).distinct()

    @property
    def map_position(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return geo.project(float(self.longitude), float(self.latitude))

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both the latitude and the longitude, or neither to look them up."))
        if self.latitude is None and self.city and self.state and not geo.lookup_city(self.city, self.state):
            raise ValidationError(
                {"latitude": _("We could not find this city to place it on the map; please enter its coordinates.")}
            )
        if self.latitude is not None:
            position = self.map_position
            if position is None:
                raise ValidationError({"latitude": _("These coordinates are outside the map of the United States.")})
            found = usmap.state_at(*position)
            # A city on a coast can fall just in the water on our simplified shapes: only a clear mismatch is an error.
            if found and self.state and found != self.state:
                raise ValidationError(
                    {
                        "latitude": _("These coordinates are in %(found)s, not %(state)s.")
                        % {"found": STATE_NAMES[found], "state": self.state_name}
                    }
                )


class LocalActionSource(Citation):
    """A numbered source on a local action's page."""

    action = models.ForeignKey(LocalAction, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveSmallIntegerField(_("number"), default=0)
    outlet = models.CharField(_("outlet or publisher"), max_length=200)
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("For example: date unverified."))
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en", help_text=_("The title's language.")
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return ", ".join(p for p in (self.outlet, self.title, self.date) if p)


class Statistic(models.Model):
    """A sourced number about ShotSpotter, shown where its topic is discussed."""

    class Topic(models.TextChoices):
        COST = "cost", _("Cost")
        OUTCOMES = "outcomes", _("Outcomes of alerts")
        REACH = "reach", _("Reach")

    topic = models.CharField(_("topic"), max_length=10, choices=Topic.choices)
    text = models.CharField(_("fact"), max_length=400)
    source = models.CharField(_("source"), max_length=300)
    url = models.URLField(_("link"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["topic", "position", "id"]
        verbose_name = _("statistic")
        verbose_name_plural = _("statistics")

    def __str__(self):
        return self.text[:80]


class Submission(models.Model):
    """A local fight sent in by a group, waiting for an organizer's approval."""

    class Review(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    city = models.CharField(_("city"), max_length=100)
    state = models.CharField(_("state"), max_length=2, choices=STATES)
    status = models.CharField(_("where it stands"), max_length=12, choices=Status.choices)
    description = models.TextField(_("what is happening"), max_length=3000)
    source_url = models.URLField(_("link or source"), max_length=500, blank=True)
    group_name = models.CharField(_("group name"), max_length=200, blank=True)
    group_url = models.URLField(_("group's website or social page"), max_length=500, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=100)
    contact_email = models.EmailField(_("contact email"))
    review = models.CharField(_("review"), max_length=10, choices=Review.choices, default=Review.PENDING)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.ForeignKey(
        LocalAction,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
        verbose_name=_("local action"),
    )
    # The language of the form it was sent from: the email saying it is published is written in it.
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    notified_at = models.DateTimeField(_("told it is published"), null=True, blank=True)
    notice_error = models.CharField(_("mail server's answer"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("submitted local fight")
        verbose_name_plural = _("submitted local fights")

    def __str__(self):
        return f"{self.city}, {self.state} ({self.contact_name})"

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from signatures.emails import canonical, email_hash

# Big mail providers: thousands of real people share them, so a per-domain
# limit must not apply to them (a viral petition is mostly these).
COMMON_PROVIDERS = """gmail.com
yahoo.com
hotmail.com
outlook.com
live.com
msn.com
icloud.com
me.com
aol.com
comcast.net
att.net
verizon.net
protonmail.com
proton.me"""


# Mail domains shared by many real people: a bulk invalidation never strikes out one of these whole
# (with the network hash of a bot, it may). The big providers above, a campaign's exempt list, more
# webmail and ISP domains, and universities (.edu).
ORDINARY_DOMAINS = frozenset(COMMON_PROVIDERS.split()) | {
    "googlemail.com", "ymail.com", "rocketmail.com", "yahoo.co.uk", "yahoo.es", "yahoo.com.mx", "hotmail.co.uk",
    "hotmail.es", "hotmail.com.mx", "outlook.es", "live.co.uk", "mac.com", "mail.com", "gmx.com", "gmx.net", "zoho.com",
    "fastmail.com", "hey.com", "pm.me", "tutanota.com", "tuta.io", "sbcglobal.net", "bellsouth.net", "cox.net",
    "charter.net", "spectrum.net", "earthlink.net", "optonline.net", "frontier.com", "windstream.net",
    "centurylink.net", "q.com",
}  # fmt: skip


def is_ordinary_domain(domain: str, exempt=()) -> bool:
    domain = domain.strip().lower()
    return domain in ORDINARY_DOMAINS or domain in exempt or domain.endswith(".edu")


class RateLimit(models.Model):
    """Signing limits, per campaign (or the default for all): editable without a deploy.

    Over a limit a signature is still accepted, confirmed and thanked like any
    other, but flagged and never counted: a bot learns nothing.
    """

    campaign = models.OneToOneField(
        "signatures.Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="rate_limit",
        help_text=_("Leave empty for the default that applies to every campaign without its own."),
    )  # fmt: skip
    burst_seconds = models.PositiveIntegerField(_("burst window (seconds)"), default=60)
    sustained_seconds = models.PositiveIntegerField(_("sustained window (seconds)"), default=3600)
    network_burst = models.PositiveIntegerField(_("per network, burst"), default=10)
    network_sustained = models.PositiveIntegerField(_("per network, sustained"), default=50)
    network_burst_without_check = models.PositiveIntegerField(
        _("per network, burst, without the browser check"), default=3,
        help_text=_("For forms sent without JavaScript, which skip the proof-of-work."),
    )  # fmt: skip
    network_sustained_without_check = models.PositiveIntegerField(
        _("per network, sustained, without the browser check"), default=10
    )
    domain_burst = models.PositiveIntegerField(_("per email domain, burst"), default=30)
    domain_sustained = models.PositiveIntegerField(_("per email domain, sustained"), default=300)
    domains_exempt = models.TextField(
        _("domains without a domain limit"), default=COMMON_PROVIDERS, blank=True, help_text=_("One per line.")
    )
    trending_threshold = models.PositiveIntegerField(
        _("trending alert threshold"), default=30,
        help_text=_("Email the organizers when one network or domain signs more than this in an hour."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("rate limit")
        verbose_name_plural = _("rate limits")

    def __str__(self):
        return str(self.campaign or _("Default for all campaigns"))

    @classmethod
    def for_campaign(cls, campaign_id) -> "RateLimit":
        return cls.objects.filter(campaign_id=campaign_id).first() or cls.objects.filter(campaign__isnull=True).first() or cls()

    def exempt_domains(self) -> set[str]:
        return {line.strip().lower() for line in self.domains_exempt.splitlines() if line.strip()}


class ListEntry(models.Model):
    """An allow- or block-list entry: a network range, an email domain, or one address."""

    class Action(models.TextChoices):
        ALLOW = "allow", _("Allow (skip the limits)")
        BLOCK = "block", _("Block (flag silently)")

    class Kind(models.TextChoices):
        NETWORK = "network", _("IP range")
        DOMAIN = "domain", _("Email domain")
        EMAIL = "email", _("Email address")

    action = models.CharField(_("action"), max_length=5, choices=Action.choices)
    kind = models.CharField(_("kind"), max_length=7, choices=Kind.choices)
    value = models.CharField(
        _("value"), max_length=255,
        help_text=_("IP range like 203.0.113.0/24, a domain like example.org, or an address. "
                    "An address is stored only as a keyed hash."),
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["action", "kind", "value"]
        verbose_name = _("allow/block list entry")
        verbose_name_plural = _("allow/block lists")
        constraints = [models.UniqueConstraint(fields=["action", "kind", "value"], name="one_list_entry")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.value}"

    def clean(self):
        value = self.value.strip()
        if self.kind == self.Kind.NETWORK:
            try:
                value = str(ipaddress.ip_network(value, strict=False))
            except ValueError:
                raise ValidationError({"value": _("Enter an IP address or range, like 203.0.113.0/24.")}) from None
        elif self.kind == self.Kind.DOMAIN:
            value = value.lower().lstrip("@").rstrip(".")
            if "." not in value or " " in value or "@" in value:
                raise ValidationError({"value": _("Enter a domain, like example.org.")})
        elif self.kind == self.Kind.EMAIL and not (len(value) == 64 and value.isalnum()):  # already hashed
            local, _at, domain = value.partition("@")
            if not local or "." not in domain:
                raise ValidationError({"value": _("Enter an email address.")})
            value = email_hash(canonical(value))
        self.value = value


class Invalidation(models.Model):
    """A bulk invalidation, recorded: what was matched, by whom, how many rows it touched."""

    campaign = models.ForeignKey("signatures.Campaign", on_delete=models.CASCADE, related_name="invalidations")
    ip_hash = models.CharField(_("network hash"), max_length=32, blank=True)
    email_domain = models.CharField(_("email domain"), max_length=255, blank=True)
    signed_from = models.DateTimeField(_("signed from"), null=True, blank=True)
    signed_until = models.DateTimeField(_("signed until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("done at"), auto_now_add=True)
    matched = models.PositiveIntegerField(_("signatures invalidated"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bulk invalidation")
        verbose_name_plural = _("bulk invalidations")

    def __str__(self):
        return f"{self.campaign}: {self.reason} ({self.matched})"

    def clean(self):
        if not (self.ip_hash or self.email_domain or self.signed_from or self.signed_until):
            raise ValidationError(_("Choose at least one of: network hash, email domain, or a time window."))
        if not (self.ip_hash or self.email_domain):
            # A window alone would strike out everyone who signed in it, the genuine signers with the rest.
            raise ValidationError(
                _(
                    "A time window alone is refused: it would invalidate every signer in it. "
                    "Add the network hash or the email domain you saw signing."
                )
            )
        if self.email_domain and not self.ip_hash and self.campaign_id is not None:
            exempt = RateLimit.for_campaign(self.campaign_id).exempt_domains()
            if is_ordinary_domain(self.email_domain, exempt):
                raise ValidationError({"email_domain": _(
                    "%(domain)s is the address of many real people: a whole domain like it is never invalidated. "
                    "Add the network hash you saw signing from it."
                ) % {"domain": self.email_domain.strip().lower()}})  # fmt: skip
        if self.signed_from and self.signed_until and self.signed_from >= self.signed_until:
            raise ValidationError({"signed_until": _("The end must come after the start.")})


class TrendingAlert(models.Model):
    """An alert sent to organizers, so one burst is reported once an hour, not every minute."""

    campaign = models.ForeignKey("signatures.Campaign", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=7)
    key = models.CharField(max_length=255)
    count = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"{self.kind} {self.key}: {self.count}"


class UsedProof(models.Model):
    """A proof of work already spent on a form that keeps no row of its own (contact, local fights).

    In the database, not the cache: a cache may evict it or be one per server
    process, and then a solved proof would work again. The worker deletes the
    rows once the proof has expired anyway (defence.throttle.purge).
    """

    digest = models.CharField(max_length=64, primary_key=True)  # SHA-256 of the challenge's salt
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.digest


class ThrottleBucket(models.Model):
    """How many submissions one network sent one form in a fixed window; shared by every server process."""

    key = models.CharField(max_length=120, primary_key=True)  # form:network hash:window number
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count}"


class NetworkAllowance(models.Model):
    """For a few hours, signatures from one network skip the per-network limits: a rally on one shared Wi-Fi.

    The network is kept only as its keyed hash (core.privacy.ip_hash), like the signatures' own: never an address.
    The email-domain limits, the block lists and the disposable-address check still apply.
    """

    ip_hash = models.CharField(_("network hash"), max_length=32, db_index=True)
    note = models.CharField(_("event"), max_length=200, blank=True, help_text=_("For example: rally at City Hall."))
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )

    class Meta:
        ordering = ["-ends_at"]
        verbose_name = _("allowance for an event's network")
        verbose_name_plural = _("allowances for an event's network")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="allowance_ends_after_start")
        ]

    def __str__(self):
        return f"{self.note or self.ip_hash[:8]} ({self.starts_at:%Y-%m-%d %H:%M}-{self.ends_at:%H:%M})"

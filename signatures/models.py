import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pages.models import Organization

from .states import State

# The outbox's three queues (see Signature.Meta.indexes and outbox.py).
OUTBOX_CLEARED = Q(checked=True) & ~Q(state=State.FLAGGED)
OUTBOX_UNCHECKED = Q(checked=False) & ~Q(state=State.FLAGGED)
OUTBOX_FLAGGED = Q(state=State.FLAGGED)


class CampaignQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class Campaign(models.Model):
    """Something people sign: a petition to a named target, or an open letter."""

    class Kind(models.TextChoices):
        PETITION = "petition", _("Petition")
        LETTER = "letter", _("Open letter")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    slug = models.SlugField(_("address"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    target = models.CharField(
        _("addressed to"), max_length=200, help_text=_("Who receives it, e.g. the company's CEO.")
    )
    summary = models.CharField(_("summary"), max_length=300, help_text=_("One sentence for cards and link previews."))
    body = models.TextField(_("text"), help_text=_("Markdown."))
    partners = models.ManyToManyField(
        Organization, blank=True, related_name="campaigns", verbose_name=_("participating organizations")
    )
    published = models.BooleanField(_("published"), default=True)
    is_open = models.BooleanField(_("open for signatures"), default=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    accepts_organizations = models.BooleanField(
        _("organizations can sign"), default=False, help_text=_("Organizations' signatures appear once approved.")
    )
    goal = models.PositiveIntegerField(
        _("goal"), null=True, blank=True,
        help_text=_(
            "How many signatures you aim for: the page shows a progress bar towards it. Leave it empty for goals "
            "that rise as each one is reached (100, 250, 500, 1,000...)."
        ),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    # For the partner API (the api app): a stable public identifier, and when it last changed.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    modified_at = models.DateTimeField(auto_now=True)
    email_partners = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="email_campaigns",
        verbose_name=_("partners signers may share their email with"),
        help_text=_(
            "Each one adds an unticked choice \"Share my email with <organization>\" to the form. "
            "A partner's API token sees only the addresses of signers who ticked its box."
        ),
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("signatures:campaign", args=[self.kind, self.slug])

    @property
    def asks_zip(self) -> bool:
        return self.kind == self.Kind.PETITION

    def accepting_signatures(self, now=None) -> bool:
        now = now or timezone.now()
        return self.published and self.is_open and (self.closes_at is None or now < self.closes_at)


# The signatures partners see: the counted ones (see counting.py). A counted row that is no
# longer verified (withdrawn, flagged, invalidated) is hidden at once, and leaves a
# DeletedSignature when the counters next run.
PARTNER_VISIBLE = Q(counted=True, state=State.VERIFIED)


class Signature(models.Model):
    """One person's or organization's signature.

    Personal data is kept only as long as it serves the signer: the address
    is dropped once the confirmation is done unless they asked for updates
    (a keyed hash of it stays, for de-duplication); withdrawal erases the rest.
    """

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        ORGANIZATION = "organization", _("Organization")

    class Email(models.TextChoices):
        NONE = "", _("Nothing to send")
        CONFIRM = "confirm", _("Confirmation request")
        ALREADY = "already", _("Already signed")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="signatures")
    kind = models.CharField(_("signs as"), max_length=12, choices=Kind.choices, default=Kind.INDIVIDUAL)
    state = models.CharField(_("status"), max_length=12, choices=State.choices, default=State.PENDING)
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"), null=True, blank=True)
    email_hash = models.CharField(max_length=64, null=True, editable=False)
    email_domain = models.CharField(_("email domain"), max_length=255, blank=True)
    zip_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    us_state = models.CharField(_("state"), max_length=2, blank=True, db_index=True)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    organization_url = models.URLField(_("organization website"), blank=True)
    role = models.CharField(_("role"), max_length=100, blank=True)
    show_name = models.BooleanField(_("name shown publicly"), default=False)
    wants_updates = models.BooleanField(_("wants updates"), default=False)
    # The language of the page they signed on: updates reach them in it (the updates app).
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    ip_hash = models.CharField(_("network hash"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("signed at"), default=timezone.now)
    verified_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # Outbox: the email the worker still has to send for this row.
    email_due = models.CharField(max_length=8, choices=Email.choices, blank=True, default="")
    emails_sent = models.PositiveSmallIntegerField(default=0)
    # Failed attempts at the email now due, when to try again, and the last failure (signatures/outbox.py).
    email_attempts = models.PositiveSmallIntegerField(_("failed email attempts"), default=0)
    email_retry_at = models.DateTimeField(_("next email attempt"), null=True, blank=True)
    email_error = models.CharField(_("email problem"), max_length=200, blank=True)
    # Whether the batched counters include this row (see counting.py).
    counted = models.BooleanField(default=False)
    # Abuse defence (the defence app): checked by the worker before it can count.
    checked = models.BooleanField(default=False)
    proof_of_work = models.BooleanField(_("solved the browser check"), default=False)
    # The solved challenge's salt: unique, so one proof of work signs once.
    pow_salt = models.CharField(max_length=100, null=True, blank=True, unique=True, editable=False)
    network_listed = models.CharField(_("network on a list"), max_length=5, blank=True, help_text=_("allow or block"))
    flag_reason = models.CharField(_("why flagged"), max_length=200, blank=True)
    # For partners (the api app). The public identifier never changes; the person id is derived
    # from the keyed email hash (emails.person_id), so one person's signatures share it.
    # modified_at moves whenever the row enters or leaves what partners see (counting.py).
    public_id = models.UUIDField(default=uuid.uuid4, editable=False)
    person_id = models.UUIDField(null=True, editable=False)
    modified_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recorded_signatures",
        verbose_name=_("recorded by partner"),
        help_text=_("The partner organization that sent this signature through the API."),
    )
    # Where the form was: this site, or the embedded form on a partner's site (views.embed). The
    # partner comes from the embed's own address (its key), not from anything about the visitor.
    source = models.CharField(
        _("signed on"), max_length=8, blank=True, default="", choices=[("", _("this site")), ("embed", _("an embedded form"))]
    )
    embed_partner = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,  # the partial index sig_by_embed: most rows have none
        related_name="embedded_signatures",
        verbose_name=_("through the embed of"),
        help_text=_("The partner organization whose embedded form (its embed key) this signature came through."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        # Beyond view and change: erasing a signer and handing on their data need their own grant.
        permissions = [
            ("erase_signature", _("Can erase a signer's data")),
            ("export_signature", _("Can export signatures as CSV")),
            # The only export with email addresses: its own grant (the Coordinator role).
            ("export_supporters", _("Can export supporters who asked for updates (with their emails)")),
        ]
        constraints = [
            # One signature per address per campaign, enforced by the database
            # so that two simultaneous submissions cannot both get in.
            models.UniqueConstraint(fields=["campaign", "email_hash"], name="one_signature_per_email"),
        ]
        indexes = [
            models.Index(fields=["campaign", "state", "verified_at"], name="sig_public_list"),
            models.Index(fields=["created_at"], name="sig_created"),
            # The outbox, in the order it sends: rows the abuse checks let through, rows not
            # checked yet, flagged rows last (each row is in one of them; see outbox.py).
            models.Index(fields=["id"], condition=~Q(email_due="") & OUTBOX_CLEARED, name="sig_outbox"),
            models.Index(fields=["id"], condition=~Q(email_due="") & OUTBOX_UNCHECKED, name="sig_outbox_unchecked"),
            models.Index(fields=["id"], condition=~Q(email_due="") & OUTBOX_FLAGGED, name="sig_outbox_flagged"),
            models.Index(fields=["campaign"], condition=Q(counted=False, state=State.VERIFIED), name="sig_to_count"),
            models.Index(fields=["id"], condition=Q(checked=False), name="sig_to_check"),
            models.Index(fields=["campaign", "ip_hash", "created_at"], name="sig_by_network"),
            models.Index(fields=["campaign", "email_domain", "created_at"], name="sig_by_domain"),
            models.Index(
                fields=["campaign"], condition=Q(counted=True) & ~Q(state=State.VERIFIED), name="sig_to_uncount"
            ),
            # What partners page through (the api app): partial, so signing never writes them.
            models.Index(fields=["campaign", "id"], condition=PARTNER_VISIBLE, name="sig_api_list"),
            models.Index(fields=["campaign", "modified_at", "id"], condition=PARTNER_VISIBLE, name="sig_api_modified"),
            models.Index(fields=["public_id"], condition=PARTNER_VISIBLE, name="sig_api_public_id"),
            models.Index(fields=["person_id"], condition=PARTNER_VISIBLE, name="sig_api_person"),
            # Signatures per partner's embed (the organizations admin).
            models.Index(fields=["embed_partner", "state"], condition=Q(embed_partner__isnull=False), name="sig_by_embed"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.ORGANIZATION:
            return self.organization
        return self.name

    @property
    def place(self) -> str:
        return ", ".join(p for p in (self.city, self.us_state) if p)

    @property
    def is_public(self) -> bool:
        if self.state != State.VERIFIED:
            return False
        if self.kind == self.Kind.ORGANIZATION:
            return self.approved_at is not None
        return self.show_name


class Count(models.Model):
    """Verified signatures per campaign, kind and US state, kept by a batched job.

    Signing never writes here: one job folds newly verified rows in every few
    seconds, so a viral petition has no single hot row.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="counts")
    kind = models.CharField(max_length=12, choices=Signature.Kind.choices)
    us_state = models.CharField(max_length=2, blank=True)
    total = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "kind", "us_state"], name="one_count_per_bucket")]
        verbose_name = _("count")
        verbose_name_plural = _("counts")

    def __str__(self):
        return f"{self.campaign_id}/{self.kind}/{self.us_state}: {self.total}"


class EmailShare(models.Model):
    """A signer ticked "Share my email with <organization>" (or that partner recorded the signature)."""

    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="email_shares")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="email_shares")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["signature", "organization"], name="one_share_per_partner")]
        verbose_name = _("email shared with a partner")
        verbose_name_plural = _("emails shared with partners")

    def __str__(self):
        return f"{self.signature_id} -> {self.organization_id}"


class DeletedSignature(models.Model):
    """A tombstone: a signature partners could see is gone (withdrawn, erased, invalidated or flagged).

    Partners fetch these on their next sync and delete their copy. No personal
    data: the public identifiers only. Kept TOMBSTONE_DAYS (purge.py).
    """

    public_id = models.UUIDField(editable=False)
    person_id = models.UUIDField(null=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deleted_signatures")
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["campaign", "deleted_at", "id"], name="deleted_sig_sync")]
        verbose_name = _("deleted signature")
        verbose_name_plural = _("deleted signatures")

    def __str__(self):
        return str(self.public_id)

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pages.models import Organization
from signatures.models import Campaign


class ApiToken(models.Model):
    """A partner organization's key to the OSDI / Action Network API (README, "For partners").

    Only a hash of the key is stored: it is shown once, when made. What it
    may do is its scope: read the confirmed signatures of its campaigns
    (always), record signatures (can_record), see the email addresses of
    signers who chose to share theirs with this organization (can_see_emails).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("partner organization")
    )
    name = models.CharField(_("label"), max_length=100, blank=True, help_text=_("What it is for, e.g. 'nightly sync'."))
    key_prefix = models.CharField(_("key starts with"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    campaigns = models.ManyToManyField(Campaign, related_name="api_tokens", verbose_name=_("campaigns it may read"))
    can_record = models.BooleanField(_("may record signatures"), default=False)
    can_see_emails = models.BooleanField(
        _("may see shared email addresses"),
        default=False,
        help_text=_('Only of signers who ticked "Share my email with" this organization.'),
    )
    own_double_opt_in = models.BooleanField(
        _("records confirmed signatures"),
        default=False,
        help_text=_(
            "The partner confirms each address itself (double opt-in): its signatures count without our confirmation email."
        ),
    )
    requests_per_second = models.PositiveSmallIntegerField(
        _("requests per second"), default=4, help_text=_("Past this, the API answers 429 (Action Network allows 4).")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["organization__name", "-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        label = f" ({self.name})" if self.name else ""
        return f"{self.organization}{label}: {self.key_prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

import re

from django import forms
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from core.us_states import PLACE_NAMES
from core.validators import no_html, single_line

from . import us_zip

ZIP_RE = re.compile(r"^\d{5}(-\d{4})?$")

STATE_CHOICES = [("", _("Choose a state")), *sorted(PLACE_NAMES.items(), key=lambda kv: kv[1])]


def text_field(label, max_length, required=True, **kwargs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        validators=[no_html, single_line],
        error_messages={
            "required": _("Please fill in this field."),
            "max_length": _("Please keep this under %(limit_value)d characters (it has %(show_value)d)."),
        },
        **kwargs,
    )


def email_partners(campaign) -> list[tuple[int, str]]:
    """The partners a signer may share their email with, as (id, name); cached like the campaign (views.get_campaign)."""
    key = f"campaign-email-partners:{campaign.pk}"
    partners = cache.get(key)
    if partners is None:
        partners = list(campaign.email_partners.order_by("name").values_list("pk", "name"))
        cache.set(key, partners, 5)
    return partners


class SignForm(forms.Form):
    """An individual's signature. The view picks which fields a campaign asks for."""

    name = text_field(_("Full name"), 100, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        validators=[single_line],
        help_text=_("We send you a link to confirm. Your address is never shown."),
        error_messages={
            "required": _("Please give your email address: we send you a link to confirm."),
            "invalid": _("Please enter a valid email address, like name@example.org."),
            "max_length": _("Please enter a valid email address: at most %(limit_value)d characters."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    zip_code = forms.CharField(
        label=_("ZIP code"),
        max_length=10,
        help_text=_("Five digits. We use it to count signatures by state."),
        error_messages={"required": _("Please give your ZIP code.")},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    show_name = forms.BooleanField(
        label=_("Show my name, city and state on the public list of signers"), required=False
    )
    wants_updates = forms.BooleanField(label=_("Email me updates about this campaign"), required=False)
    # Bots fill every field; people never see this one (hidden by CSS, skipped by screen readers).
    website = forms.CharField(required=False, label=_("Leave this empty"))
    # The browser's proof of work (defence/pow.py), filled in by pow.js; empty without JavaScript.
    pow = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        if not campaign.asks_zip:
            self.fields["zip_code"].required = False
            self.fields["zip_code"].help_text = _("Five digits.")
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        # One unticked choice per partner organization that may receive signers' emails (the partner API).
        for pk, name in email_partners(campaign):
            self.fields[f"share_{pk}"] = forms.BooleanField(
                label=_("Share my email with %(organization)s") % {"organization": name}, required=False
            )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not any(ch.isalpha() for ch in name):
            raise forms.ValidationError(_("Please write your name with letters."))
        return name

    def clean_zip_code(self):
        zip_code = self.cleaned_data["zip_code"].strip()
        if not zip_code:
            return ""
        if not ZIP_RE.match(zip_code):
            raise forms.ValidationError(_("Please enter a 5-digit US ZIP code, like 60614."))
        if us_zip.lookup(zip_code) is None:
            raise forms.ValidationError(_("We could not find ZIP code %(zip)s. Please check it.") % {"zip": zip_code})
        return zip_code[:5]

    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def share_with(self) -> list[int]:
        """The partner organizations (ids) whose box the signer ticked."""
        return [int(name[6:]) for name, value in self.cleaned_data.items() if name.startswith("share_") and value]

    def signature_fields(self) -> dict:
        data = self.cleaned_data
        city, us_state = us_zip.lookup(data["zip_code"]) if data["zip_code"] else ("", "")
        return {
            "name": data["name"],
            "zip_code": data["zip_code"],
            "city": city,
            "us_state": us_state,
            "show_name": data["show_name"],
            "wants_updates": data["wants_updates"],
        }


class OrganizationSignForm(SignForm):
    """An organization signing an open letter; shown publicly once an organizer approves it."""

    organization = text_field(
        _("Organization name"), 200, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    organization_url = forms.URLField(
        label=_("Organization website"),
        required=False,
        max_length=200,
        error_messages={"invalid": _("Please enter a full web address, like https://example.org.")},
    )
    city = text_field(_("City"), 100)
    us_state = forms.ChoiceField(
        label=_("State"), choices=STATE_CHOICES, error_messages={"required": _("Please choose a state.")}
    )
    role = text_field(
        _("Your role in the organization"), 100, widget=forms.TextInput(attrs={"autocomplete": "organization-title"})
    )

    field_order = ["organization", "organization_url", "city", "us_state", "name", "role", "email", "wants_updates"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["zip_code"]
        del self.fields["show_name"]
        self.fields["name"].label = _("Contact person")
        self.fields["name"].help_text = _("Not shown publicly.")

    def signature_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "organization": " ".join(data["organization"].split()),
            "organization_url": data["organization_url"],
            "role": data["role"],
            "city": data["city"].strip(),
            "us_state": data["us_state"],
            "wants_updates": data["wants_updates"],
            "kind": "organization",
        }

from django import forms
from django.utils.translation import gettext_lazy as _

from core.us_states import PLACE_NAMES as STATE_NAMES

from . import services
from .models import Delivery
from .selection import Filters

STATES = sorted(STATE_NAMES.items(), key=lambda kv: kv[1])


class DeliveryForm(forms.ModelForm):
    """The organizer's request: which campaign, to whom, and which signers (no filter: all of them)."""

    us_states = forms.MultipleChoiceField(
        label=_("Only signers in these states"), choices=STATES, required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("None selected: every state."),
    )  # fmt: skip
    city_state = forms.ChoiceField(label=_("State of the city"), choices=[("", "---------"), *STATES], required=False)

    class Meta:
        model = Delivery
        fields = ["campaign", "recipient", "delivered_on", "listed", "us_states", "signed_from", "signed_until",
                  "local_action", "city", "city_state"]  # fmt: skip
        help_texts = {
            "local_action": _("Only its residents: signers whose city and state are the local fight's."),
            "city": _("Or type a city (with its state) to deliver only its residents' signatures."),
            "signed_from": _("Dates in the site's time zone."),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("signed_from"), data.get("signed_until")
        if start and end and start > end:
            self.add_error("signed_until", _("The end of the date range is before its start."))
        local_action = data.get("local_action")
        city, city_state = (data.get("city") or "").strip(), data.get("city_state") or ""
        if local_action:
            if city and (city.casefold(), city_state) != (local_action.city.casefold(), local_action.state):
                self.add_error("city", _("Choose a local fight or type a city, not both."))
            city, city_state = local_action.city, local_action.state
        elif city and not city_state:
            self.add_error("city_state", _("Which state is the city in?"))
        elif city_state and not city:
            self.add_error("city", _("Type the city's name, or leave its state empty."))
        data["city"], data["city_state"] = city, city_state
        campaign = data.get("campaign")
        if self.errors or campaign is None:
            return data
        self.filters = Filters(
            us_states=tuple(data.get("us_states") or ()), signed_from=start, signed_until=end,
            city=city, city_state=city_state,
        )  # fmt: skip
        try:
            self.selected = services.check_selection(campaign, self.filters)
        except services.NothingToDeliver as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


class CheckForm(forms.Form):
    code = forms.CharField(
        label=_("Your receipt code"), max_length=60,
        help_text=_("It is in the email that asked you to confirm your signature, e.g. 1234-0123456789ABCDEF0123."),
        error_messages={"required": _("Please paste the receipt code from your email.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )  # fmt: skip

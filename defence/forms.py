"""Bot traps shared by the public forms that store what people type (contact, local fights)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.privacy import request_ip_hash

from . import pow, throttle

# Submissions per network per hour; far fewer for forms sent without the browser check.
LIMIT_WITH_CHECK, LIMIT_WITHOUT_CHECK = 10, 3


class BotTrapForm(forms.Form):
    # Bots fill every field; people never see this one (off-screen, skipped by screen readers).
    website = forms.CharField(required=False, label=gettext_lazy("Leave this empty"))
    # The browser's proof of work (defence/pow.py), filled in by pow.js; empty without JavaScript.
    pow = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})


class Verdict:
    BOT = "bot"  # thank it, store nothing
    HELD = "held"  # store it, but notify no one
    OK = "ok"
    REFUSED = "refused"  # a bad proof of work: the form shows an error


def screen(request, form, scope: str) -> str:
    """Judge a valid form's submission before it is stored."""
    if form.cleaned_data.get("website"):
        return Verdict.BOT
    solved = False
    network = request_ip_hash(request)
    if form.cleaned_data.get("pow"):
        try:
            salt = pow.verify_once(form.cleaned_data["pow"])
        except pow.Invalid:
            form.add_error(None, _("The automatic spam check did not work. Please send the form again."))
            return Verdict.REFUSED
        email = form.cleaned_data.get("email") or form.cleaned_data.get("contact_email") or ""
        solved = pow.bound_to(salt, None, network, email)  # made for another network: counts as none
    limit = LIMIT_WITH_CHECK if solved else LIMIT_WITHOUT_CHECK
    if throttle.over_limit(f"{scope}:{network}", limit, 3600):
        return Verdict.HELD
    return Verdict.OK

import re

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from core.validators import no_control_characters_multiline, no_html, single_line
from defence.forms import BotTrapForm

from . import residency
from .models import LETTER_MAX_LENGTH, Official

ZIP_RE = re.compile(r"^\d{5}(-\d{4})?$")


class LetterForm(BotTrapForm):
    name = forms.CharField(
        label=_("Full name"),
        max_length=100,
        validators=[no_html, single_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Please give your name: officials read letters from people, not from addresses.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        validators=[single_line],
        help_text=_("We send you a link to confirm. Nothing is sent to the council before you click it."),
        error_messages={
            "required": _("Please give your email address: we send you a link to confirm."),
            "invalid": _("Please enter a valid email address, like name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    zip_code = forms.CharField(
        label=_("ZIP code"),
        max_length=10,
        help_text=_("Five digits. Councils read letters from their residents first."),
        error_messages={"required": _("Please give your ZIP code.")},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    body = forms.CharField(
        label=_("Your letter"),
        max_length=LETTER_MAX_LENGTH,
        validators=[no_html, no_control_characters_multiline],
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Edit it as you like: a few words of your own carry weight. At most 5,000 characters."),
        error_messages={
            "required": _("Please write your letter (or keep the suggested one)."),
            "max_length": _("Please keep your letter under %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    reply_ok = forms.BooleanField(
        label=_("Give the officials my email address so they can reply to me"), required=False
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not any(ch.isalpha() for ch in name):
            raise forms.ValidationError(_("Please write your name with letters."))
        return name

    def clean_zip_code(self):
        zip_code = self.cleaned_data["zip_code"].strip()
        if not ZIP_RE.match(zip_code):
            raise forms.ValidationError(_("Please enter a 5-digit US ZIP code, like 60614."))
        if residency.place(zip_code) is None:
            raise forms.ValidationError(_("We could not find this ZIP code. Please check it."))
        return zip_code[:5]

    def clean_body(self):
        body = self.cleaned_data["body"].replace("\r\n", "\n").strip()
        if not body:
            raise forms.ValidationError(_("Please write your letter (or keep the suggested one)."))
        return body


class OfficialsImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: name, role, title, district, email, zip_codes (a header row; role and the rest optional)."),
    )
    replace = forms.BooleanField(
        label=_("Replace the current list (the examples included)"), required=False, initial=True
    )


ROLE_WORDS = {
    "council": Official.Role.COUNCIL_MEMBER,
    "council member": Official.Role.COUNCIL_MEMBER,
    "councilmember": Official.Role.COUNCIL_MEMBER,
    "alderman": Official.Role.COUNCIL_MEMBER,
    "alderperson": Official.Role.COUNCIL_MEMBER,
    "mayor": Official.Role.MAYOR,
    "chair": Official.Role.CHAIR,
    "committee chair": Official.Role.CHAIR,
}


def parse_role(value: str) -> str:
    return ROLE_WORDS.get(value.strip().lower(), Official.Role.OTHER if value.strip() else Official.Role.COUNCIL_MEMBER)


def check_email(value: str) -> bool:
    try:
        validate_email(value)
    except forms.ValidationError:
        return False
    return True

from zoneinfo import available_timezones

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from local_actions.models import LocalAction

from . import importer, schemas
from .models import DispositionClass

# US zones first (what a US city uses), then every other.
ZONES = sorted(available_timezones(), key=lambda z: (not z.startswith(("America/", "Pacific/Honolulu", "US/")), z))


class UploadForm(forms.Form):
    action = forms.ModelChoiceField(LocalAction.objects.all(), label=_("Local fight"))
    file = forms.FileField(label=_("The city's alert data (CSV)"))
    schema = forms.ChoiceField(
        label=_("Saved columns"),
        required=False,
        choices=[("", _("Recognise the file's columns"))] + [(s.name, s.label) for s in schemas.SCHEMAS.values()],
        help_text=_("Known exports are recognised by their header; you can check and change every column on the next page."),
    )


class MappingForm(forms.Form):
    """Which column holds what, the time zone and the city radius; and what each disposition code means."""

    def __init__(self, *args, header: list[str], codes=(), meanings=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(not in this file)"))] + [(h, h) for h in header]
        for field, label in schemas.FIELDS.items():
            self.fields[field] = forms.ChoiceField(label=label, choices=choices, required=False)
        self.fields["time_zone"] = forms.ChoiceField(
            label=_("The city's time zone"),
            choices=[(z, z) for z in ZONES],
            help_text=_("Times without a zone are read as local; times in UTC are converted to it."),
        )
        self.fields["dayfirst"] = forms.BooleanField(label=_("Dates are written day before month (31/12/2023)"), required=False)
        self.fields["radius_km"] = forms.IntegerField(
            label=_("City radius in km"),
            min_value=1,
            max_value=500,
            help_text=_("Alerts with coordinates farther than this from the city centre are skipped as outside the city."),
        )
        self.codes = list(codes)
        meanings = meanings or {}
        for i, (code, count) in enumerate(self.codes):
            self.fields[f"code_{i}"] = forms.ChoiceField(
                label=code or _("(empty)"),
                choices=DispositionClass.choices,
                initial=meanings.get(code.upper(), DispositionClass.UNKNOWN),
                help_text=_("%(count)s of the first rows") % {"count": count},
            )

    def clean(self):
        data = super().clean()
        chosen = {field for field in schemas.FIELDS if data.get(field)}
        try:
            importer.check_mapping(chosen)
        except importer.ImportProblem as problem:
            raise ValidationError(str(problem)) from None
        return data

    def mapping(self) -> dict:
        return {field: self.cleaned_data[field] for field in schemas.FIELDS if self.cleaned_data.get(field)}

    def meanings(self) -> dict:
        return {code: self.cleaned_data[f"code_{i}"] for i, (code, _count) in enumerate(self.codes) if code}

    def code_fields(self):
        return [self[f"code_{i}"] for i in range(len(self.codes))]

    def column_fields(self):
        return [self[field] for field in schemas.FIELDS]


class MeaningsForm(forms.Form):
    """What each of a city's disposition codes means (after import, from every code in the data)."""

    def __init__(self, *args, codes=(), meanings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = list(codes)
        meanings = meanings or {}
        for i, (code, count) in enumerate(self.codes):
            self.fields[f"code_{i}"] = forms.ChoiceField(
                label=code or _("(empty)"),
                choices=DispositionClass.choices,
                initial=meanings.get(code.upper(), DispositionClass.UNKNOWN),
                help_text=_("%(count)s alerts") % {"count": f"{count:,}"},
            )

    def meanings(self) -> dict:
        return {code: self.cleaned_data[f"code_{i}"] for i, (code, _count) in enumerate(self.codes) if code}

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.us_states import STATES

from .models import MAX_RADIUS_MILES, Update


class UpdateForm(forms.ModelForm):
    us_states = forms.MultipleChoiceField(
        label=_("States"), choices=STATES, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("When sending to supporters in some states."),
    )  # fmt: skip

    class Meta:
        model = Update
        fields = ["campaign", "subject", "body", "audience", "us_states", "local_action", "near", "radius_miles"]
        error_messages = {
            "subject": {"required": _("Please write a subject.")},
            "body": {"required": _("Please write the text of the update.")},
        }
        help_texts = {
            "local_action": _("When sending to supporters near a local fight."),
            "radius_miles": _("Only with “Within a radius”: 1 to %(max)d miles around the fight's marker on the map.")
            % {"max": MAX_RADIUS_MILES},
        }

    def clean_subject(self):
        subject = " ".join(self.cleaned_data["subject"].split())
        if not subject:
            raise forms.ValidationError(_("Please write a subject."))
        return subject

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("Please write the text of the update."))
        return body

    def clean(self):
        data = super().clean()
        audience = data.get("audience")
        if audience == Update.Audience.STATES and not data.get("us_states"):
            self.add_error("us_states", _("Choose at least one state, or send to everyone."))
        if audience == Update.Audience.LOCAL:
            action = data.get("local_action")
            if action is None:
                self.add_error("local_action", _("Choose the local fight whose supporters get this update."))
            elif data.get("near") == Update.Near.RADIUS:
                if not data.get("radius_miles"):
                    self.add_error("radius_miles", _("Give the radius in miles (1 to %(max)d).") % {"max": MAX_RADIUS_MILES})
                if action.latitude is None or action.longitude is None:
                    self.add_error("near", _("This local fight has no map coordinates: choose its city instead, or add them."))
        return data


class ActionForm(forms.Form):
    """The start/schedule button's optional time, and the test email's language."""

    when = forms.DateTimeField(
        label=_("Start at"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        error_messages={"invalid": _("Please give a date and time like 2026-05-01 18:30.")},
    )  # fmt: skip
    language = forms.ChoiceField(choices=settings.LANGUAGES, required=False)

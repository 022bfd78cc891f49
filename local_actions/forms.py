from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from core.us_states import STATES
from core.validators import no_control_characters_multiline, no_html, single_line
from defence.forms import BotTrapForm

from .models import STATUS_DESCRIPTIONS, Status, Submission


class SubmissionForm(BotTrapForm, forms.ModelForm):
    """'Add your local fight': what a local group tells us, for an organizer to review."""

    class Meta:
        model = Submission
        fields = [
            "city",
            "state",
            "status",
            "description",
            "source_url",
            "group_name",
            "group_url",
            "contact_name",
            "contact_email",
        ]
        labels = {
            "city": _("City or county"),
            "state": _("State"),
            "status": _("Where things stand"),
            "description": _("What is happening"),
            "source_url": _("A link about it"),
            "group_name": _("Your group's name"),
            "group_url": _("Your group's website or social media page"),
            "contact_name": _("Your name"),
            "contact_email": _("Your email"),
        }
        help_texts = {
            "description": _("A council vote, a budget fight, a contract up for renewal, a lawsuit: tell us in a few lines."),
            "source_url": _("A news article, a council agenda, or your own post. Starts with https://"),
            "group_url": _("Shown on the city's page so people can join you."),
            "contact_email": _("Only the coalition's organizers see your name and email, to follow up with you."),
        }
        widgets = {
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "source_url": forms.URLInput(attrs={"inputmode": "url"}),
            "group_url": forms.URLInput(attrs={"inputmode": "url"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        error_messages = {
            "city": {
                "required": _("Please tell us the city."),
                "max_length": _("Please keep the city under %(limit_value)d characters."),
            },
            "state": {
                "required": _("Please choose the state."),
                "invalid_choice": _("Please choose a state from the list."),
            },
            "status": {
                "required": _("Please choose where things stand."),
                "invalid_choice": _("Please choose one of the options."),
            },
            "description": {
                "required": _("Please tell us what is happening."),
                "max_length": _("Please keep this under %(limit_value)d characters (it has %(show_value)d)."),
            },
            "source_url": {
                "invalid": _("Please enter a full web address, like https://example.org/news."),
                "max_length": _("Please keep the link under %(limit_value)d characters."),
            },
            "group_name": {"max_length": _("Please keep the group's name under %(limit_value)d characters.")},
            "group_url": {
                "invalid": _("Please enter a full web address, like https://example.org."),
                "max_length": _("Please keep the link under %(limit_value)d characters."),
            },
            "contact_name": {
                "required": _("Please tell us your name."),
                "max_length": _("Please keep your name under %(limit_value)d characters."),
            },
            "contact_email": {
                "required": _("Please give an email address so we can reach you."),
                "invalid": _("Please enter a valid email address, like name@example.org."),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Choose a state")), *STATES]
        self.fields["status"].choices = [("", _("Choose one"))] + [
            (value, f"{label}: {STATUS_DESCRIPTIONS[value]}") for value, label in Status.choices
        ]
        for name in ("city", "group_name", "contact_name"):
            self.fields[name].validators += [no_html, single_line]
        self.fields["description"].validators += [no_html, no_control_characters_multiline]
        for name in ("source_url", "group_url", "contact_email"):
            self.fields[name].validators += [single_line]
        # An address typed without a scheme ("example.org") becomes https://, not Django 5's http://.
        web_only = URLValidator(schemes=["http", "https"], message=_("Please enter a full web address, starting with https://"))
        for name in ("source_url", "group_url"):
            self.fields[name].assume_scheme = "https"
            self.fields[name].validators.append(web_only)

    def clean_city(self):
        return " ".join(self.cleaned_data["city"].split())

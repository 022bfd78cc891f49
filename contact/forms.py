from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import no_control_characters_multiline, no_html, single_line
from defence.forms import BotTrapForm

from .models import ContactMessage


class ContactForm(BotTrapForm, forms.ModelForm):
    class Meta:
        model = ContactMessage
        fields = ["name", "email", "subject", "message"]
        labels = {
            "name": _("Your name"),
            "email": _("Your email"),
            "subject": _("Subject"),
            "message": _("Your message"),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "message": forms.Textarea(attrs={"rows": 6}),
        }
        error_messages = {
            "name": {
                "required": _("Please tell us your name."),
                "max_length": _("Please keep your name under %(limit_value)d characters."),
            },
            "email": {
                "required": _("Please give an email address so we can reply."),
                "invalid": _("Please enter a valid email address, like name@example.org."),
            },
            "message": {
                "required": _("Please write a message."),
                "max_length": _("Please keep your message under %(limit_value)d characters (it has %(show_value)d)."),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "subject"):
            self.fields[name].validators += [no_html, single_line]
        self.fields["message"].validators += [no_html, no_control_characters_multiline]
        self.fields["email"].validators += [single_line]

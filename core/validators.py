"""Validators for text typed by visitors."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

HTML_RE = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|&#?\w+;")


def no_html(value: str) -> None:
    if HTML_RE.search(value or ""):
        raise ValidationError(_("Please remove the HTML tags or entities (text between < and >)."), code="html")


def no_control_characters(value: str, allow_newlines: bool = False) -> None:
    for char in value or "":
        if allow_newlines and char in "\r\n\t":
            continue
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co"):
            raise ValidationError(_("Please remove invisible control characters."), code="control")


def no_control_characters_multiline(value: str) -> None:
    no_control_characters(value, allow_newlines=True)


def single_line(value: str) -> None:
    no_control_characters(value, allow_newlines=False)

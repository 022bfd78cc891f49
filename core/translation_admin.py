"""The admin for content written in every language (see README "Languages").

`BilingualAdmin` is django-modeltranslation's `TranslationAdmin` with each translated
field's languages on one row, English beside Spanish (Django's own multi-field row,
which stacks on a narrow screen). No tabs: modeltranslation's tabbed admin loads
jQuery UI from a CDN, which our content security policy forbids, and a row needs
no script at all.

Each content admin also gets a "Spanish" column (Yes, or which fields are missing)
and a "Spanish translation: Missing / Complete" filter. A field counts as missing when it has
English text and no text in the other language.
"""

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from modeltranslation.settings import DEFAULT_LANGUAGE
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

LANGUAGE_NAMES = dict(settings.LANGUAGES)


def translated_fields(model) -> list[str]:
    return list(translator.get_options_for_model(model).all_fields)


def missing_q(model, language: str) -> Q:
    """Rows where some translated field has English text and none in `language`."""
    q = Q()
    for name in translated_fields(model):
        original = build_localized_fieldname(name, DEFAULT_LANGUAGE)
        other = build_localized_fieldname(name, language)
        has_original = ~Q(**{f"{original}__isnull": True}) & ~Q(**{original: ""})
        q |= has_original & (Q(**{f"{other}__isnull": True}) | Q(**{other: ""}))
    return q


def missing_fields(obj, language: str) -> list[str]:
    names = []
    for name in translated_fields(type(obj)):
        if getattr(obj, build_localized_fieldname(name, DEFAULT_LANGUAGE)) and not getattr(
            obj, build_localized_fieldname(name, language)
        ):
            names.append(str(type(obj)._meta.get_field(name).verbose_name))
    return names


class MissingSpanishFilter(admin.SimpleListFilter):
    title = _("Spanish translation")  # the admin shows "By Spanish translation: Missing / Complete"
    parameter_name = "missing_es"

    def lookups(self, request, model_admin):
        return [("yes", _("Missing")), ("no", _("Complete"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(missing_q(queryset.model, "es"))
        if self.value() == "no":
            return queryset.exclude(missing_q(queryset.model, "es"))
        return queryset


def side_by_side(model, fields):
    """["title_en", "title_es", "slug"] -> [("title_en", "title_es"), "slug"]."""
    rows, group, group_of = [], [], None
    for field in fields:
        original = _original_name(model, field)
        if original is not None and original == group_of:
            group.append(field)
            continue
        if group:
            rows.append(tuple(group))
        group, group_of = ([field], original) if original is not None else ([], None)
        if original is None:
            rows.append(field)
    if group:
        rows.append(tuple(group))
    return rows


def _original_name(model, field):
    if not isinstance(field, str):
        return None
    try:
        translated = getattr(model._meta.get_field(field), "translated_field", None)
    except FieldDoesNotExist:  # a readonly method
        return None
    return translated.name if translated is not None else None


class LanguageLabels:
    """Labels "Title (English)" and "Title (Español)" rather than modeltranslation's "Title [en]"."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        original = getattr(db_field, "translated_field", None)
        if field is not None and original is not None:
            field.label = _("%(field)s (%(language)s)") % {
                "field": capfirst(original.verbose_name),
                "language": LANGUAGE_NAMES.get(db_field.language, db_field.language),
            }
        return field


class BilingualMixin(LanguageLabels):
    """Languages side by side; search in every language."""

    class Media:
        css = {"all": ["css/translation-admin.css"]}

    def get_fieldsets(self, request, obj=None):
        return [
            (name, {**options, "fields": side_by_side(self.model, options["fields"])})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_search_fields(self, request):
        return self.replace_orig_field(super().get_search_fields(request))


class BilingualAdmin(BilingualMixin, TranslationAdmin):
    """Put first in the bases: `class PageAdmin(BilingualAdmin, AuditedAdmin)`."""

    def get_list_display(self, request):
        # Second, after the item's name: the list is narrow at 1280 px and its last columns scroll out of view.
        shown = [name for name in super().get_list_display(request) if name != "spanish"]
        return [*shown[:1], "spanish", *shown[1:]]

    def get_list_filter(self, request):
        shown = list(super().get_list_filter(request))  # second, above any long list (the states)
        return [*shown[:1], MissingSpanishFilter, *shown[1:]]

    @admin.display(description=_("Spanish"))
    def spanish(self, obj):
        missing = missing_fields(obj, "es")
        if not missing:
            return _("Yes")
        return _("Missing: %(fields)s") % {"fields": ", ".join(missing)}


class BilingualTabularInline(LanguageLabels, TranslationTabularInline):
    """A table's languages are columns already: English, then Spanish."""

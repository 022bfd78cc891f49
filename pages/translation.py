"""Fields organizers write in each language (django-modeltranslation; see README "Languages")."""

from modeltranslation.translator import TranslationOptions, register

from .models import Organization, Page, SiteSettings


@register(SiteSettings)
class SiteSettingsTranslation(TranslationOptions):
    fields = ("site_name", "headline", "case", "intro", "coalition_summary")


@register(Page)
class PageTranslation(TranslationOptions):
    fields = ("title", "summary", "body")


@register(Organization)
class OrganizationTranslation(TranslationOptions):
    fields = ("description",)

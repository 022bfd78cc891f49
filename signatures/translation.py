from modeltranslation.translator import TranslationOptions, register

from .models import Campaign


@register(Campaign)
class CampaignTranslation(TranslationOptions):
    fields = ("title", "target", "summary", "body")

from modeltranslation.translator import TranslationOptions, register

from .models import LocalAction, LocalActionSource, Statistic


@register(LocalAction)
class LocalActionTranslation(TranslationOptions):
    fields = ("summary", "money", "facts", "next_meeting")


@register(LocalActionSource)
class LocalActionSourceTranslation(TranslationOptions):
    fields = ("note",)


@register(Statistic)
class StatisticTranslation(TranslationOptions):
    fields = ("text",)

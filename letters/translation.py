from modeltranslation.translator import TranslationOptions, register

from .models import LetterAction


@register(LetterAction)
class LetterActionTranslation(TranslationOptions):
    fields = ("subject", "suggested_text", "decision", "result")

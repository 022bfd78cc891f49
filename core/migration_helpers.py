"""Small helpers shared by migrations."""

from django.db.models import F


def fill_default_language(app_label: str, fields_by_model: dict[str, list[str]], language: str = "en"):
    """A RunPython step: copy each translated field's existing value into its default-language column.

    django-modeltranslation adds `<field>_en` and `<field>_es` next to `<field>`; rows
    written before had their text in `<field>` only.
    """

    def forwards(apps, schema_editor):
        for model_name, fields in fields_by_model.items():
            model = apps.get_model(app_label, model_name)
            model.objects.update(**{f"{field}_{language}": F(field) for field in fields})

    return forwards

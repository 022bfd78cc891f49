"""Loading the default content shipped in default_content/*.toml.

Each app has a `default_content.load(data, once)` that creates its objects.
`once(key)` is true the first time a key is seen and records it, so a second
run creates nothing, and an item an organizer deleted does not come back.
"""

import tomllib
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from .models import LoadedDefault

DEFAULT_DIR = Path(settings.BASE_DIR) / "default_content"


def read(name: str, directory: Path = DEFAULT_DIR) -> dict:
    path = directory / name
    if not path.exists():
        return {}
    with path.open("rb") as f:
        return tomllib.load(f)


class Once:
    def __init__(self):
        self.seen = set(LoadedDefault.objects.values_list("key", flat=True))
        self.created = 0

    def __call__(self, key: str) -> bool:
        if key in self.seen:
            return False
        LoadedDefault.objects.create(key=key)
        self.seen.add(key)
        self.created += 1
        return True


def load_all(directory: Path = DEFAULT_DIR) -> int:
    """Load every app's default content; returns how many items were new."""
    once = Once()
    with transaction.atomic():
        for path in settings.DEFAULT_CONTENT_LOADERS:
            import_string(path)(directory, once)
    return once.created


def spanish(entry: dict) -> dict:
    """Take the `<field>_es` keys out of a TOML entry (stripped like the English text)."""
    return {key: entry.pop(key).strip() for key in [k for k in entry if k.endswith("_es")]}


def add_translations(obj, values: dict) -> None:
    """Give a row loaded before its translation existed the translated text.

    Only fills empty fields, so an organizer's own translation is never overwritten.
    """
    missing = {key: value for key, value in values.items() if obj is not None and not getattr(obj, key)}
    if missing:
        type(obj).objects.filter(pk=obj.pk).update(**missing)

from core.default_content import add_translations, read, spanish
from press.models import PressItem

from .models import LocalAction, LocalActionSource, Statistic
from .services import unique_slug


def load(directory, once):
    data = read("local_actions.toml", directory)
    for entry in data.get("actions", []):
        key = f"local-action:{entry['city']}, {entry['state']}"
        fields = {k: v for k, v in entry.items() if k != "sources"}
        translated = spanish(fields)
        sources = [{**source} for source in entry.get("sources", [])]
        if once(key):
            fields["facts"] = fields.get("facts", "").strip()
            fields.setdefault("slug", unique_slug(entry["city"], entry["state"]))
            action, created = LocalAction.objects.get_or_create(
                city=entry["city"], state=entry["state"], defaults={**fields, **translated}
            )
            if created:
                LocalActionSource.objects.bulk_create(
                    LocalActionSource(action=action, position=i + 1, **source) for i, source in enumerate(sources)
                )
        # A site that loaded the English content before gets the Spanish once.
        if translated and once(f"{key}:es"):
            action = LocalAction.objects.filter(city=entry["city"], state=entry["state"]).first()
            add_translations(action, translated)
            for position, source in enumerate(sources, start=1):
                if action and source.get("note_es"):
                    add_translations(action.sources.filter(position=position).first(), {"note_es": source["note_es"]})
    for position, entry in enumerate(data.get("statistics", [])):
        entry = {**entry}
        key = f"statistic:{entry['text'][:80]}"
        translated = spanish(entry)
        if once(key):
            Statistic.objects.create(position=position, **entry, **translated)
        if translated and once(f"{key}:es"):
            add_translations(Statistic.objects.filter(text_en=entry["text"]).first(), translated)
    link_press(directory, once)


def link_press(directory, once):
    """Attach press items to the cities press.toml names in `cities` (press.toml is loaded first)."""
    actions = list(LocalAction.objects.all())
    for item in read("press.toml", directory).get("press", []):
        press = PressItem.objects.filter(title=item["title"]).first()
        for city in item.get("cities", []):
            matches = [a for a in actions if city.casefold() in (a.city.casefold(), str(a).casefold())]
            # Only once per pair, so a link an organizer removed stays removed.
            if press and matches and once(f"local-action-press:{item['title']}:{city}"):
                for action in matches:
                    action.press_items.add(press)

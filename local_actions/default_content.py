from core.default_content import read
from press.models import PressItem

from .models import LocalAction, LocalActionSource, Statistic
from .services import unique_slug


def load(directory, once):
    data = read("local_actions.toml", directory)
    for entry in data.get("actions", []):
        key = f"local-action:{entry['city']}, {entry['state']}"
        if not once(key):
            continue
        fields = {k: v for k, v in entry.items() if k != "sources"}
        fields["facts"] = fields.get("facts", "").strip()
        fields.setdefault("slug", unique_slug(entry["city"], entry["state"]))
        action, created = LocalAction.objects.get_or_create(city=entry["city"], state=entry["state"], defaults=fields)
        if created:
            LocalActionSource.objects.bulk_create(
                LocalActionSource(action=action, position=i + 1, **source) for i, source in enumerate(entry.get("sources", []))
            )
    for position, entry in enumerate(data.get("statistics", [])):
        if once(f"statistic:{entry['text'][:80]}"):
            Statistic.objects.create(position=position, **entry)
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

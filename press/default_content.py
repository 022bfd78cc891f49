from core.default_content import read

from .models import PressItem


def load(directory, once):
    for item in read("press.toml", directory).get("press", []):
        if once(f"press:{item['title']}"):
            fields = {k: item.get(k, "") for k in ("outlet", "date", "url")}
            PressItem.objects.get_or_create(title=item["title"], defaults=fields)

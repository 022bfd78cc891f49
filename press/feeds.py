import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from core import partial_dates
from pages.models import SiteSettings

from .models import PressItem
from .views import PER_PAGE

# The year in our tag: URIs (RFC 4151), fixed forever so an entry's id never changes.
TAG_YEAR = "2025"


def entry_id(item: PressItem) -> str:
    """A press item's permanent id (RFC 4287 atom:id, RSS guid): a tag: URI on our host and its primary key."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{TAG_YEAR}:press-item:{item.pk}"


class PressFeed(Feed):
    description = _("News coverage of ShotSpotter and the campaign to stop it.")

    def title(self):
        return _("%(site)s: in the news") % {"site": SiteSettings.load().site_name}

    def link(self):
        return settings.SITE_URL + reverse("press:list")

    def items(self):
        items = list(PressItem.objects.newest_first()[:50])
        # The feed lists the items in the press list's order: an item's index gives its page there.
        self._pages = {item.pk: index // PER_PAGE + 1 for index, item in enumerate(items)}
        return items

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        parts = [item.outlet, item.date_display]
        return ", ".join(p for p in parts if p)

    def item_link(self, item):
        """The article; an item without one links to the page of our press list that holds it."""
        if item.url:
            return item.url
        page = self._pages.get(item.pk, 1)
        query = f"?page={page}" if page > 1 else ""
        return f"{settings.SITE_URL}{reverse('press:list')}{query}#press-{item.pk}"

    def item_guid(self, item):
        return entry_id(item)

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        date = partial_dates.parse(item.date)
        if date is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(date, datetime.time(12)))

    def item_updateddate(self, item):
        # An undated item keeps the moment it was added, never the time of the request.
        return self.item_pubdate(item) or item.created_at


class PressAtomFeed(PressFeed):
    feed_type = Atom1Feed
    subtitle = PressFeed.description

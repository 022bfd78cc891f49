import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from core import partial_dates
from pages.models import SiteSettings

from .models import PressItem


class PressFeed(Feed):
    description = _("News coverage of ShotSpotter and the campaign to stop it.")

    def title(self):
        return _("%(site)s: in the news") % {"site": SiteSettings.load().site_name}

    def link(self):
        return reverse("press:list")

    def items(self):
        return PressItem.objects.newest_first()[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        parts = [item.outlet, item.date_display]
        return ", ".join(p for p in parts if p)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"press-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        date = partial_dates.parse(item.date)
        if date is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(date, datetime.time(12)))

    def item_updateddate(self, item):
        return self.item_pubdate(item) or item.created_at


class PressAtomFeed(PressFeed):
    feed_type = Atom1Feed
    subtitle = PressFeed.description

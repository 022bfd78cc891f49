from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import partial_dates
from core.models import Citation


class PressItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def newest_first(self):
        # Partial ISO dates sort correctly as strings; undated items go last.
        return self.published().order_by("-date", "-id")


class PressItem(Citation):
    title = models.CharField(_("title"), max_length=300, help_text=_("As published."))
    outlet = models.CharField(_("outlet"), max_length=200, blank=True)
    date = models.CharField(
        _("date"),
        max_length=10,
        blank=True,
        validators=[partial_dates.validate],
        help_text=_("YYYY-MM-DD, YYYY-MM or YYYY; empty if unknown."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The headline's language: a page in another language marks it, so screen readers say it right."),
    )
    published = models.BooleanField(_("listed on the site"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PressItemQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("press item")
        verbose_name_plural = _("press items")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.url or f"{reverse('press:list')}#press-{self.pk}"

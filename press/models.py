from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Citation


class PressItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def newest_first(self):
        # Partial ISO dates sort correctly as strings; undated items go last.
        return self.published().order_by("-date", "-id")


class PressItem(Citation):
    title = models.CharField(_("title"), max_length=300, help_text=_("As published."))
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

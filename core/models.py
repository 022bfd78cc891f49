from django.db import models
from django.utils.translation import gettext_lazy as _

from . import partial_dates


class LoadedDefault(models.Model):
    """A default-content item that has been loaded once.

    Re-running the loader skips these keys, so organizers' edits and deletions
    stick instead of being overwritten or resurrected on every `make run`.
    """

    key = models.CharField(max_length=200, unique=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.key


class Citation(models.Model):
    """Where something was said: a title, the outlet that published it, a (partial) date and a link.

    The shape a page's numbered sources (pages.Source), a local fight's sources
    (local_actions.LocalActionSource) and the press list (press.PressItem) share;
    each makes the title or the outlet required as it needs.
    """

    title = models.CharField(_("title"), max_length=300, blank=True)
    outlet = models.CharField(_("outlet or publisher"), max_length=200, blank=True)
    date = models.CharField(
        _("date"),
        max_length=10,
        blank=True,
        validators=[partial_dates.validate],
        help_text=_("YYYY-MM-DD, YYYY-MM or YYYY."),
    )
    url = models.URLField(_("link"), blank=True, max_length=500)

    class Meta:
        abstract = True

    @property
    def date_display(self) -> str:
        return partial_dates.display(self.date)

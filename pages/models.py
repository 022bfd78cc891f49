import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.models import Citation


class SiteSettings(models.Model):
    """The one row of site-wide settings organizers edit in the admin."""

    CACHE_KEY = "site-settings"

    site_name = models.CharField(_("site name"), max_length=100, default="Stop ShotSpotter")
    headline = models.CharField(_("headline"), max_length=200, default="Stop ShotSpotter. Invest in communities.")
    case = models.CharField(
        _("one-line case"),
        max_length=200,
        blank=True,
        help_text=_("One sentence under the headline, on the first screen of the home page, beside the petition's count."),
    )
    intro = models.TextField(_("home page introduction"), blank=True, help_text=_("Markdown."))
    coalition_summary = models.TextField(_("coalition summary"), blank=True, help_text=_("Markdown, shown on the home page."))
    notification_emails = models.CharField(
        _("notification emails"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated addresses that receive contact messages and other notices."),
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(_("Site settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @classmethod
    def load(cls) -> "SiteSettings":
        obj = cache.get(cls.CACHE_KEY)
        if obj is None:
            obj, _created = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, obj, 60)
        return obj

    def notification_recipients(self) -> list[str]:
        from django.conf import settings

        listed = [e.strip() for e in self.notification_emails.split(",") if e.strip()]
        return listed or list(settings.ORGANIZER_EMAILS)


def notification_recipients() -> list[str]:
    """Who gets the organizers' emails (settings.ORGANIZER_RECIPIENTS, used by core/notify.py)."""
    return SiteSettings.load().notification_recipients()


class SocialLink(models.Model):
    name = models.CharField(_("network"), max_length=50, help_text=_("For example Instagram or Twitter/X."))
    handle = models.CharField(_("handle"), max_length=100, blank=True)
    url = models.URLField(_("link"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("social link")
        verbose_name_plural = _("social links")

    def __str__(self):
        return self.name


class Organization(models.Model):
    """A coalition member or campaign partner."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    url = models.URLField(_("website"), blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    logo = models.FileField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp"])],
        help_text=_("Optional. PNG, JPEG or WebP."),
    )
    in_coalition = models.BooleanField(_("coalition member"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # In the address of the organization's embedded sign form (signatures app): signatures made
    # there are counted for it. A key in a URL, not a tracker: nothing about the visitor is kept.
    embed_key = models.SlugField(
        _("embed key"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_(
            "Part of the address of this organization's embedded sign form; signatures made there are counted "
            "for it. Filled in when empty; change it only if the organization has not put the form on its site yet."
        ),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.embed_key:
            self.embed_key = new_embed_key(self.name)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "embed_key"}
        super().save(*args, **kwargs)


def new_embed_key(name: str) -> str:
    """A readable key: the name's first word and a random part ("fight-for-3f9a1c")."""
    head = "-".join(slugify(name).split("-")[:2])[:24].strip("-") or "partner"
    return f"{head}-{secrets.token_hex(3)}"


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def explainers(self):
        return self.published().filter(kind=Page.Kind.EXPLAINER)


class Page(models.Model):
    class Kind(models.TextChoices):
        EXPLAINER = "explainer", _("Explainer")
        ABOUT = "about", _("Who we are")
        DEMANDS = "demands", _("Our demands")
        GET_INVOLVED = "get-involved", _("Get involved")
        OTHER = "other", _("Other")

    slug = models.SlugField(_("address"), unique=True, help_text=_("The page lives at /<address>/."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True, help_text=_("Shown on cards and to search engines."))
    body = models.TextField(_("body"), help_text=_("Markdown. Cite sources as [1], [2] in the order listed below."))
    published = models.BooleanField(_("published"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.kind == self.Kind.GET_INVOLVED:
            return reverse("contact:get_involved")
        return reverse("pages:page", args=[self.slug])


class Source(Citation):
    """A numbered source cited on a page."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveSmallIntegerField(_("number"), default=0)
    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en", help_text=_("The title's language.")
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title

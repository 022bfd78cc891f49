"""What the organizer home shows: the work waiting, live counts, signatures per day, warnings.

Each piece checks the viewer's permissions, so a role sees only what it may act on.
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contact.models import ContactMessage
from local_actions.models import Submission
from pages.models import SiteSettings
from signatures import counting
from signatures.models import Campaign, Signature
from signatures.states import State

from . import chart

CHART_DAYS = 30


def start_of_today():
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def waiting(user) -> list[dict]:
    """Each kind of work waiting: a count and the filtered list to open."""
    items = []

    def add(perm, label, count, url):
        if user.has_perm(perm):
            items.append({"label": label, "count": count, "url": url})

    if user.has_perm("contact.view_contactmessage"):
        add("contact.view_contactmessage", _("New contact messages"),
            ContactMessage.objects.filter(status=ContactMessage.Status.NEW).count(),
            reverse("admin:contact_contactmessage_changelist") + "?status__exact=new")  # fmt: skip
    if user.has_perm("local_actions.view_submission"):
        add("local_actions.view_submission", _("Submitted local fights to review"),
            Submission.objects.filter(review=Submission.Review.PENDING).count(),
            reverse("admin:local_actions_submission_changelist") + "?review__exact=pending")  # fmt: skip
    if user.has_perm("signatures.view_signature"):
        changelist = reverse("admin:signatures_signature_changelist")
        add("signatures.view_signature", _("Organizations waiting for approval"),
            Signature.objects.filter(kind=Signature.Kind.ORGANIZATION, approved_at__isnull=True,
                                     state=State.VERIFIED).count(),
            changelist + "?approval=waiting&state__exact=verified")  # fmt: skip
        today = start_of_today()
        add("signatures.view_signature", _("Signatures flagged today"),
            Signature.objects.filter(state=State.FLAGGED, created_at__gte=today).count(),
            changelist + f"?state__exact=flagged&created_at__gte={today.date().isoformat()}")  # fmt: skip
    return items


def per_day(campaign_ids, days=CHART_DAYS) -> dict[int, list[tuple]]:
    """Signatures received per day in the site's time zone, {campaign id: [(date, count), ...]}; counts only."""
    key = f"organizer:per-day:{days}:{timezone.localdate().isoformat()}:{','.join(map(str, campaign_ids))}"
    found = cache.get(key)
    if found is None:
        first = timezone.localdate() - timedelta(days=days - 1)
        since = timezone.make_aware(timezone.datetime.combine(first, timezone.datetime.min.time()))
        rows = (
            Signature.objects.filter(campaign_id__in=campaign_ids, created_at__gte=since)
            .exclude(state=State.INVALIDATED)
            .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
            .values_list("campaign_id", "day")
            .annotate(n=Count("id"))
        )
        by = {(c, d): n for c, d, n in rows}
        dates = [first + timedelta(days=i) for i in range(days)]
        found = {c: [(d, by.get((c, d), 0)) for d in dates] for c in campaign_ids}
        cache.set(key, found, 60)  # a minute old at most: the chart is for trends, the counts are live
    return found


def campaigns(user) -> list[dict]:
    if not user.has_perm("signatures.view_campaign"):
        return []
    shown = list(Campaign.objects.filter(is_open=True, published=True)) or list(Campaign.objects.all()[:10])
    daily = per_day([c.pk for c in shown]) if user.has_perm("signatures.view_signature") else {}
    return [
        {
            "campaign": c,
            "counts": counting.public_counts(c.pk),
            "chart": chart.bars(daily[c.pk], title=_("Signatures per day for %(title)s") % {"title": c.title})
            if c.pk in daily
            else None,
        }
        for c in shown
    ]


def nobody_notified() -> bool:
    return not SiteSettings.load().notification_recipients()


def context(request) -> dict:
    user = request.user
    return {
        "organizer_waiting": waiting(user),
        "organizer_campaigns": campaigns(user),
        "organizer_nobody_notified": nobody_notified(),
        "organizer_can_see_trending": user.has_perm("signatures.view_signature") and user.has_perm("defence.view_ratelimit"),
        "organizer_site_settings_url": reverse("admin:pages_sitesettings_change", args=[1])
        if user.has_perm("pages.change_sitesettings")
        else None,
        "organizer_env_hint": not settings.ORGANIZER_EMAILS,
    }

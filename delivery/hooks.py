"""What the delivery app adds to a campaign's page (settings.CAMPAIGN_PAGE_EXTRAS); signatures never imports it."""

from django.template.loader import render_to_string

from .models import Delivery


def campaign_deliveries(request, campaign) -> str:
    """The deliveries made of a campaign, for its public page."""
    deliveries = list(
        Delivery.objects.public().filter(campaign=campaign).only("pk", "recipient", "delivered_on", "count", "campaign_id")
    )
    if not deliveries:
        return ""
    return render_to_string("delivery/campaign_deliveries.html", {"deliveries": deliveries}, request=request)

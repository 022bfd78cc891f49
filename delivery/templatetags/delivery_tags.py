from django import template

from ..models import Delivery

register = template.Library()


@register.inclusion_tag("delivery/campaign_deliveries.html")
def campaign_deliveries(campaign):
    """The deliveries made of a campaign, for its public page."""
    return {"deliveries": list(Delivery.objects.public().filter(campaign=campaign).only(
        "pk", "recipient", "delivered_on", "count", "campaign_id"))}  # fmt: skip

from django import template

from signatures import counting

register = template.Library()


@register.simple_tag
def campaign_goal(campaign, total):
    """{% campaign_goal campaign counts.total as goal %}: the organizers' goal, or the next milestone (counting.goal)."""
    return counting.goal(campaign.goal, total)

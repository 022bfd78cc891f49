"""Record what an organizer did. Call it inside the transaction that made the change.

    record(request.user, "signatures.erase", queryset, rows=n)
    record(request.user, "defence.invalidate", invalidation, data={"domain": "example.org"})

`target` may be a model instance, a queryset or a model class (for actions on
many rows). `label` replaces the target's own name where that name is personal
data (a contact message is named after its sender). `data` holds what a later reader needs to understand the action
(filters, old and new values), never personal data such as an email address.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


def record(
    actor, action: str, target=None, *, rows: int | None = None, data: dict | None = None, label: str | None = None
) -> AuditEntry:
    entry = AuditEntry(action=action[:80], data=data or {})
    if actor is not None and getattr(actor, "is_authenticated", False):
        entry.actor = actor
        entry.actor_name = actor.get_username()[:150]
    elif actor is not None:
        entry.actor_name = str(actor)[:150]  # e.g. "worker" for automatic repairs
    if isinstance(target, models.QuerySet):
        entry.content_type = ContentType.objects.get_for_model(target.model)
        entry.object_repr = str(target.model._meta.verbose_name_plural)[:200]
    elif isinstance(target, type) and issubclass(target, models.Model):
        entry.content_type = ContentType.objects.get_for_model(target)
        entry.object_repr = str(target._meta.verbose_name_plural)[:200]
    elif isinstance(target, models.Model):
        entry.content_type = ContentType.objects.get_for_model(type(target))
        entry.object_id = str(target.pk or "")
        entry.object_repr = str(target)[:200]
    if label is not None:
        entry.object_repr = label[:200]
    entry.rows = rows if rows is not None else (1 if isinstance(target, models.Model) else 0)
    entry.save()
    return entry


def history_of(obj) -> models.QuerySet:
    """The entries about one object, newest first."""
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk))

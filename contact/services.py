from django.db import transaction
from django.utils import timezone

from audit import services as audit

from .models import ContactMessage
from .tasks import notify_organizers, send_reply


def receive(form, held: bool = False) -> ContactMessage:
    """Store a visitor's message and queue the organizers' notification with it.

    A message over the rate limit is kept, marked held, and notifies no one.
    """
    with transaction.atomic():
        message = form.save(commit=False)
        if held:
            message.status = ContactMessage.Status.HELD
        message.save()
        if not held:
            notify_organizers.enqueue(message.pk)
    return message


def answer(message: ContactMessage, reply: str, user) -> bool:
    """Email a reply once; a second call for the same message does nothing."""
    with transaction.atomic():
        updated = ContactMessage.objects.filter(pk=message.pk, replied_at__isnull=True).update(
            reply=reply, replied_at=timezone.now(), replied_by=user, status=ContactMessage.Status.ANSWERED
        )
        if updated:
            send_reply.enqueue(message.pk)
            audit.record(user, "contact.answer", message, label=label(message))
    return bool(updated)


def close(queryset, *, actor) -> int:
    """Organizers close new messages that need no reply; returns how many."""
    with transaction.atomic():
        closed = queryset.filter(status=ContactMessage.Status.NEW).update(status=ContactMessage.Status.CLOSED)
        audit.record(actor, "contact.close", ContactMessage, rows=closed)
    return closed


def set_status(message: ContactMessage, status: str, *, actor) -> bool:
    """An organizer moves one message by hand (closes it, takes it off hold, reopens it); returns whether it changed."""
    with transaction.atomic():
        changed = ContactMessage.objects.filter(pk=message.pk).exclude(status=status).update(status=status)
        if changed:
            audit.record(actor, "contact.status", message, label=label(message), data={"status": status})
    return bool(changed)


def label(message: ContactMessage) -> str:
    """How the history names a message: not after its sender (personal data, kept there for good)."""
    return f"{ContactMessage._meta.verbose_name} #{message.pk}"

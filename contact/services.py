from django.db import transaction
from django.utils.translation import get_language

from audit import services as audit

from .models import ContactMessage, ContactReply
from .tasks import notify_organizers, send_reply


def receive(form, held: bool = False) -> ContactMessage:
    """Store a visitor's message and queue the organizers' notification with it.

    A message over the rate limit is kept, marked held, and notifies no one.
    """
    with transaction.atomic():
        message = form.save(commit=False)
        message.language = (get_language() or "")[:8]
        if held:
            message.status = ContactMessage.Status.HELD
        message.save()
        if not held:
            notify_organizers.enqueue(message.pk)
    return message


def reply(message: ContactMessage, body: str, user, *, replies_seen: int) -> ContactReply | None:
    """Add an organizer's reply to the thread and queue its email, once.

    `replies_seen` is how many replies the organizer saw when they wrote: a
    second press of "Send" (a double click, a resent form) finds one more and
    adds nothing, so each reply is emailed exactly once. Returns None then.
    """
    body = body.strip()
    if not body:
        return None
    with transaction.atomic():
        locked = ContactMessage.objects.select_for_update().get(pk=message.pk)
        if locked.replies.count() != replies_seen:
            return None
        new = ContactReply.objects.create(message=locked, body=body, sent_by=user)
        locked.status = ContactMessage.Status.ANSWERED
        locked.save(update_fields=["status"])
        send_reply.enqueue(new.pk)  # a row in the same transaction: queued if and only if the reply is saved
        audit.record(user, "contact.answer", locked, label=label(locked), data={"reply": new.pk})
    message.status = locked.status
    return new


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

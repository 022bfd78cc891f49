from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactMessage(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed without reply")
        HELD = "held", _("Held: sent faster than the limit")

    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"))
    subject = models.CharField(_("subject"), max_length=150, blank=True)
    message = models.TextField(_("message"), max_length=5000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    # The language of the page the message was sent from: the replies' own lines (the quote) are in it.
    language = models.CharField(_("language"), max_length=8, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")

    def __str__(self):
        return f"{self.name}: {self.subject or self.message[:40]}"


class ContactReply(models.Model):
    """One organizer's reply in a message's thread, emailed once by the worker (contact.tasks.send_reply)."""

    message = models.ForeignKey(ContactMessage, on_delete=models.CASCADE, related_name="replies", verbose_name=_("message"))
    body = models.TextField(_("reply"), max_length=10000)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    send_error = models.CharField(_("mail server's answer"), max_length=200, blank=True)
    gave_up = models.BooleanField(_("could not be sent"), default=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self):
        return f"{self.message_id}: {self.body[:40]}"

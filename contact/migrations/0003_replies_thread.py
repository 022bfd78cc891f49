import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def replies_to_thread(apps, schema_editor):
    """Each message's one reply becomes the first of its thread (sent when it was)."""
    ContactMessage = apps.get_model("contact", "ContactMessage")
    ContactReply = apps.get_model("contact", "ContactReply")
    for message in ContactMessage.objects.exclude(reply="").iterator():
        reply = ContactReply.objects.create(
            message=message, body=message.reply, sent_by_id=message.replied_by_id, sent_at=message.replied_at, attempts=1
        )
        ContactReply.objects.filter(pk=reply.pk).update(created_at=message.replied_at or message.created_at)


def thread_to_reply(apps, schema_editor):
    ContactMessage = apps.get_model("contact", "ContactMessage")
    for message in ContactMessage.objects.filter(replies__isnull=False).distinct().iterator():
        first = message.replies.order_by("created_at", "id").first()
        ContactMessage.objects.filter(pk=message.pk).update(
            reply=first.body, replied_at=first.sent_at or first.created_at, replied_by_id=first.sent_by_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contact", "0002_alter_contactmessage_status"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="contactmessage",
            name="language",
            field=models.CharField(blank=True, default="", max_length=8, verbose_name="language"),
        ),
        migrations.CreateModel(
            name="ContactReply",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("body", models.TextField(max_length=10000, verbose_name="reply")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="written")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                ("send_error", models.CharField(blank=True, max_length=200, verbose_name="mail server's answer")),
                ("gave_up", models.BooleanField(default=False, verbose_name="could not be sent")),
                (
                    "message",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="replies",
                        to="contact.contactmessage",
                        verbose_name="message",
                    ),
                ),
                (
                    "sent_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="written by",
                    ),
                ),
            ],
            options={"verbose_name": "reply", "verbose_name_plural": "replies", "ordering": ["created_at", "id"]},
        ),
        migrations.RunPython(replies_to_thread, thread_to_reply),
        migrations.RemoveField(model_name="contactmessage", name="reply"),
        migrations.RemoveField(model_name="contactmessage", name="replied_at"),
        migrations.RemoveField(model_name="contactmessage", name="replied_by"),
    ]

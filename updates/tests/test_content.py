"""The email itself: the fast writer for SMTP says exactly what Django's message says."""

import email
import email.policy

import pytest

from updates import content
from updates.models import Update

pytestmark = pytest.mark.django_db

BODY = "Línea con acentos = signos y una frase muy larga " * 5 + "\n\n.a line starting with a dot\n\n[agenda](https://city.example/a?b=1&c=2)"


LONG = "Votación del concejo municipal sobre el contrato de ShotSpotter este martes por la tarde"


@pytest.mark.parametrize("subject", ["News", LONG])
def test_the_smtp_writer_and_djangos_message_agree(settings, campaign, author, subject):
    settings.DEFAULT_FROM_EMAIL = "Coalición Stop ShotSpotter <hello@example.org>"
    update = Update.objects.create(campaign=campaign, subject=subject, body=BODY, author=author)
    rendered = content.render(update, "es")
    fast = email.message_from_bytes(
        content.build_bytes(rendered, update, to="ana@example.org", signature_id=7, recipient_id=9), policy=email.policy.default
    )
    django = email.message_from_bytes(
        content.build(rendered, update, to="ana@example.org", signature_id=7, recipient_id=9).message().as_bytes(),
        policy=email.policy.default,
    )
    for header in ["Subject", "From", "To", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Id"]:
        assert str(fast[header]) == str(django[header]).strip(), header  # (Django folds long ones after the colon)
    for kind in ("plain", "html"):
        assert fast.get_body(preferencelist=(kind,)).get_content() == django.get_body(preferencelist=(kind,)).get_content()
    assert str(fast["Subject"]) == subject
    assert "/updates/unsubscribe/" in str(fast["List-Unsubscribe"])
    text = fast.get_body(preferencelist=("plain",)).get_content()
    assert ".a line starting with a dot" in text and "agenda (https://city.example/a?b=1&c=2)" in text
    assert fast["Message-ID"].startswith(f"<update-{update.pk}.9@")  # the same on every attempt

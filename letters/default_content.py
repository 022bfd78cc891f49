from datetime import timedelta

from django.utils import timezone

from core.default_content import read
from local_actions.models import LocalAction

from .models import LetterAction, Official


def load(directory, once):
    for entry in read("letters.toml", directory).get("letters", []):
        action = LocalAction.objects.filter(city=entry["city"], state=entry["state"]).first()
        if action is None or not once(f"letter-action:{entry['city']}, {entry['state']}"):
            continue
        translated = {key: entry[key].strip() for key in ("subject_es", "suggested_text_es", "decision_es") if key in entry}
        letter_action = LetterAction.objects.create(
            local_action=action,
            subject=entry["subject"],
            suggested_text=entry["suggested_text"].strip(),
            decision=entry["decision"],
            **translated,
            decision_date=timezone.localdate() + timedelta(days=entry["decision_in_days"]),
            recipients=entry.get("recipients", LetterAction.Recipients.EVERYONE),
        )
        Official.objects.bulk_create(
            Official(action=letter_action, position=i, is_example=True, **official)
            for i, official in enumerate(entry.get("officials", []))
        )

"""core/db.py: the raw INSERT must write exactly what the ORM's save() writes, for every field the model has."""

import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.db.models import signals
from django.db.models.sql import InsertQuery
from django.utils import timezone

from core import db
from signatures.models import Campaign, Signature

pytestmark = pytest.mark.django_db


def _orm_insert_columns(model) -> list[str]:
    """The columns Django's own INSERT for this model names, in order."""
    query = InsertQuery(model)
    query.insert_values([f for f in model._meta.local_concrete_fields if not f.primary_key], [model()])
    return [f.column for f in query.fields]


def test_the_signature_insert_names_the_same_columns_as_the_orm():
    # A field added to Signature later changes both lists alike, or fails here (a generated column,
    # a database default) before it reaches the sign path.
    fields, sql = db.insert_statement(Signature, connection.vendor)
    assert [f.column for f in fields] == _orm_insert_columns(Signature)
    for field in fields:
        assert connection.ops.quote_name(field.column) in sql


CONFIRMED_AT = timezone.now()


def _signature(campaign, email):
    return Signature(
        campaign=campaign, email=email, email_hash=email, email_domain="example.org", person_id=uuid.uuid4(),
        name="Ana Ruiz", zip_code="60614", city="Chicago", us_state="IL", show_name=True, wants_updates=True,
        ip_hash="net", pow_salt=f"salt-{email}", proof_of_work=True, network_listed="allow", language="es",
        state="flagged", flag_reason="on a block list", verified_at=CONFIRMED_AT, email_due="confirm",
    )  # fmt: skip


def test_a_signature_inserted_raw_reads_back_as_one_saved_by_the_orm():
    campaign = Campaign.objects.create(kind="petition", slug="p", title="T", target="T", summary="S", body="B")
    raw = db.insert(_signature(campaign, "raw@example.org"))
    orm = _signature(campaign, "orm@example.org")
    orm.save(force_insert=True)
    differ = {"id", "public_id", "email", "email_hash", "person_id", "pow_salt", "created_at", "modified_at"}
    raw_row, orm_row = (Signature.objects.filter(pk=s.pk).values().get() for s in (raw, orm))
    assert set(raw_row) == {f.attname for f in Signature._meta.concrete_fields}
    assert {k: v for k, v in raw_row.items() if k not in differ} == {k: v for k, v in orm_row.items() if k not in differ}
    assert raw_row["email"] == "raw@example.org" and raw_row["created_at"] is not None


def test_insert_refuses_a_model_with_save_receivers():
    def receiver(**kwargs):
        pass

    signals.post_save.connect(receiver, sender=Signature)
    try:
        with pytest.raises(ImproperlyConfigured):
            db.insert(Signature())
    finally:
        signals.post_save.disconnect(receiver, sender=Signature)


def test_insert_refuses_a_field_it_cannot_write():
    field = models.IntegerField(db_default=0)
    field.set_attributes_from_name("later")
    with pytest.raises(ImproperlyConfigured):
        db.insert_fields(type("Later", (), {"_meta": type("M", (), {"concrete_fields": [field]})}))

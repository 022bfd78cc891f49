"""/api/v2/...: each path with or without a trailing slash (clients send both), never a redirect."""

from django.urls import re_path

from . import views

ID = r"(?P<{}>[^/]+)"
PETITION, SIGNATURE, PERSON = ID.format("petition_id"), ID.format("signature_id"), ID.format("person_id")

app_name = "api"
urlpatterns = [
    re_path(r"^api/v2/?$", views.entry_point, name="entry_point"),
    re_path(r"^api/v2/openapi\.json$", views.openapi, name="openapi"),
    re_path(r"^api/v2/petitions/?$", views.petitions, name="petitions"),
    re_path(rf"^api/v2/petitions/{PETITION}/?$", views.petition, name="petition"),
    re_path(rf"^api/v2/petitions/{PETITION}/signatures/?$", views.petition_signatures, name="signatures"),
    re_path(rf"^api/v2/petitions/{PETITION}/signatures/{SIGNATURE}/?$", views.petition_signature, name="signature"),
    re_path(rf"^api/v2/petitions/{PETITION}/deleted_signatures/?$", views.deleted_signatures, name="deleted_signatures"),
    re_path(r"^api/v2/people/?$", views.people, name="people"),
    re_path(rf"^api/v2/people/{PERSON}/?$", views.person, name="person"),
    re_path(rf"^api/v2/people/{PERSON}/signatures/?$", views.person_signatures, name="person_signatures"),
    re_path(rf"^api/v2/people/{PERSON}/signatures/{SIGNATURE}/?$", views.person_signature, name="person_signature"),
    re_path(r"^api(?P<rest>/.*)?$", views.not_found),
]

from django.urls import path, register_converter

from . import views


class KindConverter:
    regex = "petition|letter"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(KindConverter, "kind")

app_name = "signatures"
urlpatterns = [
    path("<kind:kind>/<slug:slug>/", views.campaign_page, name="campaign"),
    path("<kind:kind>/<slug:slug>/sign/", views.sign, name="sign"),
    path("<kind:kind>/<slug:slug>/signers/", views.signers, name="signers"),
    path("<kind:kind>/<slug:slug>/share.png", views.share_image_view, name="share_image"),
    path("<kind:kind>/<slug:slug>/count.json", views.count_json, name="count"),
    path("<kind:kind>/<slug:slug>/thank-you/", views.confirmed, name="confirmed"),
    # For partners' sites: the embeddable form (optionally with the partner's embed key) and a counter image.
    path("<kind:kind>/<slug:slug>/embed/", views.embed, name="embed"),
    path("<kind:kind>/<slug:slug>/embed/<slug:key>/", views.embed, name="embed_partner"),
    path("<kind:kind>/<slug:slug>/badge.svg", views.badge, name="badge"),
    path("signature/confirm/<str:token>/", views.confirm, name="confirm"),
    path("signature/withdraw/<str:token>/", views.withdraw, name="withdraw"),
]

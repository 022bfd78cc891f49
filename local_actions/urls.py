from django.urls import path

from . import views

app_name = "local_actions"
urlpatterns = [
    path("", views.index, name="index"),
    path("share.png", views.map_share_image_view, name="map_share_image"),
    path("add/", views.submit, name="submit"),
    path("add/thanks/", views.thanks, name="thanks"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/share.png", views.share_image_view, name="share_image"),
]

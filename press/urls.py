from django.urls import path

from . import feeds, views

app_name = "press"
urlpatterns = [
    path("", views.press_list, name="list"),
    path("feed.rss", feeds.PressFeed(), name="rss"),
    path("feed.atom", feeds.PressAtomFeed(), name="atom"),
]

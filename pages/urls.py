from django.urls import path

from . import views

app_name = "pages"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.page, name="page"),
    path("<slug:slug>/share.png", views.share_image_view, name="share_image"),
]

from django.urls import path

from . import views

app_name = "defence"
urlpatterns = [path("challenge.json", views.challenge, name="challenge")]

from django.urls import path

from . import views

app_name = "contact"
urlpatterns = [
    path("", views.get_involved, name="get_involved"),
    path("thanks/", views.thanks, name="thanks"),
]

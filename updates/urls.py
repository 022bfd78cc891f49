from django.urls import path

from . import views

app_name = "updates"
urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("bounces/<str:secret>/", views.bounces, name="bounces"),
]

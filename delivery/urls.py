from django.urls import path

from . import views

app_name = "delivery"
urlpatterns = [
    path("check/", views.check, name="check"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/manifest.json", views.manifest, name="manifest"),
]

from django.urls import path

from . import views

app_name = "letters"
urlpatterns = [
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("withdraw/<str:token>/", views.withdraw, name="withdraw"),
    path("<slug:slug>/", views.write, name="write"),
    path("<slug:slug>/sent/", views.sent, name="sent"),
]

from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("<slug:slug>/facts/", views.facts, name="facts"),
    path("<slug:slug>/facts/print/", views.facts_print, name="print"),
    path("<slug:slug>/facts/figures.csv", views.facts_csv, name="csv"),
]

from django.urls import path

from . import views

app_name = "recognition"
urlpatterns = [
    path("<int:pk>/decision/", views.decision, name="decision"),
]

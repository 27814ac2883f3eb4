from django.urls import path

from . import views

app_name = "council"
urlpatterns = [
    path("council/", views.council, name="council"),
    path("council/<year:year>/", views.council, name="year"),
    path("council/sessions/<int:pk>/", views.session, name="session"),
]

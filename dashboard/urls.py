from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:table>.<slug:fmt>", views.export, name="export"),
    path("cycle/", views.cycle, name="cycle"),
    path("cycle/<year:year>/", views.cycle, name="cycle_year"),
    path("national/", views.national, name="national"),
    path("national/<year:year>/", views.national, name="national_year"),
]

from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("records/", views.recorded_list, name="list"),
    path("records/new/", views.record_new, name="new"),
    path("records/import/", views.record_import, name="import"),
    path("records/<int:pk>/", views.recorded_detail, name="detail"),
    path("records/<int:pk>/file/", views.recorded_file, name="file"),
]

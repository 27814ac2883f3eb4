from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("open/", views.dossier_open, name="dossier_open"),
    path("appraisals/start/", views.appraisals_start, name="appraisals_start"),
    path("appraisals/complete/", views.appraisals_complete, name="appraisals_complete"),
    path("cycles/", views.cycles, name="cycles"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/register/", views.cycle_register, name="cycle_register"),
    path("<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("<int:pk>/self-assessment/", views.self_assessment, name="self_assessment"),
    path("<int:pk>/appraisal/", views.appraisal, name="appraisal"),
    path("<int:pk>/actions/<slug:action>/", views.dossier_action, name="dossier_action"),
    path("<int:pk>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path("<int:pk>/evidence/<int:evidence_id>/delete/", views.evidence_delete, name="evidence_delete"),
]

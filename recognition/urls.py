from django.urls import path

from . import views

app_name = "recognition"
urlpatterns = [
    path("dossiers/<int:pk>/decision/", views.decision, name="decision"),
    path("decisions/", views.decisions, name="decisions"),
    path("documents/failed/", views.documents_failed, name="documents_failed"),
    path("dossiers/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("dossiers/<int:pk>/documents/", views.documents_panel, name="documents_panel"),
    path("documents/<int:document_id>/download/", views.document_download, name="document_download"),
    path("documents/<int:document_id>/retry/", views.document_retry, name="document_retry"),
    path("documents/summaries/", views.summaries, name="summaries"),
    path("register/", views.register, name="register"),
    path("council/<year:year>/decision/", views.collective_decision, name="collective_decision"),
    path("council/<year:year>/report/", views.ministry_report, name="ministry_report"),
    path("documents/<int:document_id>/xlsx/", views.report_xlsx, name="report_xlsx"),
    path("register/<str:kind>/<int:pk>/", views.issue, name="issue"),
]

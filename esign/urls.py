from django.urls import path

from . import views

app_name = "esign"

urlpatterns = [
    path("documents/<int:document_id>/signing/", views.document_signing, name="document_signing"),
    path("documents/<int:document_id>/signed/", views.signed_download, name="signed_download"),
    path("documents/<int:document_id>/scan/", views.scan_download, name="scan_download"),
    path("signatures/awaiting/", views.awaiting, name="awaiting"),
]

from django.contrib import admin

from .models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """The outbox, to read: what was sent to whom, and what waits (with the mail server's answer)."""

    list_display = ("subject", "recipients", "created_at", "sent_at", "attempts")
    list_filter = (("sent_at", admin.EmptyFieldListFilter),)
    search_fields = ("subject", "to")
    readonly_fields = [f.name for f in Email._meta.fields]

    @admin.display(description=Email._meta.get_field("to").verbose_name)
    def recipients(self, email: Email) -> str:
        return ", ".join(email.to)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

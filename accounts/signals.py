"""Audit of sign-ins and of permission changes, whatever path makes them (views, admin, commands)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from guardian.models import GroupObjectPermission, UserObjectPermission

from .audit import audit_record

User = get_user_model()


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit_record(kind="login", actor=user, request=request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(kind="logout", actor=user, request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Never the password: only the name that was tried.
    audit_record(kind="login_failed", username=str(credentials.get("username", ""))[:150], request=request)


@receiver(m2m_changed, sender=User.groups.through)
def on_groups_changed(sender, instance, action, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, User):
        audit_record(
            kind="groups_changed",
            username=instance.username,
            detail=f"{action.removeprefix('post_')} groups {sorted(pk_set or [])}",
        )


@receiver(m2m_changed, sender=User.user_permissions.through)
def on_user_permissions_changed(sender, instance, action, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, User):
        audit_record(
            kind="permissions_changed",
            username=instance.username,
            detail=f"{action.removeprefix('post_')} permissions {sorted(pk_set or [])}",
        )


@receiver(post_save, sender=GroupObjectPermission)
@receiver(post_save, sender=UserObjectPermission)
@receiver(post_delete, sender=GroupObjectPermission)
@receiver(post_delete, sender=UserObjectPermission)
def on_object_permission_changed(sender, instance, **kwargs):
    holder = getattr(instance, "group", None) or getattr(instance, "user", None)
    verb = "revoked" if "created" not in kwargs else ("granted" if kwargs["created"] else "updated")
    audit_record(
        kind="permissions_changed",
        detail=f"{verb} {instance.permission.codename} on {instance.content_type.model} "
        f"#{instance.object_pk} for {holder}",
    )


@receiver(pre_save, sender=User)
def on_status_changed(sender, instance, **kwargs):
    if instance.pk is None or kwargs.get("raw"):
        return
    before = User.objects.filter(pk=instance.pk).values("is_active", "is_staff", "is_superuser").first()
    if before is None:
        return
    changed = {k: getattr(instance, k) for k, v in before.items() if getattr(instance, k) != v}
    if changed:
        audit_record(kind="status_changed", username=instance.username, detail=str(changed))

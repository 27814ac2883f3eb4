from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Administrative units and officials")

    def ready(self):
        from . import checks  # noqa: F401 (registers the deployment checks)
        from .fragments import bump_on_change
        from .models import Commune, District, Province

        # Names and borders of units appear in lists, dashboards and dossier headers.
        bump_on_change("units", Province, District, Commune)

        from django.db.models.signals import post_delete, post_save

        from .selectors import forget_site_province

        for signal in (post_save, post_delete):
            signal.connect(forget_site_province, sender=Province, dispatch_uid=f"site-province-{signal}")

        post_save.connect(grant_country_roles, sender=Province, dispatch_uid="country-roles-new-province")
        keep_grants_versions()


def keep_grants_versions() -> None:
    """A user's grants version moves with their posts, their groups, their groups' and their own object
    permissions and their units (names and dates), in the writing transaction
    (communes.permissions.grants_changed): what is kept under it (posts, grants) is never stale."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

    from .models import Commune, District, Post, Province
    from .permissions import grants_changed

    def post_changed(instance, raw=False, **kwargs) -> None:
        if raw:
            return
        grants_changed(user_ids=[instance.user_id])
        holder = instance._state.fields_cache.get("user")
        if holder is not None:  # the object the caller holds reads the new version too
            holder.grants_version += 1

    def groups_changed(instance, action, reverse, pk_set, **kwargs) -> None:
        if action in ("post_add", "post_remove", "post_clear", "pre_clear"):
            ids = sorted(pk_set or ()) if reverse else [instance.pk]
            if ids:
                grants_changed(user_ids=ids)

    def unit_renamed(sender, instance, created=False, raw=False, **kwargs) -> None:
        if raw or created:
            return
        level = sender._meta.model_name
        grants_changed(user_ids=Post.objects.filter(**{level: instance}).values("user_id"))

    def group_permission_changed(instance, raw=False, **kwargs) -> None:
        if not raw:
            grants_changed(user_ids=get_user_model().objects.filter(groups=instance.group_id).values("pk"))

    def user_permission_changed(instance, raw=False, **kwargs) -> None:
        if not raw:
            grants_changed(user_ids=[instance.user_id])

    for signal in (post_save, post_delete):
        signal.connect(group_permission_changed, sender=get_group_obj_perms_model(), weak=False)
        signal.connect(user_permission_changed, sender=get_user_obj_perms_model(), weak=False)
    post_save.connect(post_changed, sender=Post, dispatch_uid="grants-post-save", weak=False)
    post_delete.connect(post_changed, sender=Post, dispatch_uid="grants-post-delete", weak=False)
    m2m_changed.connect(
        groups_changed, sender=get_user_model().groups.through, dispatch_uid="grants-groups", weak=False
    )
    for model in (Province, District, Commune):
        post_save.connect(
            unit_renamed, sender=model, dispatch_uid=f"grants-unit-{model.__name__}", weak=False
        )


def grant_country_roles(sender, instance, created, raw=False, **kwargs):
    """A province added one by one (the importer, the admin) is seen by the roles that see every
    province (the Ministry's viewer); bulk writers call country_roles_grant themselves."""
    if not created or raw:
        return
    from .permissions import country_roles_grant

    country_roles_grant(provinces=[instance])

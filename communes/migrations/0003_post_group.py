import django.db.models.deletion
from django.db import migrations, models

LEVEL = {
    "commune_officer": "commune",
    "district_police": "district",
    "district_chair": "district",
    "provincial_police": "province",
    "provincial_viewer": "province",
    "admin": "province",
}


def link_groups(apps, schema_editor):
    Post = apps.get_model("communes", "Post")
    Group = apps.get_model("auth", "Group")
    groups = dict(Group.objects.values_list("name", "pk"))
    for post in Post.objects.select_related("commune", "district", "province"):
        unit = post.commune or post.district or post.province
        post.group_id = groups.get(f"{LEVEL[post.role]}:{unit.code}:{post.role}")
        post.save(update_fields=["group"])


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("communes", "0002_alter_province_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="group",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="posts",
                to="auth.group",
            ),
        ),
        migrations.RunPython(link_groups, migrations.RunPython.noop),
    ]

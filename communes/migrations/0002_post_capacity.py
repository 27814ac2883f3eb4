from django.db import migrations, models

from communes.signing import capacity_from_title


def capacity_from_titles(apps, schema_editor):
    """The existing posts sign as their titles say ("Phó Chủ tịch UBND tỉnh": KT.; "Q. Giám đốc": Q.)."""
    Post = apps.get_model("communes", "Post")
    for post in Post.objects.exclude(title="").only("pk", "title"):
        capacity = capacity_from_title(post.title)
        if capacity != "head":
            Post.objects.filter(pk=post.pk).update(capacity=capacity)


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="capacity",
            field=models.CharField(
                choices=[
                    ("head", "As the head"),
                    ("deputy", "As a deputy, on the head's behalf (KT.)"),
                    ("acting", "As the acting head (Q.)"),
                    ("by_order", "By the head's order (TL.)"),
                    ("by_authority", "By the head's authorisation (TUQ.)"),
                ],
                default="head",
                blank=True,
                help_text="How the holder signs: as the head, or for the head (KT., Q., TL., TUQ.).",
                max_length=12,
                verbose_name="signing capacity",
            ),
        ),
        migrations.RunPython(capacity_from_titles, migrations.RunPython.noop),
    ]

"""The procedure's thresholds move from environment settings (COUNCIL_QUORUM_SHARE,
COUNCIL_MAJORITY_SHARE, RECOGNITION_VALID_EXTRA_YEARS) to its criteria sets, beside their
classification and appraisal rules; the sets already loaded take the values in force."""

from django.db import migrations, models

IN_FORCE = {"council_quorum_share": 0.5, "council_majority_share": 0.5, "recognition_valid_extra_years": 1}


def carry(apps, schema_editor):
    CriteriaSet = apps.get_model("assessments", "CriteriaSet")
    for criteria_set in CriteriaSet.objects.all():
        rules = {**IN_FORCE, **(criteria_set.decision_rules or {})}
        CriteriaSet.objects.filter(pk=criteria_set.pk).update(decision_rules=rules)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0012_qd28_border_guard_and_agencies")]

    operations = [
        migrations.AddField(
            model_name="criteriaset",
            name="decision_rules",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="council_quorum_share (more than this share of the voting members present), "
                "council_majority_share (votes for above this share of those present), "
                "recognition_valid_extra_years (valid to 31 December of the assessed year plus these years).",
                verbose_name="decision thresholds",
            ),
        ),
        migrations.RunPython(carry, migrations.RunPython.noop),
    ]

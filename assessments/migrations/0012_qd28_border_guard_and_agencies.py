"""The set of Decision 28 requires the Border Guard on the team of a border commune, as the district
guidance did (procedure_2025.md, section 4: "the Border Guard for border areas"); its fixture lacked the
rule, so the check never fired. After 1 July 2025 there is no district police: the set offers the
agencies of the provincial procedure. The rules are data on the set, written here for databases
already loaded (by code, with an update: a set in use is locked to its own save, not to a correction)."""

from django.db import migrations, models

CODE = "qd28-2025"
ADDED = {
    "border_guard_on_border": True,
    "agencies": ["provincial_police", "border_guard", "labour", "health", "commune", "other"],
}


def add_rules(apps, schema_editor):
    CriteriaSet = apps.get_model("assessments", "CriteriaSet")
    for criteria_set in CriteriaSet.objects.filter(code=CODE):
        rules = {**(criteria_set.appraisal_rules or {}), **ADDED}
        CriteriaSet.objects.filter(pk=criteria_set.pk).update(appraisal_rules=rules)


def remove_rules(apps, schema_editor):
    CriteriaSet = apps.get_model("assessments", "CriteriaSet")
    for criteria_set in CriteriaSet.objects.filter(code=CODE):
        rules = {k: v for k, v in (criteria_set.appraisal_rules or {}).items() if k not in ADDED}
        CriteriaSet.objects.filter(pk=criteria_set.pk).update(appraisal_rules=rules)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0011_notices_without_dossier")]

    operations = [
        migrations.AlterField(
            model_name="criteriaset",
            name="appraisal_rules",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="min_team (police-side members), conclusion, border_guard_on_border, "
                "findings_start_empty, counts_cross_check, agencies (the agencies a team member may come from).",
                verbose_name="appraisal requirements",
            ),
        ),
        migrations.RunPython(add_rules, remove_rules),
    ]

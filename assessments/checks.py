"""System checks of the procedure (`manage.py check`, and at every start)."""

from django.core.checks import Error, register


@register()
def workflow_tables_complete(app_configs, **kwargs):
    """A state or a step the workflow table holds without its column, funnel stage, label,
    confirmation text or notice rule stops the start, before a page answers 500 for it."""
    from . import workflow

    return [
        Error(problem, hint="Complete the entry in assessments/workflow.py.", id="nghean_dfc.E010")
        for problem in workflow.completeness_problems()
    ]

"""The workflow table is the procedure: a state or a step added to it without what every page, export
and document needs of it is named by the completeness check (and stops the start: nghean_dfc.E010),
never found as a 500 on a page."""

import dataclasses

from django.core.management import call_command

from assessments import workflow
from assessments.workflow import PROCEDURES, StateRule, Step, completeness_problems


def with_states(**added) -> dict:
    """A copy of the tables where the provincial procedure has the states `added` too."""
    province = PROCEDURES["province"]
    return {**PROCEDURES, "province": dataclasses.replace(province, states={**province.states, **added})}


def test_the_tables_in_force_are_complete():
    assert completeness_problems() == []
    call_command("check")  # the system check passes: E010 would stop the start


def test_a_state_added_without_its_column_stage_and_label_is_named():
    problems = completeness_problems(with_states(suspended=StateRule(column="suspended", funnel=("paused",))))
    assert problems == [
        "province: state 'suspended' has no dashboard column (COLUMNS: 'suspended')",
        "province: state 'suspended' has no funnel stage in FUNNEL_STAGES (('paused',))",
        "province: state 'suspended' has no label (State, the pages' and the exports' words)",
    ]


def test_a_step_without_confirmation_text_or_notice_rule_is_named(monkeypatch):
    province = PROCEDURES["province"]
    recognised = province.states[workflow.State.RECOGNISED]
    suspend = Step("suspend", workflow.State.EXPIRED, "decide_province_dossiers", workflow.PROVINCE)
    moved = dataclasses.replace(recognised, steps=(*recognised.steps, suspend))
    problems = completeness_problems(with_states(**{workflow.State.RECOGNISED: moved}))
    assert problems == [
        "province: step 'suspend' from 'recognised' has no confirmation text (page 'dossier')",
        "province: step 'suspend' from 'recognised' has no notice rule: its target 'expired' tells no one",
    ]
    # With what its confirmation says and a target that tells someone, it is complete.
    monkeypatch.setitem(workflow.CONSEQUENCES, ("suspend", "revoke"), ("The recognition is suspended.",))
    told = dataclasses.replace(suspend, target=workflow.State.REVOKED, page="revoke")
    moved = dataclasses.replace(recognised, steps=(*recognised.steps, told))
    assert completeness_problems(with_states(**{workflow.State.RECOGNISED: moved})) == []

"""The workflow table and the model's transitions agree both ways; nothing outside the table lists
transitions or compares the deciding authority by string."""

import ast
from pathlib import Path

from assessments import workflow
from assessments.models import Dossier

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "outbox", "communes", "assessments", "recognition", "dashboard"]


def model_edges() -> set[tuple[str, str, str]]:
    """(source, transition, target) as declared on Dossier with django-fsm."""
    found = set()
    for name in dir(Dossier):
        meta = getattr(getattr(Dossier, name, None), "_django_fsm", None)
        if meta is None:
            continue
        for source, transition in meta.transitions.items():
            # A step whose taker chooses where it leads declares every state it may lead to.
            for target in getattr(transition.target, "allowed_states", None) or [transition.target]:
                found.add((source, name, target))
    return found


def test_every_step_of_every_procedure_is_a_transition_of_the_model():
    for procedure in workflow.PROCEDURES.values():
        assert workflow.edges(procedure) <= model_edges(), procedure.code


def test_every_transition_of_the_model_is_a_step_of_some_procedure():
    table = set().union(*(workflow.edges(p) for p in workflow.PROCEDURES.values()))
    assert model_edges() <= table


def test_every_state_of_the_model_is_in_every_procedure_and_no_other():
    for procedure in workflow.PROCEDURES.values():
        assert set(procedure.states) == set(Dossier.State.values), procedure.code


def test_a_step_names_a_permission_that_exists_on_the_unit_of_its_level():
    from communes.models import Commune, District, Province

    models = {"commune": Commune, "district": District, "province": Province}
    for procedure in workflow.PROCEDURES.values():
        for state_rule in procedure.states.values():
            pairs = [(s.permission, s.level) for s in state_rule.steps if s.permission] + list(
                state_rule.actors
            )
            for permission, level in pairs:
                codenames = {codename for codename, _ in models[level]._meta.permissions}
                assert permission in codenames, (procedure.code, permission, level)


TRANSITIONS = workflow.transitions()
AUTHORITIES = {"district_chair", "provincial_committee", *workflow.PROCEDURES}
STATE_NAMES = set(workflow.State.values)
STATE_MEMBERS = set(workflow.State.names)
# What holds a state or a step's name: dossier.state, event.to_state, a step's `name`...
NAME_HOLDERS = {"state", "to_state", "from_state", "transition", "name"}


def named_states_or_steps(node) -> list[str]:
    """The state and step names a node spells: "recommended", Dossier.State.APPRAISED, a tuple of them."""
    if isinstance(node, ast.Constant) and node.value in STATE_NAMES | TRANSITIONS:
        return [node.value]
    if isinstance(node, ast.Attribute) and node.attr in STATE_MEMBERS:
        base = node.value
        if (
            isinstance(base, ast.Name)
            and base.id in ("State", "S")
            or (isinstance(base, ast.Attribute) and base.attr == "State")
        ):
            return [node.attr]
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [name for e in node.elts for name in named_states_or_steps(e)]
    return []


def holds_a_name(node) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr in NAME_HOLDERS) or (
        isinstance(node, ast.Name) and node.id in NAME_HOLDERS
    )


def offences(path: Path) -> list[str]:
    """Collections that name two or more transitions, and comparisons of a procedure or authority with a
    string literal."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            names = [e.value for e in node.elts if isinstance(e, ast.Constant) and e.value in TRANSITIONS]
            if len(names) >= 2:
                found.append(f"{path.name}:{node.lineno} lists {names}")
        elif isinstance(node, ast.Dict):
            names = [k.value for k in node.keys if isinstance(k, ast.Constant) and k.value in TRANSITIONS]
            if len(names) >= 2:
                found.append(f"{path.name}:{node.lineno} maps {names}")
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            names = [n for o in operands for n in named_states_or_steps(o)]
            if names and any(holds_a_name(o) for o in operands):
                found.append(f"{path.name}:{node.lineno} compares a state or step with {names}")
            literal = [o.value for o in operands if isinstance(o, ast.Constant) and o.value in AUTHORITIES]
            named = [
                o
                for o in operands
                if isinstance(o, ast.Attribute)
                and o.attr in ("procedure", "deciding_authority", "decided_at")
            ]
            if literal and named:
                found.append(f"{path.name}:{node.lineno} compares the authority with {literal}")
        if isinstance(node, ast.keyword) and node.arg:
            if node.arg.endswith(("procedure", "deciding_authority")):
                if isinstance(node.value, ast.Constant) and node.value.value in AUTHORITIES:
                    found.append(f"{path.name}:{node.value.lineno} filters on {node.value.value!r}")
            lookup = node.arg.removesuffix("__in").rsplit("__", 1)[-1]
            if lookup in {"state", "to_state", "from_state"} and (names := named_states_or_steps(node.value)):
                found.append(f"{path.name}:{node.value.lineno} filters a state on {names}")
    return found


def test_only_the_workflow_table_lists_transitions_or_names_the_authority():
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "assessments" / "workflow.py":
                continue
            found.extend(offences(path))
    assert found == []


def test_the_check_finds_what_it_looks_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'A = ("submit", "start_appraisal")\n'
        'if dossier.criteria_set.procedure == "province":\n    pass\n'
        'qs.filter(criteria_set__deciding_authority="district_chair")\n'
    )
    assert len(offences(sample)) == 3


def test_the_check_finds_a_state_or_a_step_named_outside_the_table(tmp_path):
    """A page comparing a state or step by name (the dashboard's 500 came from a list of states kept
    beside the table) fails the tree's check; the tree itself passes it (above)."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        'if dossier.state == "recommended":\n    pass\n'
        "if dossier.state != Dossier.State.UNDER_APPRAISAL:\n    pass\n"
        'if name == "complete_appraisal":\n    pass\n'
        "Dossier.objects.filter(state__in=(Dossier.State.APPRAISED, Dossier.State.RECOMMENDED))\n"
        'DossierEvent.objects.filter(dossier__year=2026, to_state="submitted")\n'
    )
    assert [line.split(" ", 1)[1] for line in offences(sample)] == [
        "compares a state or step with ['recommended']",
        "compares a state or step with ['UNDER_APPRAISAL']",
        "compares a state or step with ['complete_appraisal']",
        "filters a state on ['APPRAISED', 'RECOMMENDED']",
        "filters a state on ['submitted']",
    ]


def test_every_state_of_every_procedure_is_counted_in_a_dashboard_column():
    """The dashboards, their filters and exports count a state where the table puts it: a state added
    without a column fails here, not as a 500 on the dashboard."""
    from assessments import workflow

    for procedure in workflow.PROCEDURES.values():
        for state, state_rule in procedure.states.items():
            assert (state_rule.column or state) in workflow.COLUMNS, (procedure.code, state)
    counted = [s for states in workflow.state_columns().values() for s in states]
    assert sorted(counted) == sorted(workflow.states())  # each state in exactly one column
    assert workflow.state_columns()["recommended"] == ("recommended",)
    assert workflow.state_columns()["draft"] == ("draft", "returned")
    assert set(workflow.states()) == set(Dossier.State.values)

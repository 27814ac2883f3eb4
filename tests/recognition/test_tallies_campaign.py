"""The tallies after the procedure in force, driven through the services to the chairman's decision: the
nightly job finds no drift."""

import datetime

from assessments import tallies
from assessments.models import StateTally
from assessments.tasks import reconcile_tallies


def test_the_nightly_job_finds_no_drift_after_the_council_and_the_chairman_s_decision(recommended):
    from recognition import services as recognition

    p = recommended
    recognition.collective_decision_record(
        province=p.province,
        year=2026,
        actor=p.provincial_vice_chair,
        listed=[p.dossier[p.new_my_ly.pk].pk],
        left_out={p.dossier[p.tam_quang.pk].pk: "Chờ kết quả xác minh"},
        decided_on=datetime.date(2026, 11, 24),
        signer_title="Phó Chủ tịch UBND tỉnh",
    )
    figures = {
        state: n
        for state, n in StateTally.objects.filter(province=p.province, year=2026, count__gt=0).values_list(
            "state", "count"
        )
    }
    assert figures.get("recognised") == 1
    assert tallies.tallies_drift() == []
    assert reconcile_tallies.apply().get() == 0

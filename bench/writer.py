"""Background writer for bench/load.py: N writes per second through the services, as officials make
them (a commune's self-assessment draft saved: answers, the dossier's version, the data versions of its
commune, district and province). Runs until killed; prints how many writes it made.

    DATABASE_URL=... .venv/bin/python bench/writer.py --rate 5
"""

import argparse
import os
import random
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nghean_dfc.settings")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=5.0)
    args = parser.parse_args()
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from assessments import services, workflow
    from assessments.models import Dossier

    actor, _ = get_user_model().objects.get_or_create(
        username="bench.writer", defaults={"is_superuser": True, "is_staff": True}
    )
    drafts = list(Dossier.objects.filter(state__in=workflow.editable_states()).values_list("pk", flat=True))
    written, stop = 0, False

    def finish(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, finish)
    interval = 1.0 / args.rate
    next_at = time.monotonic()
    while not stop and drafts:
        dossier = Dossier.objects.get(pk=random.choice(drafts))
        answers = {
            c.pk: (True if c.measure == "boolean" else 0, f"Cập nhật {written}")
            for c in dossier.applicable_criteria()
        }
        services.self_assessment_save(dossier=dossier, actor=actor, answers=answers)
        written += 1
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    print(f"writes: {written}", flush=True)


if __name__ == "__main__":
    main()

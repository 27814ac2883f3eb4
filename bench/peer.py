"""Our pages beside django-viewflow's, interleaved in one run (issue 32's comparison with a peer).

The peer is built outside the repository, never copied into it (AGPL): ../shared/peer_viewflow.md says
how (its own venv with django-viewflow 2.4.0, 2,300 processes seeded through its activation API,
gunicorn -w 2 on this machine). Give its address and a user who sees its inbox:

    apt-get install -y --no-install-recommends wrk
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/peer.py \
        --peer http://127.0.0.1:8799 --peer-user bench --peer-password '…' \
        [--peer-pages floor=/floor/,inbox=/helloworld/inbox/,dashboard=/helloworld/,detail=/helloworld/128/] \
        [--communes 460] [--years 5] [--modes cached,off] [--rounds 3] [--seconds 8]

Our side is bench/load.py's: N communes x Y years seeded in a throwaway database, gunicorn -w 2 signed
in as a provincial viewer, the cache on its Redis (mode cached) or Django's DummyCache (mode off).
Each round takes the pairs one by one and runs wrk on our page and on the peer's back to back (who
goes first alternates every round, so neither side always meets a warmer machine), then prints both
p50 and their ratio. The summary gives each pair's range of ratios over the rounds beside the target:
at or below 1.0. Not a test: the figures go in the closing note.
"""

import argparse
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402  (bench/load.py: seeding, servers, wrk)

# (our page, the peer's page it is measured against)
PAIRS = (
    ("reference", "floor"),
    ("inbox", "inbox"),
    ("dashboard", "dashboard"),
    ("dossier page", "detail"),
)
TARGET = 1.0


def check_page(url: str, cookie: str) -> int:
    """The page answers 200 to the signed-in cookie, without a detour to a sign-in form; its size."""
    response = urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie}), timeout=30)
    if response.status != 200 or response.geturl() != url:
        raise SystemExit(f"{url} answered {response.status} at {response.geturl()}, not the page itself")
    return len(response.read())


def warm(url: str, cookie: str, times: int = 20) -> None:
    for _ in range(times):
        urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie}), timeout=30).read()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--peer", required=True, help="the peer's base URL, e.g. http://127.0.0.1:8799")
    parser.add_argument("--peer-user", required=True)
    parser.add_argument("--peer-password", required=True)
    parser.add_argument("--peer-login", default="/accounts/login/")
    parser.add_argument(
        "--peer-pages",
        default="floor=/floor/,inbox=/helloworld/inbox/,dashboard=/helloworld/,detail=/helloworld/128/",
    )
    parser.add_argument("--communes", type=int, default=460)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--modes", default="cached,off")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    peer = args.peer.rstrip("/")
    peer_pages = dict(item.split("=", 1) for item in args.peer_pages.split(","))
    missing = {theirs for _, theirs in PAIRS} - peer_pages.keys()
    if missing:
        raise SystemExit(f"--peer-pages lacks {sorted(missing)}")
    peer_cookie = load.sign_in(peer, args.peer_user, args.peer_password, args.peer_login)

    env = load.bench_environment()
    started = time.perf_counter()
    _, our_pages = load.seed(args.communes, args.years)
    print(
        f"ours: {args.communes} communes x {args.years} years, seeded in {time.perf_counter() - started:.0f} s; "
        f"peer: {peer}; wrk -t2 -c8 -d{args.seconds}s, {args.rounds} rounds; ratio = our p50 / the peer's p50"
    )
    for mode in args.modes.split(","):
        with load.serve(load.mode_environment(mode, env)) as base:
            our_cookie = load.sign_in(base)
            urls = {}
            for ours, theirs in PAIRS:
                urls[ours] = (base + our_pages[ours], peer + peer_pages[theirs])
                sizes = [check_page(urls[ours][0], our_cookie), check_page(urls[ours][1], peer_cookie)]
                warm(urls[ours][0], our_cookie)
                warm(urls[ours][1], peer_cookie)
                print(f"  {ours} ({sizes[0]:,} bytes) <-> {theirs} ({sizes[1]:,} bytes)")
            ratios = {ours: [] for ours, _ in PAIRS}
            print(f"\nmode: {mode}")
            print(f"{'round':<7}{'pair':<30}{'ours p50':>10}{'peer p50':>10}{'ratio':>8}{'errors':>8}")
            for round_ in range(1, args.rounds + 1):
                for ours, theirs in PAIRS:
                    our_url, peer_url = urls[ours]
                    runs = [(our_url, our_cookie), (peer_url, peer_cookie)]
                    if round_ % 2 == 0:
                        runs.reverse()
                    results = {url: load.wrk(url, cookie, args.seconds) for url, cookie in runs}
                    mine, theirs_result = results[our_url], results[peer_url]
                    ratio = mine["p50"] / theirs_result["p50"]
                    ratios[ours].append(ratio)
                    errors = mine["errors"] + theirs_result["errors"]
                    print(
                        f"{round_:<7}{ours + ' <-> ' + theirs:<30}{mine['p50']:>10.1f}"
                        f"{theirs_result['p50']:>10.1f}{ratio:>8.2f}{errors:>8}"
                    )
            print(f"\nsummary, mode {mode}: p50 ratio over {args.rounds} rounds (target <= {TARGET})")
            for ours, theirs in PAIRS:
                low, high = min(ratios[ours]), max(ratios[ours])
                verdict = "met" if high <= TARGET else ("MISSED" if low > TARGET else "mixed")
                print(f"  {ours + ' <-> ' + theirs:<30}{low:.2f}-{high:.2f}  {verdict}")


if __name__ == "__main__":
    main()

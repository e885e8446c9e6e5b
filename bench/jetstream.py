"""Jetstream consumer hot path: how many post events a second one consumer receives over a
websocket, decodes and filters (keywords, DIDs, reply and quote refs).

    .venv/bin/python bench/jetstream.py [--events 100000] [--match 0.02]

A local websocket server (a thread in this process) sends recorded-shape post events (the
captured fixtures with varied text) as fast as it can; the consumer does what
triage.inbound.bluesky_stream.consume does per event. Matched events then go to ingest
in one batch a second, which bench/ingest.py measures. Needs no database.

The whole Bluesky network produces in the order of tens to a few hundred posts a second
(Jetstream with wantedCollections=app.bsky.feed.post), so the figure says how much headroom
one consumer has.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crisiscenter.settings")
os.environ.setdefault("DEBUG", "1")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--match", type=float, default=0.02, help="Share of events that name the brand.")
    args = parser.parse_args()

    import django

    django.setup()
    from websockets.sync.client import connect
    from websockets.sync.server import serve

    from social.connectors.bluesky import BlueskyConnector, event_to_mention

    fixtures = ROOT / "tests" / "fixtures" / "platforms" / "bluesky"
    templates = [
        json.loads((fixtures / name).read_text())
        for name in (
            "jetstream_commit_create_post_quote_captured.json",
            "jetstream_commit_create_post_reply_images_captured.json",
        )
    ]
    every = max(1, round(1 / args.match)) if args.match else 0
    frames = []
    for i in range(args.events):
        event = json.loads(json.dumps(templates[i % 2]))
        event["time_us"] += i
        event["commit"]["rkey"] = f"3k{i:011d}"
        if every and i % every == 0:
            event["commit"]["record"]["text"] = "Stuck near Kingsbridge, @northlinerail is anyone hurt?"
        frames.append(json.dumps(event))

    def handler(ws):
        for frame in frames:
            ws.send(frame)

    server = serve(handler, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"ws://127.0.0.1:{server.socket.getsockname()[1]}/subscribe"
    connector = BlueskyConnector(handle="northlinerail.bsky.social", app_password="-", keywords=["northline"])

    def run(per_event) -> tuple[float, int]:
        matched = 0
        started = time.perf_counter()
        with connect(url, max_size=2**21) as ws:
            for _ in range(args.events):
                matched += per_event(ws.recv())
        return args.events / (time.perf_counter() - started), matched

    def product(frame: str) -> int:
        return connector.matches(json.loads(frame))

    def naive(frame: str) -> int:
        # Every event made into a mention (with its facets expanded), then filtered on text.
        mention = event_to_mention(json.loads(frame))
        return bool(mention and any(word in mention["text"].lower() for word in connector.keywords))

    limit, _ = run(lambda frame: 0)
    naive_rate, naive_matched = run(naive)
    rate, matched = run(product)
    server.shutdown()
    assert matched == naive_matched, (matched, naive_matched)
    print(f"{args.events} events a pass, {matched} matched (figures taken with other work on the cores)")
    print(f"RESULT jetstream_filter_per_s {rate:.0f} events/s")
    print(f"RESULT jetstream_filter_naive_per_s {naive_rate:.0f} events/s")
    print(f"RESULT jetstream_recv_limit_per_s {limit:.0f} events/s")


if __name__ == "__main__":
    main()

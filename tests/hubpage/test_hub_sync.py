"""The hub page's copy for every node (hubpage.sync): what a node's folder ends up holding."""

import json

import pytest

from command import flows
from hubpage import services, sync


def test_a_later_page_replaces_files_the_earlier_one_had(tmp_path):
    drill = sync.Bundle.of({"public/index.html": b"calm", "staff/index.html": b"drill"}, not_before=100)
    assert sync.install(drill, tmp_path)
    over = sync.Bundle.of({"public/index.html": b"calm again"}, not_before=101)
    assert sync.install(over, tmp_path)
    assert (tmp_path / "public/index.html").read_bytes() == b"calm again"
    assert (tmp_path / "public/index.html.gz").exists()
    assert not (tmp_path / "staff").exists()  # the drill's staff page is gone
    assert sync.local_state(tmp_path) == (over.digest, over.mtime)


def test_an_older_page_never_lands_over_a_newer_one(tmp_path):
    newer = sync.Bundle.of({"public/index.html": b"new"}, not_before=2_000_000_000)
    older = sync.Bundle.of({"public/index.html": b"old"})
    assert sync.install(newer, tmp_path)
    assert not sync.install(older, tmp_path)
    assert not sync.install(newer, tmp_path)  # the same page: files (and ETags) untouched
    assert (tmp_path / "public/index.html").read_bytes() == b"new"


@pytest.mark.django_db
def test_publishing_shares_the_page_and_a_fresh_node_takes_it(lead, scenario, tmp_path, settings):
    flows.activate(scenario=scenario, by=lead)
    services.publish()  # what activation does after commit
    shared = sync.fetch_shared()
    assert shared is not None and json.loads(shared.files["public/hub.json"])["mode"] == "crisis"
    settings.HUB_ROOT = tmp_path / "fresh"
    assert sync.install_shared()
    assert json.loads((tmp_path / "fresh/public/hub.json").read_text())["mode"] == "crisis"
    services.publish()  # nothing changed: the same page everywhere, nothing rewritten
    assert sync.fetch_shared().digest == shared.digest

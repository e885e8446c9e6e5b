"""deploy/nginx.conf itself, run on a loopback port against the published files."""

import gzip
import os
import shutil
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from bench.hub import Processes, local_nginx_config, start_nginx
from command import flows
from hubpage import services
from tests.conftest import free_port


def get(url: str, **headers) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


@pytest.fixture
def front(tmp_path):
    if not shutil.which("nginx") and not shutil.which("/usr/sbin/nginx"):
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: .ci/run installs Debian's nginx-light")
        pytest.skip("nginx is not installed (apt-get install nginx-light; .ci/run does it on CI)")
    port, closed = free_port(), free_port()
    conf = local_nginx_config(
        hub_root=settings.HUB_ROOT, port=port, app=f"http://127.0.0.1:{closed}", work=tmp_path
    )
    processes = Processes()
    start_nginx(processes, "test-hub-nginx", conf, tmp_path)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            urllib.request.urlopen(f"{base}/hub/en/", timeout=1)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    yield base
    processes.stop_all()


@pytest.mark.django_db
def test_nginx_serves_the_published_page_per_language_with_cache_headers(lead, scenario, front):
    flows.activate(scenario=scenario, by=lead)
    services.post_update(body="Buses replace trains.", by=lead)
    services.post_update(body="Des bus remplacent les trains.", by=lead, lang="fr")
    services.publish()
    status, body, headers = get(f"{front}/hub/", **{"Accept-Language": "fr-CH, fr;q=0.9"})
    assert status == 200 and b"Des bus remplacent" in body and b'lang="fr"' in body
    assert headers.get_all("Vary") == ["Accept-Encoding, Accept-Language"]
    cache = headers["Cache-Control"]
    assert "s-maxage=" in cache and "stale-while-revalidate=" in cache and "stale-if-error=" in cache
    etag = headers["ETag"]
    assert etag.startswith('"')  # strong
    assert get(f"{front}/hub/", **{"Accept-Language": "fr", "If-None-Match": etag})[0] == 304
    assert get(f"{front}/hub/fr/", **{"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert b"Buses replace trains." in get(f"{front}/hub/", **{"Accept-Language": "de-DE"})[1]
    status, packed, headers = get(f"{front}/hub/en/", **{"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip" and headers["ETag"].startswith('"')
    assert b"Buses replace trains." in gzip.decompress(packed)
    assert get(f"{front}/hub/fr/feed.atom")[2]["Content-Type"].startswith("application/atom+xml")
    assert get(f"{front}/hub/hub.json")[2]["Access-Control-Allow-Origin"] == "*"
    banner = get(f"{front}/hub/banner.js")[2]
    assert banner["Content-Type"].startswith("text/javascript") and "X-Frame-Options" not in banner
    # The drill preview cookie, or a file that is not there, goes to the app (down here: 502);
    # any other cookie, a session's included, is served the files (nobody skips the cache so).
    assert get(f"{front}/hub/", Cookie="hub_drill_preview=1")[0] == 502
    assert get(f"{front}/hub/", Cookie="sessionid=abc")[0] == 200
    assert get(f"{front}/hub/hub.json", Cookie="sessionid=abc; csrftoken=x")[0] == 200
    policy = get(f"{front}/hub/")[2]["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "frame-ancestors *" in get(f"{front}/hub/banner.html")[2]["Content-Security-Policy"]
    assert get(f"{front}/hub/xx/")[0] == 502


@pytest.mark.django_db
def test_nginx_serves_the_chinese_copy_to_chinese_browsers(lead, scenario, front, settings):
    settings.HUB_LANGUAGES = ["en", "fr", "zh-hans"]
    flows.activate(scenario=scenario, by=lead)
    services.publish()
    for header in ("zh-CN,zh;q=0.9", "zh-Hans", "zh"):
        status, body, headers = get(f"{front}/hub/", **{"Accept-Language": header})
        assert status == 200 and b'<html lang="zh-hans">' in body, header
        assert "最新消息".encode() in body
    status, body, headers = get(f"{front}/hub/zh-hans/")
    assert status == 200 and "最新消息".encode() in body and "s-maxage=" in headers["Cache-Control"]
    status, body, headers = get(f"{front}/hub/zh-hans/feed.atom")
    assert status == 200 and headers["Content-Type"].startswith("application/atom+xml")
    assert "最新消息".encode() in body
    assert get(f"{front}/hub/zh-hans/hub.json")[2]["Access-Control-Allow-Origin"] == "*"
    assert get(f"{front}/hub/zh-hans/banner.js")[0] == 200
    # The same tag in other case is the app's (down here: 502), which redirects to this spelling.
    assert get(f"{front}/hub/zh-Hans/")[0] == 502

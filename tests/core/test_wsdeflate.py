"""permessage-deflate compressed once per message for every page (crisiscenter.wsdeflate)."""

import json

from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
from websockets.frames import Frame, Opcode

from crisiscenter import wsdeflate


def negotiate(offer: list) -> tuple:
    """(server side, client side) of one connection, as a browser offering `offer` gets them."""
    response, server = wsdeflate.SharedDeflateFactory().process_request_params(offer, [])
    client = ClientPerMessageDeflateFactory(client_max_window_bits=True).process_response_params(response, [])
    return response, server, client


def test_the_server_answers_every_offer_without_context_takeover():
    for offer in ([], [("client_max_window_bits", None)], [("server_max_window_bits", "10")]):
        response, server, _ = negotiate(offer)
        assert ("server_no_context_takeover", None) in response
        assert server.local_no_context_takeover


def test_a_large_frame_is_compressed_once_and_every_page_reads_it(monkeypatch):
    monkeypatch.setattr(wsdeflate, "compressed", wsdeflate._Compressed())
    mentions = [{"text": "train 4 late", "author": {"handle": "ann"}}] * 20
    deltas = [{"type": "queue.delta", "seq": n, "mentions": mentions} for n in range(3)]
    text = json.dumps({"type": "queue.deltas", "deltas": deltas}).encode()
    pages = [negotiate([("client_max_window_bits", None)]) for _ in range(5)]
    sent = [server.encode(Frame(Opcode.TEXT, text)) for _, server, _ in pages]
    assert len({bytes(frame.data) for frame in sent}) == 1 and len(sent[0].data) < len(text) / 4
    assert (wsdeflate.compressed.misses, wsdeflate.compressed.hits) == (1, 4)
    for (_, _, client), frame in zip(pages, sent, strict=True):
        assert client.decode(frame).data == text  # and again: the page's decoder keeps working
        assert client.decode(pages[0][1].encode(Frame(Opcode.TEXT, text))).data == text


def test_small_frames_are_compressed_per_connection_and_read_back(monkeypatch):
    monkeypatch.setattr(wsdeflate, "compressed", wsdeflate._Compressed())
    _, server, client = negotiate([])
    for text in (b'{"type":"queue.presence.delta","seq":4,"joined":["ann"],"left":[]}', b"{}"):
        assert client.decode(server.encode(Frame(Opcode.TEXT, text))).data == text
    assert wsdeflate.compressed.misses == wsdeflate.compressed.hits == 0

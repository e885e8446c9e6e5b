"""What the stream commands share: stop cleanly on Ctrl-C or SIGTERM."""

import signal
import threading


def stop_flag() -> threading.Event:
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return stop

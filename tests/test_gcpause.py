"""The garbage collector pauses during builds and comes back as it was."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from bot.gcpause import building, collector_paused


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_and_restored_after_nested_blocks() -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer build is still running
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_restored_after_an_error() -> None:
    @building
    def fails() -> None:
        raise ValueError("kaputt")

    with pytest.raises(ValueError, match="kaputt"):
        fails()
    assert gc.isenabled()


def test_overlapping_builds_in_threads_restore_it_once_all_are_done() -> None:
    inside, release = threading.Barrier(3), threading.Event()

    @building
    def build() -> None:
        inside.wait(timeout=5)
        release.wait(timeout=5)

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    inside.wait(timeout=5)  # both builds are running
    assert not gc.isenabled()
    release.set()
    for thread in threads:
        thread.join(timeout=5)
    assert gc.isenabled()

import hashlib
import os
import time
from pathlib import Path

import pytest

from reelgate.media import ClipRejected, MediaStore
from tests.providers.factories import clip_bytes, media_files


def test_clip_is_stored_under_its_sha256(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    stored = store.put_bytes(clip_bytes())
    assert stored.sha256 == hashlib.sha256(clip_bytes()).hexdigest()
    assert stored.path == tmp_path / ".reelgate" / "media" / f"{stored.sha256}.mp4"
    assert store.put_bytes(clip_bytes()) == stored and store.clips() == [stored.path]


@pytest.mark.parametrize(("data", "expected", "words"), [
    (b"not a video at all", None, "does not decode"),
    (clip_bytes()[: len(clip_bytes()) // 2], None, "does not decode"),
    (clip_bytes(), len(clip_bytes()) + 10, "truncated"),
])
def test_bad_downloads_leave_nothing(tmp_path: Path, data: bytes, expected: int | None,
                                     words: str) -> None:
    store = MediaStore(tmp_path)
    with pytest.raises(ClipRejected, match=words), store.writer() as writer:
        writer.write(data)
        writer.commit(expected_size=expected)
    assert media_files(tmp_path) == []


def test_an_interrupted_download_leaves_nothing(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    with pytest.raises(ConnectionError), store.writer() as writer:
        writer.write(clip_bytes()[:100])
        raise ConnectionError("dropped")
    assert media_files(tmp_path) == []


def test_remove_partials_clears_what_a_killed_process_left(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    store.put_bytes(clip_bytes())
    dead = store.directory / f".{'ab' * 16}.part"  # the name a ClipWriter gives its temp file
    dead.write_bytes(b"half")
    live = store.writer()  # a download streaming right now
    live.write(b"half")
    assert store.remove_partials(older_than=time.time() - 60) == []  # both are too fresh to be dead
    os.utime(dead, (time.time() - 3600, time.time() - 3600))
    assert store.remove_partials(older_than=time.time() - 60) == [dead]
    live.abort()
    assert [p.suffix for p in media_files(tmp_path)] == [".mp4"]


def test_derived_state_is_rewritten_only_when_it_changed(tmp_path: Path) -> None:
    from reelgate.atomic import update_text_atomic

    target = tmp_path / "latest" / "mid.json"
    assert update_text_atomic(target, "one") and target.read_text() == "one"
    before = target.stat().st_mtime_ns, target.stat().st_ino
    assert not update_text_atomic(target, "one")
    assert (target.stat().st_mtime_ns, target.stat().st_ino) == before  # not written again
    assert update_text_atomic(target, "two") and target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["mid.json"]  # no temporary left

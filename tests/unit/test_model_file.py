"""A damaged model file is noticed and retrained, never served (ml/train.py)."""

from __future__ import annotations

import io
import tarfile

from ml import train


def _archive(path, files):
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def test_a_whole_model_archive_is_accepted(tmp_path):
    model = tmp_path / "clinic-abc.tar.gz"
    _archive(model, {"metadata.json": b"{}", "components/x.bin": b"0" * 100_000})
    assert train.model_file_is_whole(model)


def test_a_truncated_archive_is_refused(tmp_path):
    model = tmp_path / "clinic-abc.tar.gz"
    _archive(model, {"metadata.json": b"{}", "components/x.bin": bytes(range(256)) * 4000})
    data = model.read_bytes()
    model.write_bytes(data[: len(data) // 2])
    assert not train.model_file_is_whole(model)


def test_garbage_and_archives_without_metadata_are_refused(tmp_path):
    garbage = tmp_path / "clinic-garbage.tar.gz"
    garbage.write_bytes(b"not a model")
    assert not train.model_file_is_whole(garbage)
    empty = tmp_path / "clinic-empty.tar.gz"
    _archive(empty, {"readme.txt": b"hi"})
    assert not train.model_file_is_whole(empty)


def test_train_removes_a_damaged_model_before_training(tmp_path, monkeypatch):
    target = tmp_path / "clinic-x.tar.gz"
    target.write_bytes(b"damaged")
    monkeypatch.setattr(train, "model_path", lambda root, model_dir: target)
    calls = []

    def fake_run(command, cwd, env):
        calls.append(command)
        _archive(target, {"metadata.json": b"{}"})

        class Done:
            returncode = 0

        return Done()

    monkeypatch.setattr(train.subprocess, "run", fake_run)
    assert train.train(tmp_path, tmp_path) == target
    assert calls and train.model_file_is_whole(target)

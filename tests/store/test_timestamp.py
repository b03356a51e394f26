"""RFC 3161 tokens from a real (local) time-stamp authority, kept and verified."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests.capture.tsa import authority
from tests.store.conftest import Env
from vigil.capture.timestamp import check_token
from vigil.store.tables import Timestamp

SEED = Path(__file__).parent.parent / "data" / "seed_un_xinjiang_visit.txt"


def test_token_from_a_local_tsa_verifies(store_env: Env) -> None:
    with authority() as (url, ca):
        store_env.vigil("capture", str(SEED), "--timestamp", url, "--tsa-chain", str(ca))
    store = store_env.open()
    with store.sessions() as s:
        ts = s.scalars(select(Timestamp)).one()
    token = store.blobs.get(ts.token_sha256)
    chain = store.blobs.get(ts.chain_sha256) if ts.chain_sha256 else None
    assert check_token(token, bytes.fromhex(ts.digest), chain) is None
    assert check_token(token, bytes(32), chain) == "token was issued for other data"
    assert store_env.vigil("verify").returncode == 0


def test_unreachable_tsa_is_one_line(store_env: Env) -> None:
    p = store_env.vigil("capture", str(SEED), "--timestamp", "http://127.0.0.1:9/tsa", check=False)
    assert p.returncode == 1 and "time-stamp authority" in p.stderr and "Traceback" not in p.stderr


def test_checkpoints_are_time_stamped_and_a_rewrite_is_found(store_env: Env) -> None:
    from vigil.store.tables import Checkpoint, CheckpointStamp

    with authority() as (url, ca):
        store_env.vigil("capture", str(SEED), "--timestamp", url, "--tsa-chain", str(ca))
        p = store_env.vigil("checkpoint", "--timestamp", url, "--tsa-chain", str(ca))
    assert "time-stamped by" in p.stdout
    store = store_env.open()
    with store.sessions() as s:
        stamps = s.scalars(select(CheckpointStamp)).all()
        assert len(stamps) == 2 and stamps[0].checkpoint_id < stamps[1].checkpoint_id
        first = stamps[0].checkpoint_id
    assert store_env.vigil("verify").returncode == 0
    with store.engine.begin() as conn:  # a forger rewrites a stamped checkpoint's hash
        conn.execute(Checkpoint.__table__.update().where(Checkpoint.id == first).values(row_hash="f" * 64))
    store.engine.dispose()
    p = store_env.vigil("verify", check=False)
    assert (
        p.returncode == 1
        and f"time-stamp 1 of checkpoint {first}: the checkpoint it signed is gone" in p.stderr
    )

"""The ledger's fixed words, importable without the database or pydantic (the CLI parser uses them)."""

from __future__ import annotations

from typing import Literal

Verdict = Literal["pass", "pass-with-edits", "fail", "error"]
VERDICTS: tuple[Verdict, ...] = ("pass", "pass-with-edits", "fail", "error")
# A clip a team can ship, as is or after light edits; the numerator of every usable rate.
USABLE_VERDICTS: tuple[Verdict, ...] = ("pass", "pass-with-edits")

# What a row's cost_usd is: the provider's charge (known), the list price of a render whose
# submit went out and whose answer was lost (unknown), or of one the run was stopped in the
# middle of (interrupted). A later run reconciles the last two from the provider's task list.
Charge = Literal["known", "unknown", "interrupted"]
CHARGES: tuple[Charge, ...] = ("known", "unknown", "interrupted")
# Where a render's clip came from: a paid provider, a provider on this machine (the simulator),
# or a recording. Only ``live`` is money spent.
Source = Literal["live", "simulated", "replayed"]
SOURCES: tuple[Source, ...] = ("live", "simulated", "replayed")

# The natural key of a row: the same render recorded twice (a retried write, two workers racing
# on one item) is one row. The provider is the one that served the clip, so a failover render
# and the failed primary attempt are two rows.
NATURAL_KEY: tuple[str, ...] = ("run_id", "preset_id", "sweep_point", "repeat", "provider")

# The ledger's tables, and the schema version this code writes: the last migration's
# (records/migrations.py builds it; a test holds the two together).
RENDERS = "reelgate_renders"
MIGRATIONS = "reelgate_migrations"
LATEST_VERSION = 6

# What a report can hold; each is one aggregate query, so a caller asks only for what it shows.
SECTIONS: tuple[str, ...] = ("overall", "weekly", "scenarios", "presets", "providers", "retire")

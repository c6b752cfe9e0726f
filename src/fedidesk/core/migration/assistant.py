"""One call for the import side of the migration assistant: plan, journal, run.

``import_folder`` reads the export folder, opens (or resumes) the journal job for this
account and folder, builds the plan (rows finished earlier are not looked up again) and,
unless ``dry_run``, records it and runs the import. Calling it again resumes; calling it
after everything finished sends no write request. Used by the CLI and the wizard.

``follows_via`` (``auto``/``api``/``server``, see ``plan.py``) is stored with the job: a
run without it keeps the job's choice (``auto`` for a new job); a different choice is
stored and applies to the rows still open. A dry run stores nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from fedidesk.core.api import MastodonApi
from fedidesk.core.clock import Clock
from fedidesk.core.contacts.follow import FollowBudget
from fedidesk.core.i18n import _
from fedidesk.core.migration.importer import (
    Cancel,
    ImportSummary,
    Progress,
    record_plan,
    run_import,
)
from fedidesk.core.migration.importjournal import ImportJournal, Job
from fedidesk.core.migration.plan import (
    CATEGORIES,
    FollowsVia,
    Plan,
    build_plan,
    parse_follows_via,
)
from fedidesk.core.migration.resolve import Resolver, resolver_for
from fedidesk.core.migration.source import read_source
from fedidesk.core.storage import Database


@dataclass
class ImportOutcome:
    plan: Plan
    job: Job | None
    summary: ImportSummary | None  # None for a dry run


def parse_only(value: str | None) -> tuple[str, ...] | None:
    """``follows,lists`` → the categories; ``ValueError`` naming an unknown one."""
    if not value:
        return None
    names = tuple(dict.fromkeys(v.strip().replace("-", "_") for v in value.split(",")
                                if v.strip()))
    aliases = {"hashtags": "tags", "followed_tags": "tags", "follow": "follows"}
    names = tuple(aliases.get(n, n) for n in names)
    unknown = [n for n in names if n not in CATEGORIES]
    if unknown:
        raise ValueError(_("unknown categories: {names} (known: {known})").format(
            names=", ".join(unknown), known=", ".join(CATEGORIES)))
    return names


async def import_folder(api: MastodonApi, db: Database, account: str, folder: str | Path, *,
                        only: Iterable[str] | None = None, dry_run: bool = False,
                        budget: FollowBudget | None = None, progress: Progress | None = None,
                        cancel: Cancel | None = None, clock: Clock | None = None,
                        resolver: Resolver | None = None,
                        follows_via: FollowsVia | None = None) -> ImportOutcome:
    """Plan (and unless ``dry_run`` run) the import of ``folder`` into ``account``;
    ``follows_via`` ``None`` keeps the job's choice."""
    clock = clock or api.clock
    chosen = tuple(only) if only is not None else None
    source = read_source(folder)
    journal = ImportJournal(db, clock=clock)
    job = journal.find_job(account, source.directory)
    via = follows_via or parse_follows_via(job.follows_via if job is not None else None)
    if not dry_run:
        job = job or journal.open_job(account, source.directory, follows_via=via)
        if job.follows_via != via:
            journal.set_follows_via(job.id, via)
            job = replace(job, follows_via=via)
    budget = budget or FollowBudget(db, account, clock=clock)
    background = api.background()
    resolver = resolver or await resolver_for(background)
    plan = await build_plan(background, source, account=account,
                            budget_left=budget.remaining(), only=chosen,
                            journal_rows=journal.rows(job.id) if job else (),
                            resolver=resolver, follows_via=via)
    if dry_run or job is None:
        return ImportOutcome(plan, job, None)
    record_plan(journal, job, plan)
    summary = await run_import(api, journal, job, source, budget=budget, progress=progress,
                               cancel=cancel, clock=clock, only=chosen, resolver=resolver,
                               reserve=plan.follow_reserve)
    return ImportOutcome(plan, job, summary)

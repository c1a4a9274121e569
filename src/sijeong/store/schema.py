"""The database schema, generated from the model's dataclasses (see ``docs/schema.md``).

- ``documents``: one row per loaded document (unique by name + municipality).
- one table per record kind, named by the plural of the record's ``kind``
  (``indicator`` → ``indicators``, ``department_summary`` → ``department_summaries``):
  common columns, then one column per dataclass field (int → BigInteger, Number/float →
  Double, str → Text, bool → Boolean, lists/dicts/nested dataclasses → JSON).
- ``tables`` (generic tables kept whole), ``findings``, ``search_index``.

The migrations in ``store/migrations`` must produce exactly this metadata; a test compares
them, so a new model field or record class needs a new revision
(``python -m sijeong.store.revision "message"``).
"""

from __future__ import annotations

import dataclasses
import functools

import sqlalchemy as sa

from .. import model
from ..model import RECORD_TYPES, Record
from .codec import hints, scalar_kind

#: JSON everywhere (``json``, not ``jsonb``, on PostgreSQL: it keeps the order of keys,
#: which is the order of a table's columns in ``amounts``, ``values``, ``staffing``)
JSONType = sa.JSON()
#: double precision everywhere (REAL affinity on SQLite)
DoubleType = sa.Double()

#: columns every record table has, besides one column per dataclass field
COMMON_COLUMNS = (
    "id",
    "document_id",
    "doc_order",
    "municipality",
    "year",
    "department",
    "name",
    "section",
    "source_doc",
    "source_line",
    "figures",
    "appearances",
)
#: Record fields that are stored in the common columns (or not as columns at all)
BASE_FIELDS = frozenset({"source", "municipality", "year", "department", "name", "figures", "appearances", "section"})


def plural(kind: str) -> str:
    """``indicator`` → ``indicators``; ``department_summary`` → ``department_summaries``."""
    if kind.endswith("y") and kind[-2:-1] not in "aeiou":
        return kind[:-1] + "ies"
    if kind.endswith(("s", "x", "ch", "sh")):
        return kind + "es"
    return kind + "s"


def record_classes() -> list[type[Record]]:
    """``RECORD_TYPES`` first, then every other Record subclass ``sijeong.model`` exports."""
    out = list(RECORD_TYPES)
    extra = []
    for value in vars(model).values():
        if isinstance(value, type) and issubclass(value, Record) and value is not Record and value not in out:
            extra.append(value)
    extra.sort(key=lambda c: c.kind)
    seen = {c.kind for c in out}
    for c in extra:
        if c.kind not in seen:
            out.append(c)
            seen.add(c.kind)
    return out


def field_type(tp) -> sa.types.TypeEngine:
    kind = scalar_kind(tp)
    if kind == "int":
        return sa.BigInteger()
    if kind == "float":
        return DoubleType
    if kind == "str":
        return sa.Text()
    if kind == "bool":
        return sa.Boolean()
    return JSONType


def own_fields(cls: type[Record]) -> list[dataclasses.Field]:
    """The dataclass fields of a record class stored as their own columns."""
    return [f for f in dataclasses.fields(cls) if f.name not in BASE_FIELDS]


def _record_table(metadata: sa.MetaData, cls: type[Record]) -> sa.Table:
    name = plural(cls.kind)
    h = hints(cls)
    cols = [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("doc_order", sa.Integer, nullable=False, server_default="0"),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("department", sa.Text),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("section", sa.Text),
        sa.Column("source_doc", sa.Text, nullable=False),
        sa.Column("source_line", sa.Integer, nullable=False),
        sa.Column("figures", JSONType),
        sa.Column("appearances", JSONType),
    ]
    for f in own_fields(cls):
        cols.append(sa.Column(f.name, field_type(h[f.name])))
    return sa.Table(
        name,
        metadata,
        *cols,
        # ``id`` last: a scope's rows in id order straight from the index (keyset paging)
        sa.Index(f"ix_{name}_dims", "municipality", "year", "department", "id"),
        sa.Index(f"ix_{name}_document_id", "document_id"),
    )


@functools.cache
def build() -> tuple[sa.MetaData, dict[str, sa.Table]]:
    metadata = sa.MetaData()
    sa.Table(
        "documents",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("family", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("sha256", sa.Text, nullable=False, server_default=""),
        sa.Column("line_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("coverage", JSONType),
        sa.Column("headings", JSONType),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name", "municipality", name="uq_documents_name_municipality"),
        sa.Index("ix_documents_dims", "municipality", "year"),
    )
    # the text as loaded, for the document view (kept apart so listings never read it)
    sa.Table(
        "document_texts",
        metadata,
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
    )
    by_kind: dict[str, sa.Table] = {}
    for cls in record_classes():
        by_kind[cls.kind] = _record_table(metadata, cls)
    sa.Table(
        "tables",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("doc_order", sa.Integer, nullable=False, server_default="0"),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("department", sa.Text),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("unit", sa.Text),
        sa.Column("typed", sa.Boolean, nullable=False),
        sa.Column("source_doc", sa.Text, nullable=False),
        sa.Column("source_line", sa.Integer, nullable=False),
        sa.Column("header", JSONType),
        sa.Column("header_lines", JSONType),
        sa.Column("rows", JSONType),
        sa.Index("ix_tables_dims", "municipality", "year", "department", "id"),
        sa.Index("ix_tables_document_id", "document_id"),
    )
    sa.Table(
        "findings",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=True),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("severity", sa.Text, nullable=False),
        sa.Column("doc", sa.Text, nullable=False),
        sa.Column("lines", JSONType),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("expected", JSONType),
        sa.Column("actual", JSONType),
        sa.Column("municipality", sa.Text),
        sa.Column("year", sa.Integer),
        sa.Column("department", sa.Text),
        sa.Column("subject", sa.Text),
        # "read": found while reading a document (stored with it by save_document);
        # "rule": found by a rule (stored by save_findings)
        sa.Column("origin", sa.Text, nullable=False, server_default="rule"),
        # what the finding is about, stable across re-checks (rows.finding_fingerprint): the
        # key of the people's marks on it (finding_marks)
        sa.Column("fingerprint", sa.Text),
        # the lines of other documents where the same defect shows ([{doc, lines}], e.g. the
        # report a plan restates for cross.document); the finding is ``doc``'s
        sa.Column("related", JSONType),
        sa.Index("ix_findings_dims", "municipality", "year", "rule", "id"),
        sa.Index("ix_findings_fingerprint", "municipality", "fingerprint"),
        sa.Index("ix_findings_document_id", "document_id"),
    )
    sa.Table(
        "search_index",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("record_id", sa.Integer, nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("department", sa.Text),
        sa.Column("number", sa.Integer),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("source_doc", sa.Text, nullable=False),
        sa.Column("source_line", sa.Integer, nullable=False),
        sa.Index("ix_search_index_dims", "municipality", "year", "department"),
        sa.Index("ix_search_index_document_id", "document_id"),
    )
    # a user's word on which way an indicator is better; outlives re-ingesting its documents
    sa.Table(
        "indicator_directions",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("department", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("direction", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("municipality", "department", "name", name="uq_indicator_directions"),
    )
    # the performance team's word on a finding: 확인 (seen), 조치 완료 (fixed, with what was
    # done) or 오탐 (not an error, with why). Keyed by the finding's fingerprint, so a re-check
    # that finds the same problem again keeps the mark; ``version`` detects a stale edit
    sa.Table(
        "finding_marks",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("fingerprint", sa.Text, nullable=False),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("marked_by", sa.Text, nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.UniqueConstraint("municipality", "fingerprint", name="uq_finding_marks"),
    )
    # every change made through the write path (operations.write): who, when, how, what, the
    # value before and after. Append-only: nothing updates or deletes a row of it.
    sa.Table(
        "audit_log",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("via", sa.Text, nullable=False),
        sa.Column("operation", sa.Text, nullable=False),
        sa.Column("municipality", sa.Text),
        sa.Column("year", sa.Integer),
        sa.Column("entity", sa.Text, nullable=False),
        sa.Column("entity_id", sa.Integer),
        sa.Column("field", sa.Text),
        sa.Column("old_value", JSONType),
        sa.Column("new_value", JSONType),
        sa.Column("note", sa.Text),
        sa.Index("ix_audit_log_entity", "entity", "entity_id", "id"),
        sa.Index("ix_audit_log_dims", "municipality", "year", "id"),
    )
    _account_tables(metadata)
    _cycle_tables(metadata)
    _pledge_tables(metadata)
    _evaluation_tables(metadata)
    _suggestion_tables(metadata)
    _collaboration_tables(metadata)
    _participatory_tables(metadata)
    _joint_task_tables(metadata)
    # What ``sijeong check`` may reuse (store/stamps.py): one row per scope checked
    # (municipality and year; year NULL: the whole municipality, checked at once because a
    # document has no year) by the write path's re-check or ``check --save``: the code that
    # checked it, digests of the scope's documents, of the other documents it was compared
    # with (``context_after``/``context_before``: which ones) and of the findings stored then,
    # and the findings as the check gave them (``output``: JSON, what ``check`` prints again)
    sa.Table(
        "check_stamps",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("documents", sa.Text, nullable=False),
        sa.Column("context", sa.Text, nullable=False),
        sa.Column("context_after", sa.Integer),
        sa.Column("context_before", sa.Integer),
        sa.Column("findings", sa.Text, nullable=False),
        sa.Column("output", sa.Text, nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("ix_check_stamps_dims", "municipality", "year"),
    )
    # One row (id 1): a number every write transaction adds one to (store.db.bump_data_version),
    # in that transaction; the public page cache (web/cache.py) keys its answers by it.
    sa.Table(
        "data_version",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("version", sa.BigInteger, nullable=False, server_default="0"),
    )
    return metadata, by_kind


def _account_tables(metadata: sa.MetaData) -> None:
    """People (``docs/security.md``): accounts, their server-side sessions and API tokens
    (only the SHA-256 of a token is kept), and the failed logins the rate limit counts."""
    sa.Table(
        "accounts",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("login", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("department", sa.Text),
        sa.Column("municipality", sa.Text),
        sa.Column("password_hash", sa.Text, nullable=False),  # argon2id, never shown nor audited
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("login", name="uq_accounts_login"),
    )
    sa.Table(
        "sessions",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("token_hash", sa.Text, nullable=False),
        sa.Column("via", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("token_hash", name="uq_sessions_token_hash"),
        sa.Index("ix_sessions_account_id", "account_id"),
    )
    sa.Table(
        "api_tokens",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("token_hash", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
        sa.Index("ix_api_tokens_account_id", "account_id"),
    )
    sa.Table(
        "login_failures",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("login", sa.Text, nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("ix_login_failures_login", "login", "at"),
        sa.Index("ix_login_failures_address", "address", "at"),
    )


def _cycle_tables(metadata: sa.MetaData) -> None:
    """The year's performance cycle entered in sijeong (``docs/cycle.md``, issue 11): a
    municipality-year (open → confirmed → closed; reopening is recorded), its plan
    indicators (targets, weights), their period results and the results' evidence files.
    Every row carries ``version`` for stale-edit detection; changes go through
    ``operations.write`` and are kept in ``audit_log``."""
    sa.Table(
        "cycle_years",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        # open: the plan is written; confirmed: the plan is confirmed, results are entered;
        # closed: 결산 확정 — everything of the year is locked
        sa.Column("status", sa.Text, nullable=False, server_default="open"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("municipality", "year", name="uq_cycle_years"),
    )
    sa.Table(
        "cycle_indicators",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("cycle_id", sa.Integer, sa.ForeignKey("cycle_years.id", ondelete="CASCADE"), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("department", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("policy_goal", sa.Text),
        sa.Column("programs", JSONType),
        sa.Column("unit", sa.Text),
        sa.Column("formula", sa.Text),
        sa.Column("data_source", sa.Text),
        sa.Column("direction", sa.Text),
        # outcome (결과지표) | output (산출지표) | NULL (not said)
        sa.Column("measure", sa.Text),
        sa.Column("target", DoubleType),
        sa.Column("weight", DoubleType),
        # last year's actual of the indicator it was carried over from (plan-quality check)
        sa.Column("prior_actual", DoubleType),
        sa.Column("carried_from", sa.Text),
        # draft | submitted | confirmed
        sa.Column("status", sa.Text, nullable=False, server_default="draft"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.UniqueConstraint("cycle_id", "department", "name", name="uq_cycle_indicators"),
        sa.Index("ix_cycle_indicators_dims", "municipality", "year", "department", "id"),
    )
    sa.Table(
        "cycle_results",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("indicator_id", sa.Integer, sa.ForeignKey("cycle_indicators.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("department", sa.Text, nullable=False),
        # 2025 | 2025-H1 | 2025-Q3 | 2025-M07
        sa.Column("period", sa.Text, nullable=False),
        sa.Column("actual", DoubleType),
        sa.Column("comment", sa.Text),
        # draft | submitted | accepted | returned
        sa.Column("status", sa.Text, nullable=False, server_default="draft"),
        sa.Column("return_reason", sa.Text),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.UniqueConstraint("indicator_id", "period", name="uq_cycle_results"),
        sa.Index("ix_cycle_results_dims", "municipality", "year", "department", "id"),
    )
    # reporting windows: by when a period's results are due (who is late)
    sa.Table(
        "cycle_windows",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("cycle_id", sa.Integer, sa.ForeignKey("cycle_years.id", ondelete="CASCADE"), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("period", sa.Text, nullable=False),
        sa.Column("opens_on", sa.Date),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.UniqueConstraint("cycle_id", "period", name="uq_cycle_windows"),
    )
    sa.Table(
        "cycle_evidence",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("result_id", sa.Integer, sa.ForeignKey("cycle_results.id", ondelete="CASCADE"), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("department", sa.Text, nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),  # as uploaded (shown, never used as a path)
        sa.Column("stored_name", sa.Text, nullable=False),  # generated
        sa.Column("content_type", sa.Text, nullable=False),  # pdf | hwp | hwpx | xlsx | png | jpeg
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("uploaded_by", sa.Text, nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("stored_name", name="uq_cycle_evidence_stored_name"),
        sa.Index("ix_cycle_evidence_result_id", "result_id"),
    )


def _pledge_tables(metadata: sa.MetaData) -> None:
    """The mayor's pledges (공약, issue 12 part 2): the registry, milestones, half-year
    progress reports, the citizens' panel's assessments. Status and type codes are
    ``model.pledges.STATUSES`` / ``TYPES``; ``version`` detects a stale edit."""
    sa.Table(
        "pledges",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("field", sa.Text, nullable=False),
        sa.Column("type", sa.Text),
        sa.Column("lead_department", sa.Text, nullable=False),
        sa.Column("cooperating_departments", JSONType),
        sa.Column("programs", JSONType),
        sa.Column("indicators", JSONType),
        sa.Column("target_year", sa.Integer),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("summary", sa.Text),  # public: what the pledge promises
        sa.Column("note", sa.Text),  # internal: never on a public page
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.UniqueConstraint("municipality", "number", name="uq_pledges_number"),
        sa.Index("ix_pledges_dims", "municipality", "field", "id"),
        sa.Index("ix_pledges_department", "municipality", "lead_department"),
    )
    sa.Table(
        "pledge_milestones",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("pledge_id", sa.Integer, sa.ForeignKey("pledges.id", ondelete="CASCADE"), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("due", sa.Text),  # a half-year (2025-H2) or a year (2025)
        sa.Column("done", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Index("ix_pledge_milestones_pledge", "pledge_id", "id"),
    )
    sa.Table(
        "pledge_reports",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("pledge_id", sa.Integer, sa.ForeignKey("pledges.id", ondelete="CASCADE"), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("period", sa.Text, nullable=False),  # 2025-H1
        sa.Column("status", sa.Text, nullable=False),  # the pledge's status at that time
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("evidence", sa.Text),  # where the evidence is (a document, a file number)
        sa.Column("reported_by", sa.Text, nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.UniqueConstraint("pledge_id", "period", name="uq_pledge_reports_period"),
        sa.Index("ix_pledge_reports_dims", "municipality", "period"),
    )
    sa.Table(
        "pledge_assessments",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("pledge_id", sa.Integer, sa.ForeignKey("pledges.id", ondelete="CASCADE"), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("panel", sa.Text, nullable=False),  # 공약 시민평가단
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("grade", sa.Text),
        sa.Column("opinion", sa.Text),
        sa.Column("published", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Index("ix_pledge_assessments_pledge", "pledge_id", "id"),
    )


def _suggestion_tables(metadata: sa.MetaData) -> None:
    """제안제도 (issue 13 part 2, ``docs/suggestions.md``): public calls (공모) with their
    deadlines, suggestions (staff's, and citizens' entered on their behalf) and each review
    step with who decided what, when and why. Status, step and source codes are
    ``model.suggestions``; prize money is integer won; ``version`` detects a stale edit."""
    sa.Table(
        "suggestion_calls", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("opens_on", sa.Date, nullable=False),
        sa.Column("closes_on", sa.Date, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Index("ix_suggestion_calls_dims", "municipality", "closes_on"),
    )
    sa.Table(
        "suggestions", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),  # the year it was received (the statistics' year)
        sa.Column("number", sa.Integer, nullable=False),  # per municipality and year
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("source", sa.Text, nullable=False),  # staff | citizen
        sa.Column("call_id", sa.Integer, sa.ForeignKey("suggestion_calls.id")),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("proposer_name", sa.Text, nullable=False),
        sa.Column("proposer_contact", sa.Text),  # a citizen's: internal, never public
        sa.Column("proposer_login", sa.Text),  # a staff proposer's account
        sa.Column("proposer_department", sa.Text),
        sa.Column("department", sa.Text),  # 소관부서: reviews, adopts and implements
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("grade", sa.Text),  # 창안 등급
        sa.Column("award", sa.Text),  # 포상
        sa.Column("prize", sa.BigInteger),  # 부상금, won
        sa.Column("adopted_on", sa.Date),
        sa.Column("implemented_on", sa.Date),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.UniqueConstraint("municipality", "year", "number", name="uq_suggestions_number"),
        sa.Index("ix_suggestions_dims", "municipality", "year", "department"),
        sa.Index("ix_suggestions_call", "call_id"),
    )
    sa.Table(
        "suggestion_steps", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("suggestion_id", sa.Integer, sa.ForeignKey("suggestions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("step", sa.Text, nullable=False),  # receive | screen | committee | implement
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("grade", sa.Text),
        sa.Column("award", sa.Text),
        sa.Column("prize", sa.BigInteger),
        sa.Column("decided_by", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("suggestion_id", "step", name="uq_suggestion_steps_step"),
    )


def _collaboration_tables(metadata: sa.MetaData) -> None:
    """협업 (issue 13 part 3, ``docs/collaboration.md``): 협업과제 with their lead and
    cooperating departments and 협업관리자, the 관리카드's half-yearly checks, and the
    협업포인트 ledger (one row per thank-you message or special grant; balances are computed
    by month from it, so an allowance lapses by itself at month end)."""
    sa.Table(
        "collab_tasks", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("summary", sa.Text),
        sa.Column("lead_department", sa.Text, nullable=False),
        sa.Column("cooperating_departments", JSONType),
        sa.Column("manager", sa.Text, nullable=False),  # 협업관리자
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Index("ix_collab_tasks_dims", "municipality", "year", "id"),
    )
    sa.Table(
        "collab_checks", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("collab_tasks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("period", sa.Text, nullable=False),  # 2025-H1
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("progress", sa.Text, nullable=False),
        sa.Column("checked_by", sa.Text, nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("task_id", "period", name="uq_collab_checks_period"),
    )
    sa.Table(
        "collab_points", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("month", sa.Text, nullable=False),  # 2026-12 (Korea's time)
        sa.Column("kind", sa.Text, nullable=False),  # thanks | special
        sa.Column("sender_account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("sender_login", sa.Text, nullable=False),
        sa.Column("sender_department", sa.Text),
        sa.Column("recipient_account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("recipient_login", sa.Text, nullable=False),
        sa.Column("recipient_department", sa.Text),
        sa.Column("points", sa.Integer, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("points > 0", name="ck_collab_points_positive"),
        sa.Index("ix_collab_points_sender", "sender_account_id", "month"),
        sa.Index("ix_collab_points_recipient", "recipient_account_id", "month"),
        sa.Index("ix_collab_points_dims", "municipality", "month", "id"),
    )


def _participatory_tables(metadata: sa.MetaData) -> None:
    """주민참여예산 (issue 13 part 1, ``docs/participation.md``): a year's call (기준액 in won,
    the stages' dates), the residents' proposals and each stage's decision, 현장실사 notes,
    ballots with the residents' votes (one row per choice: UNIQUE per ballot, resident and
    choice number, so two concurrent requests cannot both count) and the offline counts, and
    the approved project's budget line (a program of a later year, resolved through the read
    layer). Residents are not staff accounts: their own table, one-time codes and sessions
    (only hashes of codes and tokens are stored). Kind and stage codes are
    ``model.participation.KINDS`` / ``STAGES``."""
    def versioned() -> list[sa.Column]:
        return [sa.Column("version", sa.Integer, nullable=False, server_default="1")]

    sa.Table(
        "pb_calls",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),  # the year of the call (budget of year + 1)
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("envelope", sa.BigInteger, nullable=False),  # 기준액, won
        # [{"stage": "submitted", "starts_on": "2022-02-01", "ends_on": "2022-05-31"}, …]
        sa.Column("schedule", JSONType),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *versioned(),
        sa.UniqueConstraint("municipality", "year", name="uq_pb_calls_year"),
    )
    sa.Table(
        "pb_residents",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("contact", sa.Text, nullable=False),  # phone or e-mail the code goes to; never public
        sa.Column("dong", sa.Text),  # 읍면동
        sa.Column("verified_at", sa.DateTime(timezone=True)),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("municipality", "contact", name="uq_pb_residents_contact"),
    )
    sa.Table(
        "pb_resident_codes",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("resident_id", sa.Integer, sa.ForeignKey("pb_residents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code_hash", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Index("ix_pb_resident_codes_resident", "resident_id", "id"),
    )
    sa.Table(
        "pb_resident_sessions",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("resident_id", sa.Integer, sa.ForeignKey("pb_residents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("token_hash", name="uq_pb_resident_sessions_token"),
        sa.Index("ix_pb_resident_sessions_resident", "resident_id"),
    )
    sa.Table(
        "pb_proposals",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.Integer, sa.ForeignKey("pb_calls.id", ondelete="CASCADE"), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),  # the call's year
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("dong", sa.Text),  # 읍면동 (the 읍면동 kinds)
        sa.Column("requested_amount", sa.BigInteger, nullable=False),  # won
        # the resident who proposed it (NULL: entered by staff from a paper proposal)
        sa.Column("resident_id", sa.Integer, sa.ForeignKey("pb_residents.id")),
        sa.Column("stage", sa.Text, nullable=False, server_default="submitted"),  # the stage it waits at
        # open | rejected (a stage said 탈락) | selected (the committee passed it)
        sa.Column("status", sa.Text, nullable=False, server_default="open"),
        sa.Column("approved_amount", sa.BigInteger),  # won, the committee's
        # the budget line it became: a program of a later year, by its identity
        sa.Column("budget_year", sa.Integer),
        sa.Column("budget_department", sa.Text),
        sa.Column("budget_program", sa.Text),
        sa.Column("budget_code", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        *versioned(),
        sa.UniqueConstraint("call_id", "number", name="uq_pb_proposals_number"),
        sa.Index("ix_pb_proposals_dims", "municipality", "year", "kind", "id"),
    )
    sa.Table(
        "pb_decisions",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("proposal_id", sa.Integer, sa.ForeignKey("pb_proposals.id", ondelete="CASCADE"), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("stage", sa.Text, nullable=False),
        sa.Column("decision", sa.Text, nullable=False),  # pass | fail
        sa.Column("reason", sa.Text, nullable=False),  # public once decided
        sa.Column("decided_by", sa.Text, nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("proposal_id", "stage", name="uq_pb_decisions_stage"),
    )
    sa.Table(
        "pb_site_notes",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("proposal_id", sa.Integer, sa.ForeignKey("pb_proposals.id", ondelete="CASCADE"), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("visited_on", sa.Date, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("written_by", sa.Text, nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("ix_pb_site_notes_proposal", "proposal_id", "id"),
    )
    sa.Table(
        "pb_ballots",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.Integer, sa.ForeignKey("pb_calls.id", ondelete="CASCADE"), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("choices", sa.Integer, nullable=False, server_default="1"),  # how many a resident picks
        sa.Column("status", sa.Text, nullable=False, server_default="open"),  # open | closed
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *versioned(),
    )
    sa.Table(
        "pb_votes",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ballot_id", sa.Integer, sa.ForeignKey("pb_ballots.id", ondelete="CASCADE"), nullable=False),
        sa.Column("resident_id", sa.Integer, sa.ForeignKey("pb_residents.id"), nullable=False),
        sa.Column("proposal_id", sa.Integer, sa.ForeignKey("pb_proposals.id", ondelete="CASCADE"), nullable=False),
        sa.Column("choice", sa.Integer, nullable=False),  # 1 … the ballot's choices
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        # one vote per resident per ballot and choice, and never the same proposal twice
        sa.UniqueConstraint("ballot_id", "resident_id", "choice", name="uq_pb_votes_choice"),
        sa.UniqueConstraint("ballot_id", "resident_id", "proposal_id", name="uq_pb_votes_proposal"),
        sa.Index("ix_pb_votes_proposal", "ballot_id", "proposal_id"),
    )
    sa.Table(
        "pb_offline_counts",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ballot_id", sa.Integer, sa.ForeignKey("pb_ballots.id", ondelete="CASCADE"), nullable=False),
        sa.Column("proposal_id", sa.Integer, sa.ForeignKey("pb_proposals.id", ondelete="CASCADE"), nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("place", sa.Text, nullable=False),  # 투표소 (e.g. 행정복지센터)
        sa.Column("votes", sa.Integer, nullable=False),
        sa.Column("entered_by", sa.Text, nullable=False),
        *versioned(),
        sa.UniqueConstraint("ballot_id", "proposal_id", "place", name="uq_pb_offline_counts"),
    )


def _evaluation_tables(metadata: sa.MetaData) -> None:
    """Department evaluation (부서 자체평가) and 시군종합평가 (``docs/evaluation.md``): a scheme
    of a year with its groups, members, components, evaluators' assignments, scores (hidden
    until the scheme's ``publication`` says otherwise) and 결과 환류 records; a joint
    evaluation of a year with its groups, cities (their figures) and indicators."""
    def versioned() -> list[sa.Column]:
        return [sa.Column("version", sa.Integer, nullable=False, server_default="1")]

    sa.Table(
        "evaluation_schemes", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("trim", sa.Text, nullable=False),  # none | high_low
        sa.Column("trim_min", sa.Integer, nullable=False),
        sa.Column("decimals", sa.Integer, nullable=False),
        sa.Column("publication", sa.Text, nullable=False),  # none | departments | public
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *versioned(),
        sa.UniqueConstraint("municipality", "year", "name", name="uq_evaluation_schemes"),
    )
    scheme_fk = sa.ForeignKey("evaluation_schemes.id", ondelete="CASCADE")
    sa.Table(
        "evaluation_groups", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scheme_id", sa.Integer, scheme_fk, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("scheme_id", "name", name="uq_evaluation_groups"),
    )
    sa.Table(
        "evaluation_members", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scheme_id", sa.Integer, sa.ForeignKey("evaluation_schemes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("group_id", sa.Integer, sa.ForeignKey("evaluation_groups.id", ondelete="CASCADE"), nullable=False),
        sa.Column("department", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("scheme_id", "department", name="uq_evaluation_members"),
    )
    sa.Table(
        "evaluation_components", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scheme_id", sa.Integer, sa.ForeignKey("evaluation_schemes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),  # score | bonus | penalty
        sa.Column("weight", DoubleType, nullable=False),
        sa.Column("max_score", DoubleType, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("scheme_id", "key", name="uq_evaluation_components"),
    )
    sa.Table(
        "evaluation_assignments", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scheme_id", sa.Integer, sa.ForeignKey("evaluation_schemes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("component_id", sa.Integer, sa.ForeignKey("evaluation_components.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("evaluator", sa.Text, nullable=False),  # the account's login
        sa.Column("department", sa.Text, nullable=False),
        sa.UniqueConstraint("component_id", "evaluator", "department", name="uq_evaluation_assignments"),
        sa.Index("ix_evaluation_assignments_evaluator", "scheme_id", "evaluator"),
    )
    sa.Table(
        "evaluation_scores", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scheme_id", sa.Integer, sa.ForeignKey("evaluation_schemes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("component_id", sa.Integer, sa.ForeignKey("evaluation_components.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("department", sa.Text, nullable=False),
        sa.Column("evaluator", sa.Text, nullable=False),
        sa.Column("score", DoubleType, nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        *versioned(),
        sa.UniqueConstraint("component_id", "department", "evaluator", name="uq_evaluation_scores"),
        sa.Index("ix_evaluation_scores_scheme", "scheme_id", "department"),
    )
    sa.Table(
        "evaluation_feedback", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scheme_id", sa.Integer, sa.ForeignKey("evaluation_schemes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("department", sa.Text, nullable=False),
        sa.Column("changes", sa.Text, nullable=False),  # what changes next year
        sa.Column("budget_note", sa.Text),  # the budget consequence (미흡·매우미흡 programs)
        sa.Column("budget_change", sa.BigInteger),  # won, negative for a cut
        sa.Column("programs", JSONType),  # [{"name", "rating"}]
        sa.Column("written_by", sa.Text, nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        *versioned(),
        sa.UniqueConstraint("scheme_id", "department", name="uq_evaluation_feedback"),
    )
    sa.Table(
        "joint_evaluations", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("municipality", sa.Text, nullable=False),  # whose planning this is
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("city", sa.Text, nullable=False),  # the municipality's name among the cities (김포)
        sa.Column("current_percent", sa.Integer, nullable=False),
        sa.Column("previous_percent", sa.Integer, nullable=False),
        sa.Column("goal", sa.Text),
        sa.Column("final_rank", sa.Integer),  # in the province, when announced
        sa.Column("final_group_rank", sa.Integer),
        sa.Column("final_score", DoubleType),
        sa.Column("prize_money", sa.BigInteger),  # won
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *versioned(),
        sa.UniqueConstraint("municipality", "year", "name", name="uq_joint_evaluations"),
    )
    sa.Table(
        "joint_groups", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("joint_evaluations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("evaluation_id", "name", name="uq_joint_groups"),
    )
    sa.Table(
        "joint_cities", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("joint_evaluations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("group_id", sa.Integer, sa.ForeignKey("joint_groups.id", ondelete="CASCADE"), nullable=False),
        sa.Column("city", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("current_score", DoubleType),  # this year's evaluation (entered or expected)
        sa.Column("previous_score", DoubleType),  # last year's joint evaluation
        sa.Column("entered_by", sa.Text),
        sa.Column("entered_at", sa.DateTime(timezone=True)),
        *versioned(),
        sa.UniqueConstraint("evaluation_id", "city", name="uq_joint_cities"),
    )
    sa.Table(
        "joint_indicators", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("joint_evaluations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("number", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("definition", sa.Text),  # the manual's definition
        sa.Column("unit", sa.Text),
        sa.Column("weight", DoubleType),
        sa.Column("target_grade", sa.Text),
        sa.Column("department", sa.Text),  # responsible
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("evaluation_id", "number", name="uq_joint_indicators"),
    )


def _joint_task_tables(metadata: sa.MetaData) -> None:
    """시군종합평가 monthly 이행과제 (``docs/evaluation.md``): per indicator and month the task,
    its planned and actual figures, its status (정상, 지연, 완료), where its evidence is, and who
    entered it; the 부진지표 list is computed from them (``model/joint.py``)."""
    sa.Table(
        "joint_tasks", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("joint_evaluations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("indicator_id", sa.Integer, sa.ForeignKey("joint_indicators.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("municipality", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("department", sa.Text),  # the indicator's responsible department then
        sa.Column("month", sa.Text, nullable=False),  # 2022-03
        sa.Column("task", sa.Text, nullable=False),  # 이행과제: what was to be done this month
        sa.Column("target", DoubleType),  # planned figure to date
        sa.Column("actual", DoubleType),  # actual figure to date
        sa.Column("status", sa.Text, nullable=False),  # on_track | delayed | done
        sa.Column("note", sa.Text),
        sa.Column("evidence", sa.Text),  # where the evidence is (a document number, a file name)
        sa.Column("entered_by", sa.Text, nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.UniqueConstraint("indicator_id", "month", name="uq_joint_tasks"),
        sa.Index("ix_joint_tasks_evaluation", "evaluation_id", "month"),
    )


def include_name(name, type_, parent_names) -> bool:
    """For Alembic's comparisons: the search machinery lives outside the metadata, created
    by the first migration (SQLite's FTS5 table ``search_fts`` and its shadow tables,
    PostgreSQL's trigram index ``ix_search_index_trgm``)."""
    if type_ == "table" and name and name.startswith("search_fts"):
        return False
    return not (type_ == "index" and name == "ix_search_index_trgm")


def metadata() -> sa.MetaData:
    return build()[0]


def record_tables() -> dict[str, sa.Table]:
    """kind → table, in the model's order."""
    return build()[1]


def table(name: str) -> sa.Table:
    return build()[0].tables[name]


def record_table(kind: str) -> sa.Table:
    """The table of a record kind, by kind (``indicator``) or table name (``indicators``)."""
    tables = record_tables()
    if kind in tables:
        return tables[kind]
    for t in tables.values():
        if t.name == kind:
            return t
    raise KeyError(f"unknown record kind: {kind!r}")


def record_class(kind: str) -> type[Record]:
    for cls in record_classes():
        if cls.kind == kind or plural(cls.kind) == kind:
            return cls
    raise KeyError(f"unknown record kind: {kind!r}")

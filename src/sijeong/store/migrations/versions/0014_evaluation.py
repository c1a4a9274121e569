"""department evaluation and 시군종합평가

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 14:01:40

Department evaluation schemes (groups, members, components, evaluators' assignments, scores,
결과 환류 feedback) and joint evaluations (groups, cities with their figures, indicators);
see docs/evaluation.md.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evaluation_schemes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('trim', sa.Text(), nullable=False),
    sa.Column('trim_min', sa.Integer(), nullable=False),
    sa.Column('decimals', sa.Integer(), nullable=False),
    sa.Column('publication', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('municipality', 'year', 'name', name='uq_evaluation_schemes')
    )
    op.create_table('joint_evaluations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('city', sa.Text(), nullable=False),
    sa.Column('current_percent', sa.Integer(), nullable=False),
    sa.Column('previous_percent', sa.Integer(), nullable=False),
    sa.Column('goal', sa.Text(), nullable=True),
    sa.Column('final_rank', sa.Integer(), nullable=True),
    sa.Column('final_group_rank', sa.Integer(), nullable=True),
    sa.Column('final_score', sa.Double(), nullable=True),
    sa.Column('prize_money', sa.BigInteger(), nullable=True),
    sa.Column('created_by', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('municipality', 'year', 'name', name='uq_joint_evaluations')
    )
    op.create_table('evaluation_components',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('weight', sa.Double(), nullable=False),
    sa.Column('max_score', sa.Double(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['scheme_id'], ['evaluation_schemes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('scheme_id', 'key', name='uq_evaluation_components')
    )
    op.create_table('evaluation_feedback',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('department', sa.Text(), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.Column('budget_note', sa.Text(), nullable=True),
    sa.Column('budget_change', sa.BigInteger(), nullable=True),
    sa.Column('programs', sa.JSON(), nullable=True),
    sa.Column('written_by', sa.Text(), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['scheme_id'], ['evaluation_schemes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('scheme_id', 'department', name='uq_evaluation_feedback')
    )
    op.create_table('evaluation_groups',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['scheme_id'], ['evaluation_schemes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('scheme_id', 'name', name='uq_evaluation_groups')
    )
    op.create_table('joint_groups',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['evaluation_id'], ['joint_evaluations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('evaluation_id', 'name', name='uq_joint_groups')
    )
    op.create_table('joint_indicators',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('definition', sa.Text(), nullable=True),
    sa.Column('unit', sa.Text(), nullable=True),
    sa.Column('weight', sa.Double(), nullable=True),
    sa.Column('target_grade', sa.Text(), nullable=True),
    sa.Column('department', sa.Text(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['evaluation_id'], ['joint_evaluations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('evaluation_id', 'number', name='uq_joint_indicators')
    )
    op.create_table('evaluation_assignments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=False),
    sa.Column('evaluator', sa.Text(), nullable=False),
    sa.Column('department', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['component_id'], ['evaluation_components.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scheme_id'], ['evaluation_schemes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('component_id', 'evaluator', 'department', name='uq_evaluation_assignments')
    )
    with op.batch_alter_table('evaluation_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_evaluation_assignments_evaluator', ['scheme_id', 'evaluator'], unique=False)

    op.create_table('evaluation_members',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('department', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['evaluation_groups.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scheme_id'], ['evaluation_schemes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('scheme_id', 'department', name='uq_evaluation_members')
    )
    op.create_table('evaluation_scores',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=False),
    sa.Column('department', sa.Text(), nullable=False),
    sa.Column('evaluator', sa.Text(), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('scored_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['component_id'], ['evaluation_components.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scheme_id'], ['evaluation_schemes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('component_id', 'department', 'evaluator', name='uq_evaluation_scores')
    )
    with op.batch_alter_table('evaluation_scores', schema=None) as batch_op:
        batch_op.create_index('ix_evaluation_scores_scheme', ['scheme_id', 'department'], unique=False)

    op.create_table('joint_cities',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('city', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('current_score', sa.Double(), nullable=True),
    sa.Column('previous_score', sa.Double(), nullable=True),
    sa.Column('entered_by', sa.Text(), nullable=True),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['evaluation_id'], ['joint_evaluations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('evaluation_id', 'city', name='uq_joint_cities')
    )


def downgrade() -> None:
    op.drop_table('joint_cities')
    with op.batch_alter_table('evaluation_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_evaluation_scores_scheme')

    op.drop_table('evaluation_scores')
    op.drop_table('evaluation_members')
    with op.batch_alter_table('evaluation_assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_evaluation_assignments_evaluator')

    op.drop_table('evaluation_assignments')
    op.drop_table('joint_indicators')
    op.drop_table('joint_groups')
    op.drop_table('evaluation_groups')
    op.drop_table('evaluation_feedback')
    op.drop_table('evaluation_components')
    op.drop_table('joint_evaluations')
    op.drop_table('evaluation_schemes')

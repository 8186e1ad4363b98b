"""Many rows into one table at once, for the batch imports and plans (planner.services).

On PostgreSQL the rows go through one ``COPY … FROM STDIN`` per table: no model instance is
built and no statement parameters are bound, so tens of thousands of small rows (a fleet's zone
resources, a batch of plans' mappings) cost a fraction of ``bulk_create``.  Other databases
(SQLite by default) get ``bulk_create``, which is what they do best.  Either way the rows are
written inside the caller's transaction.

Only for tables whose new rows' ids nobody needs back: the values are plain Python values in
``columns`` order (attribute names: ``snapshot_id``, not ``snapshot``), JSON columns as Python
lists and dicts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, models, router

# Rows per bulk_create statement on the other databases (SQLite limits a statement's variables).
BATCH = 2000


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` into ``model``'s table; returns how many were written."""
    connection = connections[router.db_for_write(model)]
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    fields = [by_attname[column] for column in columns]
    if connection.vendor != "postgresql":
        instances = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(instances, batch_size=BATCH)
        return len(instances)
    is_json = [isinstance(field, models.JSONField) for field in fields]
    names = ", ".join(connection.ops.quote_name(field.column or field.attname) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                [json.dumps(value) if flag else value for value, flag in zip(row, is_json, strict=True)]
            )
            count += 1
    return count

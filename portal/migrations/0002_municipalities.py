"""Denmark's 98 municipalities, with their official codes and regions."""
import csv
from pathlib import Path

from peewee import CharField, Model

DATA = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"


def up(migrator, db):
    class Municipality(Model):
        code = CharField(primary_key=True)
        name = CharField()
        region_code = CharField()
        region_name = CharField()

        class Meta:
            database = db
            table_name = "municipality"

    with open(DATA, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    Municipality.insert_many(rows).on_conflict_ignore().execute()


def down(migrator, db):
    db.execute_sql("DELETE FROM municipality")

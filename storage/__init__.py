"""Persistence: SQLAlchemy 2 async models, repositories, migrations. Imports nothing of ours."""

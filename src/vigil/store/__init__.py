"""The evidence store: SQLAlchemy tables, repositories, search, verification, export."""

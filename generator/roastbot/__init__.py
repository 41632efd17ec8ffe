"""roastbot: keep a Hugo dev log's authors honest."""

# The one place the version is written; pyproject.toml reads it from here. (Reading
# it back through importlib.metadata would cost a plain run tens of milliseconds.)
__version__ = "0.1.0"

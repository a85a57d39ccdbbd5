"""The catalog: pydantic models of resources.yml, YAML with line numbers, the JSON Schema and
the formatter.
"""

"""Thin adapters from the engine-neutral core to a site engine (MkDocs + Material,
ProperDocs + Material, Zensical). Only these modules import an engine.
"""

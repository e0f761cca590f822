"""The service layer: each public method is one transaction, committed here and nowhere else."""

from engine.services.engine import Engine, EngineSettings

__all__ = ["Engine", "EngineSettings"]

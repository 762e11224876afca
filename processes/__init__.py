"""The workflow processes: one package per process, sharing ``processes.common``."""

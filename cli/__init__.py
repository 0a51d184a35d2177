"""memsim command-line interface (installed as memsim.cli)."""

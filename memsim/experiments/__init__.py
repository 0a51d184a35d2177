"""memsim.experiments"""

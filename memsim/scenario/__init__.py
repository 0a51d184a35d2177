"""memsim.scenario"""

"""memsim.ntm"""

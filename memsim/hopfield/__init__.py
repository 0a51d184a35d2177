"""memsim.hopfield"""

"""memsim.attention"""

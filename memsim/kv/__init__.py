"""memsim.kv"""

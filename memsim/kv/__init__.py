"""memsim.kv: key-value memory networks and end-to-end memory networks."""

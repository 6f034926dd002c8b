"""The offline briefcase: the materials of a leader's coming meetings kept, encrypted, on the leader's devices."""

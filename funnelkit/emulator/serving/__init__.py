"""Serving: HTTP plumbing, clock, fault injection and the entry point that starts an emulator."""

"""Every invented (illustrative) input, generated only where the config asks for it."""

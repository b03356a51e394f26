"""Pure functions across documents: the actor register, the tracker, contested claims."""

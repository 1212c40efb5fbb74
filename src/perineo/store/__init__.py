"""Sessions, recordings, history and export: everything kept on disk."""

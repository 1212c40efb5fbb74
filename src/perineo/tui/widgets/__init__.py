"""Widgets of the perineo app; each draws attributes it is given."""

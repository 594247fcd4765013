"""pytest-reelgate: gate AI video-generation presets like code."""

__version__ = "0.1.0"

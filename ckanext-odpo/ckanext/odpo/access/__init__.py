"""Access tiers of ODPO: requests, grants and contracts, enforcement, download audit."""

"""The jobcoach's pages: jobseekers, placements and their lifecycle, benefit changes."""

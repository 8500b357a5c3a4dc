"""Tests of the portal generator, the fixture format and healthy portals."""

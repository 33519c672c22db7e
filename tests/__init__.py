"""Test suite. Folders by kind: unit (no servers), integration (real servers, by feature), e2e (browser), scaleout, bench."""

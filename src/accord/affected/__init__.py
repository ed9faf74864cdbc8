"""Which projects of the fleet a change of the pins reaches (`accord affected`),
and their tests under the old and the new pins (`accord cross-test`)."""

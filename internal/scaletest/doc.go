// Package scaletest holds the scale run of docs/benchmarks.md ("Scale"): an
// archive of 1,000 players × 5,000 plays on PostgreSQL or MariaDB, two
// maiprobe serve processes behind a round-robin proxy on loopback, a
// bounded mixed load of page reads, API imports and logins, the count of
// every player's plays before and after, and the query plans of the
// slowest pages. It is all in TestScale, which runs only with
// MAIPROBE_SCALE=1.
package scaletest

// Package workload holds the shapes of work that the suite runs on every
// contender: tiny CPU tasks, parallel submitters, many sleepers, a burst
// followed by idleness, and tasks offered at a steady rate. Each workload is
// a function over a contender.Runner or contender.Contender, used both by the
// go test benchmarks of this package and by the tidebench command.
package workload

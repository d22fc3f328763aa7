// Package workload holds the shapes of work that the suite runs on every
// contender: tiny CPU tasks, parallel submitters, many sleepers, a burst
// followed by idleness, tasks offered at a steady rate, tasks arriving from
// many submitters as requests reach a server, and a warm pool left idle.
// Each workload is a function over a contender.Runner or
// contender.Contender, used both by the go test benchmarks of this package
// and by the tidebench command. Each reports the process's CPU time (user
// and system, from getrusage) over what it measures.
package workload

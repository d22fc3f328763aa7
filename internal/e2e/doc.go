// Package e2e is the nested test module of tide: tests written as a user's
// would be, with testify, goleak and benbjohnson/clock, which the root
// module's own tests may not import. It has no code of its own.
package e2e

// Package usertest_test holds tests in the shape of a user's: a separate
// test binary that uses only tide's public API (internal/pooltest's helpers
// are written on it too), with none of the root test package's hooks into
// the default pool, and a TestMain that runs
// goleak.VerifyTestMain with no option. That check passing, after tests that
// call tide.Go and use the zero Group in and out of synctest bubbles, is
// itself the proof of guarantee 10's "pass a user's goleak check".
package usertest_test

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

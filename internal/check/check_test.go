package check

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

// recorder is a testing.TB that records whether a check failed it, and how.
type recorder struct {
	testing.TB
	failed, fatal bool
}

func (r *recorder) Helper()           {}
func (r *recorder) Error(args ...any) { r.failed = true }
func (r *recorder) Fatal(args ...any) { r.failed, r.fatal = true, true }
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed, r.fatal = true, true
}

// TestChecks runs each assertion once where it must hold and once where it
// must fail, through both Require (which must stop) and Assert (which must not).
func TestChecks(t *testing.T) {
	x, y := new(int), new(int)
	err := fmt.Errorf("wrapped: %w", fs.ErrNotExist)
	var pathErr *fs.PathError
	cases := []struct {
		name       string
		hold, fail func(c Checker, t testing.TB) bool
	}{
		{"Equal", func(c Checker, t testing.TB) bool { return c.Equal(t, []int{1}, []int{1}) },
			func(c Checker, t testing.TB) bool { return c.Equal(t, 3, int64(3)) }},
		{"NotEqual", func(c Checker, t testing.TB) bool { return c.NotEqual(t, 1, 2) },
			func(c Checker, t testing.TB) bool { return c.NotEqual(t, "a", "a") }},
		{"Same", func(c Checker, t testing.TB) bool { return c.Same(t, x, x) },
			func(c Checker, t testing.TB) bool { return c.Same(t, x, y) }},
		{"True", func(c Checker, t testing.TB) bool { return c.True(t, true) },
			func(c Checker, t testing.TB) bool { return c.True(t, false) }},
		{"False", func(c Checker, t testing.TB) bool { return c.False(t, false) },
			func(c Checker, t testing.TB) bool { return c.False(t, true) }},
		{"Nil", func(c Checker, t testing.TB) bool { return c.Nil(t, (*int)(nil)) },
			func(c Checker, t testing.TB) bool { return c.Nil(t, x) }},
		{"NotNil", func(c Checker, t testing.TB) bool { return c.NotNil(t, x) },
			func(c Checker, t testing.TB) bool { return c.NotNil(t, []int(nil)) }},
		{"Zero", func(c Checker, t testing.TB) bool { return c.Zero(t, struct{ a int }{}) },
			func(c Checker, t testing.TB) bool { return c.Zero(t, struct{ a int }{1}) }},
		{"Positive", func(c Checker, t testing.TB) bool { return c.Positive(t, uint64(1)) },
			func(c Checker, t testing.TB) bool { return c.Positive(t, -1) }},
		{"Empty", func(c Checker, t testing.TB) bool { return c.Empty(t, map[int]int{}) },
			func(c Checker, t testing.TB) bool { return c.Empty(t, "a") }},
		{"NotEmpty", func(c Checker, t testing.TB) bool { return c.NotEmpty(t, []int{0}) },
			func(c Checker, t testing.TB) bool { return c.NotEmpty(t, 0) }},
		{"Len", func(c Checker, t testing.TB) bool { return c.Len(t, "ab", 2) },
			func(c Checker, t testing.TB) bool { return c.Len(t, []int{1}, 2) }},
		{"NoError", func(c Checker, t testing.TB) bool { return c.NoError(t, nil) },
			func(c Checker, t testing.TB) bool { return c.NoError(t, err) }},
		{"ErrorIs", func(c Checker, t testing.TB) bool { return c.ErrorIs(t, err, fs.ErrNotExist) },
			func(c Checker, t testing.TB) bool { return c.ErrorIs(t, err, fs.ErrExist) }},
		{"ErrorAs", func(c Checker, t testing.TB) bool { return c.ErrorAs(t, &fs.PathError{Err: err}, &pathErr) },
			func(c Checker, t testing.TB) bool { return c.ErrorAs(t, err, &pathErr) }},
		{"EqualError", func(c Checker, t testing.TB) bool { return c.EqualError(t, errors.New("e"), "e") },
			func(c Checker, t testing.TB) bool { return c.EqualError(t, nil, "") }},
		{"Contains", func(c Checker, t testing.TB) bool { return c.Contains(t, []string{"a", "b"}, "b") },
			func(c Checker, t testing.TB) bool { return c.Contains(t, "abc", "d") }},
		{"NotContains", func(c Checker, t testing.TB) bool { return c.NotContains(t, map[string]int{"a": 1}, "b") },
			func(c Checker, t testing.TB) bool { return c.NotContains(t, "abc", "b") }},
		{"ElementsMatch", func(c Checker, t testing.TB) bool { return c.ElementsMatch(t, []int{1, 2, 2}, []int{2, 1, 2}) },
			func(c Checker, t testing.TB) bool { return c.ElementsMatch(t, []int{1, 2, 2}, []int{1, 1, 2}) }},
		{"Regexp", func(c Checker, t testing.TB) bool { return c.Regexp(t, `^Test`, "TestX") },
			func(c Checker, t testing.TB) bool { return c.Regexp(t, `^Test`, "Fuzz") }},
		{"NotPanics", func(c Checker, t testing.TB) bool { return c.NotPanics(t, func() {}) },
			func(c Checker, t testing.TB) bool { return c.NotPanics(t, func() { panic(nil) }) }},
		{"Less", func(c Checker, t testing.TB) bool { return c.Less(t, 1.5, 2.0) },
			func(c Checker, t testing.TB) bool { return c.Less(t, 2, 2) }},
		{"LessOrEqual", func(c Checker, t testing.TB) bool { return c.LessOrEqual(t, 2, 2) },
			func(c Checker, t testing.TB) bool { return c.LessOrEqual(t, 1, int64(2)) }},
		{"GreaterOrEqual", func(c Checker, t testing.TB) bool { return c.GreaterOrEqual(t, "b", "a") },
			func(c Checker, t testing.TB) bool { return c.GreaterOrEqual(t, uint(1), uint(2)) }},
		{"IsIncreasing", func(c Checker, t testing.TB) bool { return c.IsIncreasing(t, []int{1, 2, 3}) },
			func(c Checker, t testing.TB) bool { return c.IsIncreasing(t, []int{1, 1}) }},
	}
	for _, c := range cases {
		for _, checker := range []Checker{Require, Assert} {
			t.Run(fmt.Sprintf("%s fatal=%v", c.name, checker.fatal), func(t *testing.T) {
				r := &recorder{TB: t}
				if !c.hold(checker, r) || r.failed {
					t.Errorf("%s failed where it holds", c.name)
				}
				r = &recorder{TB: t}
				if c.fail(checker, r) || !r.failed || r.fatal != checker.fatal {
					t.Errorf("%s held where it fails, or failed the wrong way: %+v", c.name, *r)
				}
			})
		}
	}
}

func TestFailNowf(t *testing.T) {
	r := &recorder{TB: t}
	Require.FailNowf(r, "stranded", "after %v", 1)
	if !r.fatal {
		t.Error("FailNowf did not stop the test")
	}
}

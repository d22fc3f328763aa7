package check

import (
	"fmt"
	"reflect"
	"testing"
)

// compare orders two numbers or strings of the same type: -1, 0 or +1, and
// whether they could be compared at all.
func compare(a, b any) (int, bool) {
	x, y := reflect.ValueOf(a), reflect.ValueOf(b)
	if !x.IsValid() || !y.IsValid() || x.Type() != y.Type() {
		return 0, false
	}
	switch x.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return sign(x.Int() < y.Int(), x.Int() > y.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return sign(x.Uint() < y.Uint(), x.Uint() > y.Uint()), true
	case reflect.Float32, reflect.Float64:
		return sign(x.Float() < y.Float(), x.Float() > y.Float()), true
	case reflect.String:
		return sign(x.String() < y.String(), x.String() > y.String()), true
	}
	return 0, false
}

func sign(less, more bool) int {
	switch {
	case less:
		return -1
	case more:
		return 1
	}
	return 0
}

// ordered checks that compare(a, b) is one of want.
func (c Checker) ordered(t testing.TB, a, b any, rel string, want []int, msgAndArgs []any) bool {
	t.Helper()
	got, ok := compare(a, b)
	held := false
	for _, w := range want {
		held = held || (ok && got == w)
	}
	return c.held(t, held, fmt.Sprintf("expected %#v %s %#v", a, rel, b), msgAndArgs)
}

// Less checks that a < b (numbers or strings of one type).
func (c Checker) Less(t testing.TB, a, b any, msgAndArgs ...any) bool {
	t.Helper()
	return c.ordered(t, a, b, "<", []int{-1}, msgAndArgs)
}

// LessOrEqual checks that a <= b.
func (c Checker) LessOrEqual(t testing.TB, a, b any, msgAndArgs ...any) bool {
	t.Helper()
	return c.ordered(t, a, b, "<=", []int{-1, 0}, msgAndArgs)
}

// GreaterOrEqual checks that a >= b.
func (c Checker) GreaterOrEqual(t testing.TB, a, b any, msgAndArgs ...any) bool {
	t.Helper()
	return c.ordered(t, a, b, ">=", []int{0, 1}, msgAndArgs)
}

// IsIncreasing checks that the slice s is strictly increasing.
func (c Checker) IsIncreasing(t testing.TB, s any, msgAndArgs ...any) bool {
	t.Helper()
	r := reflect.ValueOf(s)
	for i := 1; i < r.Len(); i++ {
		if got, ok := compare(r.Index(i-1).Interface(), r.Index(i).Interface()); !ok || got >= 0 {
			return c.held(t, false, fmt.Sprintf("not increasing at index %d: %#v", i, s), msgAndArgs)
		}
	}
	return true
}

// Package check holds the assertions of the root package's tests, written
// with the standard library alone: the root module's tests may import
// nothing else, because `go mod tidy` in a user's module resolves the
// imports of the test files of the packages it imports, and would add every
// assertion library they use to the user's go.mod.
//
// The assertions keep the shape of testify's, which the other modules of
// the repository use, so that a test reads the same in both:
// [Require]'s end the test at the first failure, [Assert]'s report it and go
// on. Each returns whether it held. A trailing message is a format string
// and its arguments, or a single value.
package check

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// Checker is a set of assertions that either end the test or let it go on.
type Checker struct{ fatal bool }

var (
	// Require's assertions stop the test at the first failure (t.FailNow).
	Require = Checker{fatal: true}
	// Assert's assertions mark the test failed and let it go on (t.Fail).
	Assert = Checker{}
)

// held reports ok; when it is false, it fails t with what and the caller's
// message first.
func (c Checker) held(t testing.TB, ok bool, what string, msgAndArgs []any) bool {
	t.Helper()
	if ok {
		return true
	}
	if msg := message(msgAndArgs); msg != "" {
		what = msg + ": " + what
	}
	if c.fatal {
		t.Fatal(what)
	} else {
		t.Error(what)
	}
	return false
}

// message formats a trailing message: a format string and its arguments,
// or one value.
func message(msgAndArgs []any) string {
	switch {
	case len(msgAndArgs) == 0:
		return ""
	case len(msgAndArgs) == 1:
		return fmt.Sprint(msgAndArgs[0])
	}
	if format, ok := msgAndArgs[0].(string); ok {
		return fmt.Sprintf(format, msgAndArgs[1:]...)
	}
	return fmt.Sprint(msgAndArgs...)
}

// equal is testify's notion of equality: byte slices by content, anything
// else by reflect.DeepEqual (so values of different types are unequal).
func equal(want, got any) bool {
	if w, ok := want.([]byte); ok {
		g, ok := got.([]byte)
		return ok && bytes.Equal(w, g)
	}
	return reflect.DeepEqual(want, got)
}

// isNil reports whether v is nil or a nil pointer, map, slice, channel,
// function or interface.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch r := reflect.ValueOf(v); r.Kind() {
	case reflect.Chan, reflect.Func, reflect.Interface, reflect.Map, reflect.Pointer, reflect.Slice, reflect.UnsafePointer:
		return r.IsNil()
	}
	return false
}

// isEmpty reports whether v is nil, the zero value, or of length zero.
func isEmpty(v any) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Array, reflect.Chan, reflect.Map, reflect.Slice, reflect.String:
		return r.Len() == 0
	case reflect.Pointer:
		return r.IsNil() || isEmpty(r.Elem().Interface())
	}
	return r.IsZero()
}

// Equal checks that got equals want.
func (c Checker) Equal(t testing.TB, want, got any, msgAndArgs ...any) bool {
	t.Helper()
	return c.held(t, equal(want, got), fmt.Sprintf("not equal:\nwant: %#v\n got: %#v", want, got), msgAndArgs)
}

// NotEqual checks that got differs from bad.
func (c Checker) NotEqual(t testing.TB, bad, got any, msgAndArgs ...any) bool {
	t.Helper()
	return c.held(t, !equal(bad, got), fmt.Sprintf("should not be %#v", got), msgAndArgs)
}

// Same checks that want and got are the same pointer.
func (c Checker) Same(t testing.TB, want, got any, msgAndArgs ...any) bool {
	t.Helper()
	w, g := reflect.ValueOf(want), reflect.ValueOf(got)
	same := w.Kind() == reflect.Pointer && g.Kind() == reflect.Pointer && w.Type() == g.Type() && w.Pointer() == g.Pointer()
	return c.held(t, same, fmt.Sprintf("not the same pointer: %p and %p", want, got), msgAndArgs)
}

// True checks that ok holds.
func (c Checker) True(t testing.TB, ok bool, msgAndArgs ...any) bool {
	t.Helper()
	return c.held(t, ok, "should be true", msgAndArgs)
}

// False checks that ok does not hold.
func (c Checker) False(t testing.TB, ok bool, msgAndArgs ...any) bool {
	t.Helper()
	return c.held(t, !ok, "should be false", msgAndArgs)
}

// Nil checks that v is nil (see isNil).
func (c Checker) Nil(t testing.TB, v any, msgAndArgs ...any) bool {
	t.Helper()
	return c.held(t, isNil(v), fmt.Sprintf("expected nil, got %#v", v), msgAndArgs)
}

// NotNil checks that v is not nil (see isNil).
func (c Checker) NotNil(t testing.TB, v any, msgAndArgs ...any) bool {
	t.Helper()
	return c.held(t, !isNil(v), "expected a value, got nil", msgAndArgs)
}

// Zero checks that v is its type's zero value.
func (c Checker) Zero(t testing.TB, v any, msgAndArgs ...any) bool {
	t.Helper()
	zero := v == nil || reflect.ValueOf(v).IsZero()
	return c.held(t, zero, fmt.Sprintf("expected the zero value, got %#v", v), msgAndArgs)
}

// Positive checks that the number v is above zero.
func (c Checker) Positive(t testing.TB, v any, msgAndArgs ...any) bool {
	t.Helper()
	sign, ok := compare(v, reflect.Zero(reflect.TypeOf(v)).Interface())
	return c.held(t, ok && sign > 0, fmt.Sprintf("expected a positive number, got %#v", v), msgAndArgs)
}

// Empty checks that v is nil, zero, or of length zero.
func (c Checker) Empty(t testing.TB, v any, msgAndArgs ...any) bool {
	t.Helper()
	return c.held(t, isEmpty(v), fmt.Sprintf("expected empty, got %#v", v), msgAndArgs)
}

// NotEmpty checks that v is neither nil, zero, nor of length zero.
func (c Checker) NotEmpty(t testing.TB, v any, msgAndArgs ...any) bool {
	t.Helper()
	return c.held(t, !isEmpty(v), fmt.Sprintf("expected a non-empty value, got %#v", v), msgAndArgs)
}

// Len checks that v (a string, slice, array, map or channel) has n elements.
func (c Checker) Len(t testing.TB, v any, n int, msgAndArgs ...any) bool {
	t.Helper()
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Array, reflect.Chan, reflect.Map, reflect.Slice, reflect.String:
		return c.held(t, r.Len() == n, fmt.Sprintf("expected length %d, got %d: %#v", n, r.Len(), v), msgAndArgs)
	}
	return c.held(t, false, fmt.Sprintf("%#v has no length", v), msgAndArgs)
}

// NoError checks that err is nil.
func (c Checker) NoError(t testing.TB, err error, msgAndArgs ...any) bool {
	t.Helper()
	return c.held(t, err == nil, fmt.Sprintf("unexpected error: %v", err), msgAndArgs)
}

// ErrorIs checks that errors.Is(err, target).
func (c Checker) ErrorIs(t testing.TB, err, target error, msgAndArgs ...any) bool {
	t.Helper()
	return c.held(t, errors.Is(err, target), fmt.Sprintf("error %v is not %v", err, target), msgAndArgs)
}

// ErrorAs checks that errors.As(err, target), which it sets.
func (c Checker) ErrorAs(t testing.TB, err error, target any, msgAndArgs ...any) bool {
	t.Helper()
	return c.held(t, errors.As(err, target), fmt.Sprintf("error %v is not a %T", err, target), msgAndArgs)
}

// EqualError checks that err is not nil and reads text.
func (c Checker) EqualError(t testing.TB, err error, text string, msgAndArgs ...any) bool {
	t.Helper()
	ok := err != nil && err.Error() == text
	return c.held(t, ok, fmt.Sprintf("error %v does not read %q", err, text), msgAndArgs)
}

// Contains checks that s (a string, or a slice, array or map's keys) holds
// elem.
func (c Checker) Contains(t testing.TB, s, elem any, msgAndArgs ...any) bool {
	t.Helper()
	found, ok := contains(s, elem)
	return c.held(t, ok && found, fmt.Sprintf("%#v does not contain %#v", s, elem), msgAndArgs)
}

// NotContains checks that s (as for Contains) does not hold elem.
func (c Checker) NotContains(t testing.TB, s, elem any, msgAndArgs ...any) bool {
	t.Helper()
	found, ok := contains(s, elem)
	return c.held(t, ok && !found, fmt.Sprintf("%#v contains %#v", s, elem), msgAndArgs)
}

// contains reports whether s holds elem, and whether s can hold anything.
func contains(s, elem any) (found, ok bool) {
	if str, isStr := s.(string); isStr {
		sub, isStr := elem.(string)
		return isStr && strings.Contains(str, sub), true
	}
	r := reflect.ValueOf(s)
	switch r.Kind() {
	case reflect.Array, reflect.Slice:
		for i := range r.Len() {
			if equal(r.Index(i).Interface(), elem) {
				return true, true
			}
		}
		return false, true
	case reflect.Map:
		for _, k := range r.MapKeys() {
			if equal(k.Interface(), elem) {
				return true, true
			}
		}
		return false, true
	}
	return false, false
}

// ElementsMatch checks that the slices want and got hold the same elements,
// as many times each, in any order.
func (c Checker) ElementsMatch(t testing.TB, want, got any, msgAndArgs ...any) bool {
	t.Helper()
	w, g := reflect.ValueOf(want), reflect.ValueOf(got)
	ok := w.Len() == g.Len()
	used := make([]bool, g.Len())
	for i := 0; ok && i < w.Len(); i++ {
		ok = false
		for j := range g.Len() {
			if !used[j] && equal(w.Index(i).Interface(), g.Index(j).Interface()) {
				used[j], ok = true, true
				break
			}
		}
	}
	return c.held(t, ok, fmt.Sprintf("elements differ:\nwant: %#v\n got: %#v", want, got), msgAndArgs)
}

// Regexp checks that s matches the regular expression expr.
func (c Checker) Regexp(t testing.TB, expr, s string, msgAndArgs ...any) bool {
	t.Helper()
	return c.held(t, regexp.MustCompile(expr).MatchString(s), fmt.Sprintf("%q does not match %q", s, expr), msgAndArgs)
}

// NotPanics checks that f returns without panicking.
func (c Checker) NotPanics(t testing.TB, f func(), msgAndArgs ...any) bool {
	t.Helper()
	recovered, panicked := func() (r any, panicked bool) {
		panicked = true
		defer func() {
			if panicked {
				r = recover()
			}
		}()
		f()
		return nil, false
	}()
	return c.held(t, !panicked, fmt.Sprintf("panicked with %#v", recovered), msgAndArgs)
}

// FailNowf fails the test at once with failure and the formatted message.
func (c Checker) FailNowf(t testing.TB, failure, format string, args ...any) {
	t.Helper()
	t.Fatalf("%s: %s", failure, fmt.Sprintf(format, args...))
}

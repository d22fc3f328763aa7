package tide

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// ErrPanic is matched, through [errors.Is], by every [*PanicError]: the error
// a group task or a future reports when its function panicked.
var ErrPanic = errors.New("tide: task panicked")

// ErrGoexit is the error a group task or a future reports when its function
// called [runtime.Goexit] (as t.FailNow does) instead of returning: the
// function did not finish, so it has no result, but nothing waiting on it is
// stranded.
var ErrGoexit = errors.New("tide: task called runtime.Goexit")

// PanicError is the error a group task or a future reports when its function
// panicked: Value is what recover returned (a [*runtime.PanicNilError] for
// panic(nil)) and Stack the panicking goroutine's stack, taken where the
// panic was recovered. errors.Is(err, ErrPanic) is true for it, and when
// Value is itself an error, errors.Is and errors.As also see through to it.
type PanicError struct {
	Value any
	Stack []byte
}

// Error returns "tide: task panicked: " followed by the panic value. It does
// not include the stack, which is in the Stack field.
func (e *PanicError) Error() string {
	return fmt.Sprintf("%v: %v", ErrPanic, e.Value)
}

// Is reports whether target is ErrPanic.
func (e *PanicError) Is(target error) bool { return target == ErrPanic }

// Unwrap returns Value when it is an error, else nil.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// guard runs fn and calls done exactly once with how fn ended: fn's error
// when it returned, a *PanicError when it panicked (and then panicked is
// true, so that a *PanicError fn returned is not mistaken for fn's own
// panic), or ErrGoexit when it called runtime.Goexit. A panic does not
// propagate past guard; a Goexit does, after done has run, as the goroutine
// unwinds.
func guard(fn func() error, done func(err error, panicked bool)) {
	returned := false
	defer func() {
		if returned {
			return
		}
		if r := recover(); r != nil {
			done(&PanicError{Value: r, Stack: debug.Stack()}, true)
			return
		}
		done(ErrGoexit, false)
	}()
	err := fn()
	returned = true
	done(err, false)
}

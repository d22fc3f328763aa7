package main

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSelfPeakRSSReadsTheHighWaterMark(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("VmHWM is Linux's")
	}
	assert.Greater(t, selfPeakRSS(), uint64(1<<20), "a Go test binary holds more than 1 MiB")
}

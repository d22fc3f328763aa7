package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/tidego/tide/bench/report"
)

// count formats n with thousands separators: 100000 → "100,000".
func count(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + count(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// duration formats nanoseconds in the unit that keeps 3 significant digits.
func duration(ns float64) string {
	switch {
	case ns < 1e3:
		return fmt.Sprintf("%.0f ns", ns)
	case ns < 1e6:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	case ns < 1e9:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	default:
		return fmt.Sprintf("%.2f s", ns/1e9)
	}
}

// seconds formats an offset such as 500ms as "0.5 s".
func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'g', 4, 64) + " s" }

// mib converts bytes to MiB.
func mib(bytes float64) float64 { return bytes / (1 << 20) }

// summarize applies f to every run and summarizes the values.
func summarize[T any](runs []T, f func(T) float64) report.Summary {
	xs := make([]float64, len(runs))
	for i, r := range runs {
		xs[i] = f(r)
	}
	return report.Summarize(xs)
}

// medianOf says what a table cell summarizes: "median of 3 runs", "1 run".
func medianOf(runs int) string {
	if runs == 1 {
		return "1 run"
	}
	return fmt.Sprintf("median of %d runs", runs)
}

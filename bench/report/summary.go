package report

import (
	"fmt"
	"slices"
)

// Summary is the median and the range of repeated measurements of one thing.
type Summary struct {
	Median, Min, Max float64
	N                int
}

// Summarize returns the median, minimum and maximum of xs (zero when empty).
func Summarize(xs []float64) Summary {
	if len(xs) == 0 {
		return Summary{}
	}
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	median := s[n/2]
	if n%2 == 0 {
		median = (s[n/2-1] + s[n/2]) / 2
	}
	return Summary{Median: median, Min: s[0], Max: s[n-1], N: n}
}

// Range formats the spread as "min–max" with format, or "—" for a single
// measurement, which has no spread to show.
func (s Summary) Range(format func(float64) string) string {
	if s.N < 2 {
		return "—"
	}
	return format(s.Min) + "–" + format(s.Max)
}

// Ratio formats s's median over the baseline's as "1.23×", with two
// significant digits below 0.1 ("0.0031×") so that a small ratio does not
// read as zero, or "—" when the baseline is missing or zero.
func (s Summary) Ratio(baseline Summary) string {
	if baseline.N == 0 || baseline.Median == 0 {
		return "—"
	}
	r := s.Median / baseline.Median
	if r > 0 && r < 0.1 {
		return fmt.Sprintf("%.2g×", r)
	}
	return fmt.Sprintf("%.2f×", r)
}

// Fixed returns a formatter with the given number of decimals.
func Fixed(decimals int) func(float64) string {
	return func(x float64) string { return fmt.Sprintf("%.*f", decimals, x) }
}

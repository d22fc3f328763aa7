package report_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide/bench/report"
)

var fixedDate = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// assertSVG parses doc as XML to its end and checks that its root is <svg>.
func assertSVG(t *testing.T, doc []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		if start, ok := tok.(xml.StartElement); ok && root == "" {
			root = start.Name.Local
		}
	}
	assert.Equal(t, "svg", root)
}

func TestBarsDrawWellFormedSVG(t *testing.T) {
	c := report.Bars{
		Title: "ns/task", YLabel: "ns",
		Categories: []string{"raw", "tide", "ants"},
		Series:     []report.Series{{Name: "cap=4", Values: []float64{1, 2, 3}}, {Name: "cap=1000", Values: []float64{3, 2, 1}}},
	}
	var b bytes.Buffer
	require.NoError(t, c.WriteSVG(&b))
	assertSVG(t, b.Bytes())
	assert.Contains(t, b.String(), "tide")
}

func TestLinesDrawWellFormedSVG(t *testing.T) {
	c := report.Lines{
		Title: "goroutines after the burst", XLabel: "s", YLabel: "goroutines",
		X:      []float64{0, 0.5, 1, 2},
		Series: make([]report.Series, 9),
	}
	for i := range c.Series {
		c.Series[i] = report.Series{Name: string(rune('a' + i)), Values: []float64{100, 90, float64(i), 0}}
	}
	var b bytes.Buffer
	require.NoError(t, c.WriteSVG(&b))
	assertSVG(t, b.Bytes())
}

func TestChartsRefuseMismatchedSeries(t *testing.T) {
	bars := report.Bars{Categories: []string{"a", "b"}, Series: []report.Series{{Name: "s", Values: []float64{1}}}}
	assert.Error(t, bars.WriteSVG(io.Discard))
	lines := report.Lines{X: []float64{1, 2}, Series: []report.Series{{Name: "s", Values: []float64{1}}}}
	assert.Error(t, lines.WriteSVG(io.Discard))
}

package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide/bench/report"
)

// tableLines returns the lines of md that belong to its pipe table.
func tableLines(md string) []string {
	var lines []string
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "|") {
			lines = append(lines, l)
		}
	}
	return lines
}

// columns counts the cells of a table line, ignoring escaped pipes.
func columns(line string) int {
	return strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") - 1
}

func TestTableHasOneShapeForEveryRow(t *testing.T) {
	tab := report.Table{
		Title:  "tiny",
		Header: []string{"contender", "ns/task", "× raw"},
		Rows:   [][]string{{"raw", "300", "1.00×"}, {"a|b", "1"}, {"long", "1", "2", "extra"}},
		Notes:  []string{"a note"},
	}
	var b bytes.Buffer
	require.NoError(t, tab.WriteMarkdown(&b))
	md := b.String()
	assert.True(t, strings.HasPrefix(md, "### tiny\n\n"))
	lines := tableLines(md)
	require.Len(t, lines, 2+len(tab.Rows))
	for _, l := range lines {
		assert.Equal(t, 3, columns(l), l)
		assert.True(t, strings.HasSuffix(l, "|"), l)
	}
	assert.Equal(t, "| --- | ---: | ---: |", lines[1])
	assert.Contains(t, md, `a\|b`)
	assert.Contains(t, md, "\na note\n")
	assert.NotContains(t, md, "extra")
}

func TestSummaryGivesMedianAndRange(t *testing.T) {
	s := report.Summarize([]float64{5, 1, 3})
	assert.Equal(t, report.Summary{Median: 3, Min: 1, Max: 5, N: 3}, s)
	assert.InDelta(t, 2.5, report.Summarize([]float64{4, 1, 2, 3}).Median, 1e-12)
	assert.Equal(t, "1.0–5.0", s.Range(report.Fixed(1)))
	assert.Equal(t, "—", report.Summarize([]float64{7}).Range(report.Fixed(1)))
	assert.Equal(t, "2.00×", report.Summarize([]float64{6}).Ratio(s))
	assert.Equal(t, "—", s.Ratio(report.Summary{}))
	assert.Equal(t, "0.0031×", report.Summarize([]float64{0.0031}).Ratio(report.Summarize([]float64{1})), "a small ratio keeps two digits")
	assert.Equal(t, "0.10×", report.Summarize([]float64{0.1}).Ratio(report.Summarize([]float64{1})))
	assert.Equal(t, "0.00×", report.Summarize([]float64{0}).Ratio(s))
	assert.Equal(t, report.Summary{}, report.Summarize(nil))
}

func TestMachineNamesTheToolchainAndDate(t *testing.T) {
	m := report.ThisMachine(fixedDate)
	assert.NotEmpty(t, m.CPU)
	assert.Positive(t, m.Cores)
	md := m.Markdown()
	assert.Contains(t, md, m.Go)
	assert.Contains(t, md, "2026-01-02")
}

func TestWriteTablesWritesEachNoteOnce(t *testing.T) {
	shared := "CPU µs/task is the process's CPU time over the op, divided among its tasks."
	ts := []report.Table{
		{Title: "tiny", Header: []string{"contender"}, Rows: [][]string{{"raw"}}, Notes: []string{"about tiny", shared}},
		{Title: "parallel", Header: []string{"contender"}, Rows: [][]string{{"raw"}}, Notes: []string{shared, "about parallel"}},
		{Title: "server", Header: []string{"contender"}, Rows: [][]string{{"raw"}}, Notes: []string{shared}},
	}
	var b bytes.Buffer
	require.NoError(t, report.WriteTables(&b, ts...))
	md := b.String()
	assert.Equal(t, 1, strings.Count(md, shared), md)
	assert.Less(t, strings.Index(md, shared), strings.Index(md, "### parallel"), "under the first table that has it")
	for _, s := range []string{"about tiny", "about parallel", "### server"} {
		assert.Equal(t, 1, strings.Count(md, s), s)
	}
	assert.Len(t, tableLines(md), 3*3, "every table is still written whole")

	b.Reset()
	require.NoError(t, ts[2].WriteMarkdown(&b))
	assert.Contains(t, b.String(), shared, "a table written alone keeps its notes")
}

func TestNotesAreParagraphsOfTheirOwn(t *testing.T) {
	var b bytes.Buffer
	tab := report.Table{Header: []string{"a"}, Rows: [][]string{{"1"}}, Notes: []string{"first", "second"}}
	require.NoError(t, tab.WriteMarkdown(&b))
	assert.Equal(t, "| a |\n| --- |\n| 1 |\n\nfirst\n\nsecond\n\n", b.String())
}

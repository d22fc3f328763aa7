package report

import (
	"fmt"
	"io"
	"strings"
)

// Table is a Markdown table under a heading, with notes below it. The first
// column is aligned left, the others (numbers) right.
type Table struct {
	Title  string
	Header []string
	Rows   [][]string
	Notes  []string
}

// WriteMarkdown writes t as a level-3 heading, a pipe table and its notes.
// Every row is padded or cut to the header's width, and pipes inside cells
// are escaped, so the table always has the same number of columns.
func (t Table) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	if t.Title != "" {
		fmt.Fprintf(&b, "### %s\n\n", t.Title)
	}
	b.WriteString(row(t.Header, len(t.Header)))
	b.WriteString(row(separator(len(t.Header)), len(t.Header)))
	for _, r := range t.Rows {
		b.WriteString(row(r, len(t.Header)))
	}
	if len(t.Notes) > 0 {
		b.WriteString("\n")
	}
	for _, n := range t.Notes {
		fmt.Fprintf(&b, "%s\n", n)
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// separator is the alignment row: left for the first column, right after.
func separator(n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = "---:"
	}
	if n > 0 {
		s[0] = "---"
	}
	return s
}

// row renders cells as one table line of exactly width columns.
func row(cells []string, width int) string {
	var b strings.Builder
	b.WriteString("|")
	for i := range width {
		cell := ""
		if i < len(cells) {
			cell = strings.ReplaceAll(cells[i], "|", `\|`)
		}
		fmt.Fprintf(&b, " %s |", cell)
	}
	b.WriteString("\n")
	return b.String()
}

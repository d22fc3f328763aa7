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

// WriteMarkdown writes t as a level-3 heading, a pipe table and its notes,
// each note a paragraph of its own. Every row is padded or cut to the
// header's width, and pipes inside cells are escaped, so the table always
// has the same number of columns.
func (t Table) WriteMarkdown(w io.Writer) error {
	return t.write(w, nil)
}

// WriteTables writes ts one after another as WriteMarkdown does, except that
// a note already written under an earlier table of ts is left out: a
// paragraph that several tables share (what a column means) appears once,
// under the first table that has it.
func WriteTables(w io.Writer, ts ...Table) error {
	seen := map[string]bool{}
	for _, t := range ts {
		if err := t.write(w, seen); err != nil {
			return err
		}
	}
	return nil
}

// write writes t, leaving out the notes in seen and adding those it writes;
// a nil seen leaves out nothing.
func (t Table) write(w io.Writer, seen map[string]bool) error {
	var b strings.Builder
	if t.Title != "" {
		fmt.Fprintf(&b, "### %s\n\n", t.Title)
	}
	b.WriteString(row(t.Header, len(t.Header)))
	b.WriteString(row(separator(len(t.Header)), len(t.Header)))
	for _, r := range t.Rows {
		b.WriteString(row(r, len(t.Header)))
	}
	for _, n := range t.Notes {
		if seen[n] {
			continue
		}
		if seen != nil {
			seen[n] = true
		}
		fmt.Fprintf(&b, "\n%s\n", n)
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

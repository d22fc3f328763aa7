package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tidego/tide/bench/report"
)

// writer is where charts and tables are written.
type writer = io.Writer

// publish prints the results as Markdown to stdout and writes them to dir
// (see outDir), then says where: README.md (everything), one .md per
// workload, the SVG charts and results.json (every measurement).
func publish(cfg config, res *results, dir string, stdout io.Writer) error {
	byWorkload := tables(cfg, res)
	var doc strings.Builder
	doc.WriteString(header(cfg, res))
	var all []report.Table
	for _, w := range cfg.workloads {
		all = append(all, byWorkload[w]...)
	}
	if err := report.WriteTables(&doc, all...); err != nil {
		return err
	}
	if _, err := io.WriteString(stdout, doc.String()); err != nil {
		return err
	}
	written := []string{"README.md"}
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte(doc.String()), 0o644); err != nil {
		return err
	}
	for _, w := range cfg.workloads {
		if err := writeTables(dir, w, machineLine(res), byWorkload[w]); err != nil {
			return err
		}
		written = append(written, w+".md")
	}
	for _, c := range charts(cfg, res) {
		if err := writeFile(filepath.Join(dir, c.file), c.draw.WriteSVG); err != nil {
			return fmt.Errorf("%s: %w", c.file, err)
		}
		written = append(written, c.file)
	}
	if err := writeFile(filepath.Join(dir, "results.json"), jsonOf(res)); err != nil {
		return err
	}
	written = append(written, "results.json")
	where := dir
	if cfg.out == "" && !cfg.publish {
		where += " (a new temporary directory; -publish writes bench/results instead)"
	}
	_, err := fmt.Fprintf(stdout, "Written to %s: %s\n", where, strings.Join(written, ", "))
	return err
}

// header states the machine, the command, the profile and the contenders.
func header(cfg config, res *results) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## tidebench: %s profile\n\n", res.Profile)
	b.WriteString(res.Machine.Markdown())
	fmt.Fprintf(&b, "- tide: commit %s\n", res.Tide)
	fmt.Fprintf(&b, "- Command: `%s` (took %.0f s)\n", res.Command, res.Elapsed.Seconds())
	fmt.Fprintf(&b, "- Profile: %s\n", profileNote(cfg))
	var runs []string
	for _, w := range cfg.workloads {
		runs = append(runs, fmt.Sprintf("%s %d", w, cfg.runs[w]))
	}
	fmt.Fprintf(&b, "- Runs: %s; contenders interleaved in a new shuffled order each run (seed %d)\n", strings.Join(runs, ", "), cfg.seed)
	b.WriteString("- Contenders (each library's defaults):")
	for _, c := range cfg.contenders {
		fmt.Fprintf(&b, " %s = %s;", c.Name, c.Idiom)
	}
	b.WriteString("\n\n")
	return b.String()
}

// profileNote says how the sizes relate to issue 3's.
func profileNote(cfg config) string {
	note := "full: the sizes of issue 3"
	if cfg.profile == "quick" {
		note = "quick: scaled down to finish in a few minutes on 2 cores: sleepy 100,000 tasks at cap 5,000 " +
			"(full: 1,000,000 at 50,000), burst sampled for 3 s (full: 10 s), latency and server 50,000 tasks (full: 200,000), " +
			"idle window 2 s (full: 5 s); tiny, parallel and hammering at full size. Run with -full for the full sizes"
	}
	if cfg.size != 1 {
		note += fmt.Sprintf("; every task count scaled by -size %g", cfg.size)
	}
	return note
}

// machineLine is the one-line provenance put above each workload's file.
func machineLine(res *results) string {
	m := res.Machine
	return fmt.Sprintf("%s, %d cores, %s, %s; `%s`\n\n", m.CPU, m.Cores, m.Go, m.Date.Format("2006-01-02"), res.Command)
}

func writeTables(dir, name, provenance string, ts []report.Table) error {
	return writeFile(filepath.Join(dir, name+".md"), func(w io.Writer) error {
		if _, err := io.WriteString(w, provenance); err != nil {
			return err
		}
		return report.WriteTables(w, ts...)
	})
}

func jsonOf(v any) func(io.Writer) error {
	return func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
}

// writeFile creates path and fills it with write.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

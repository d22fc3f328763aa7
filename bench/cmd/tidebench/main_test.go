package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide/bench/contender"
)

// TestMain lets the test binary serve as the command's child process, as
// the tidebench binary does: execute re-runs os.Executable.
func TestMain(m *testing.M) {
	if spec, ok := os.LookupEnv(childEnv); ok {
		os.Exit(childMain(spec, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func TestQuickProfileRunsEndToEndAtSmokeSize(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run([]string{"-size", "0.01", "-out", dir}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())

	out := stdout.String()
	for _, title := range []string{"### tiny:", "### parallel submitters:", "### sleepy:", "### burst then idle:", "### latency:",
		"### server:", "### idle:", "### hammering:"} {
		assert.Contains(t, out, title)
	}
	assert.Contains(t, out, "- CPU: ")
	assert.Contains(t, out, "- Go: go1.")
	assert.Contains(t, out, "-size 0.01")
	progress := stderr.String()
	assert.Contains(t, progress, "files go to "+dir+"\n", "off a terminal, the output directory is said at the start")
	assert.Regexp(t, `(?m)^tidebench: \[ *1/\d+ 0m\d\ds\] \S+ \S+ cap=\d+ \(run 1\)$`, progress, "and a line per job")
	assert.Contains(t, progress, " jobs done in ")

	readme := readFile(t, dir, "README.md")
	assert.Equal(t, 1, strings.Count(readme, cpuNote), "the CPU paragraph once, not under every table")

	for _, md := range []string{"README.md", "tiny.md", "parallel.md", "sleepy.md", "burst.md", "latency.md", "server.md", "idle.md", "hammering.md"} {
		assertTablesWellFormed(t, readFile(t, dir, md))
	}
	for _, svg := range []string{"tiny.svg", "sleepy-rss.svg", "burst.svg", "latency.svg", "server.svg"} {
		assertSVG(t, readFile(t, dir, svg))
	}
	var res results
	require.NoError(t, json.Unmarshal([]byte(readFile(t, dir, "results.json")), &res))
	assert.Len(t, res.Tiny, 2*len(contender.All()), "a key per contender and capacity")
	for k, runs := range res.Sleepy {
		assert.Len(t, runs, 3, k)
		assert.Positive(t, runs[0].PeakRSS, k)
	}
	for k, runs := range res.Tiny {
		assert.Positive(t, runs[0].PeakRSS, "every job runs in a child: %s", k)
		assert.Positive(t, runs[0].ChildCPU, k)
		assert.GreaterOrEqual(t, runs[0].CPUPerTask, 0.0, k)
	}
	assert.Len(t, res.Server, len(contender.All()))
	for k, runs := range res.Server {
		assert.GreaterOrEqual(t, runs[0].DueP99, runs[0].P99, "due-to-start recorded beside submit-to-start: %s", k)
		assert.Positive(t, runs[0].DueMax, k)
	}
	assert.Regexp(t, `### latency: .*: due-to-start latency\n`, out)
	assert.Regexp(t, `### server: .*: submit-to-start latency\n`, out)
	assert.Equal(t, 1, strings.Count(readFile(t, dir, "server.md"), dueNote), "server.md explains due-to-start once")
	assert.Len(t, res.Idle, len(contender.All()))
	hammered := 0
	for _, name := range contender.Names() {
		if contender.NonblockingOf(name).Start == nil {
			assert.NotContains(t, res.Hammering, key(name, res.Sizes.HammerCap), "skipped, no nonblocking mode")
			continue
		}
		hammered++
		runs := res.Hammering[key(name, res.Sizes.HammerCap)]
		require.Len(t, runs, 3, name)
		assert.Equal(t, runs[0].Accepted+runs[0].Blocking, runs[0].Ran, name)
	}
	assert.Len(t, res.Hammering, hammered)
	assert.Contains(t, out, "Not run, having no nonblocking mode: raw (")
	assert.Contains(t, out, "Written to "+dir+": ")
}

func TestDefaultRunWritesToAFreshTemporaryDirectory(t *testing.T) {
	results := filepath.Join("..", "..", "results")
	before := snapshot(t, results)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run([]string{"-only", "tiny,raw", "-size", "0.001", "-runs", "1"}, &stdout, &stderr), stderr.String())

	m := regexp.MustCompile(`Written to (\S+) \(a new temporary directory`).FindStringSubmatch(stdout.String())
	require.Len(t, m, 2, stdout.String())
	assert.Equal(t, tmp, filepath.Dir(m[1]), "under os.TempDir")
	assert.FileExists(t, filepath.Join(m[1], "tiny.md"))
	assert.Equal(t, before, snapshot(t, results), "bench/results untouched")
	_, err := os.Stat("results")
	assert.ErrorIs(t, err, fs.ErrNotExist, "no results folder made in the working directory")
}

// snapshot lists the files in dir with their sizes and modification times.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	files := map[string]string{}
	for _, e := range entries {
		info, err := e.Info()
		require.NoError(t, err)
		files[e.Name()] = fmt.Sprint(info.Size(), info.ModTime())
	}
	return files
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	require.NoError(t, err)
	return string(b)
}

// assertTablesWellFormed checks that every pipe table in md has a header,
// an alignment row, and rows of the header's width.
func assertTablesWellFormed(t *testing.T, md string) {
	t.Helper()
	var table []string
	check := func() {
		if len(table) == 0 {
			return
		}
		require.GreaterOrEqual(t, len(table), 3, "header, alignment row and at least one row")
		assert.Regexp(t, `^\| --- \|( ---: \|)*$`, table[1])
		width := strings.Count(table[0], "|")
		for _, l := range table {
			assert.Equal(t, width, strings.Count(strings.ReplaceAll(l, `\|`, ""), "|"), l)
		}
		table = nil
	}
	tables := 0
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "|") {
			if len(table) == 0 {
				tables++
			}
			table = append(table, l)
			continue
		}
		check()
	}
	check()
	assert.Positive(t, tables)
}

// assertSVG parses doc as XML to its end and checks that its root is <svg>.
func assertSVG(t *testing.T, doc string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(doc))
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

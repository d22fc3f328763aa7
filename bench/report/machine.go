package report

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// Machine describes where the numbers were measured.
type Machine struct {
	CPU        string
	Cores      int
	GOMAXPROCS int
	Go         string
	OS, Arch   string
	Date       time.Time
	Load       string   // the 1-minute load average when the run began, where known
	Modules    []string // "path version" of every dependency the binary holds
}

// ThisMachine describes the running machine, the Go toolchain that built
// this binary and the module versions in it.
func ThisMachine(now time.Time) Machine {
	return Machine{
		CPU:        cpuModel("/proc/cpuinfo"),
		Cores:      runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		Go:         runtime.Version(),
		OS:         runtime.GOOS,
		Arch:       runtime.GOARCH,
		Date:       now.UTC(),
		Load:       loadAverage("/proc/loadavg"),
		Modules:    modules(),
	}
}

// Markdown returns the description as a bullet list.
func (m Machine) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "- CPU: %s, %d cores, GOMAXPROCS=%d, %s/%s\n", m.CPU, m.Cores, m.GOMAXPROCS, m.OS, m.Arch)
	fmt.Fprintf(&b, "- Go: %s\n", m.Go)
	fmt.Fprintf(&b, "- Date: %s\n", m.Date.Format("2006-01-02 15:04 MST"))
	if m.Load != "" {
		fmt.Fprintf(&b, "- Load average when the run began: %s (other work on the machine skews the numbers)\n", m.Load)
	}
	if len(m.Modules) > 0 {
		fmt.Fprintf(&b, "- Versions: %s\n", strings.Join(m.Modules, ", "))
	}
	return b.String()
}

// cpuModel reads the first "model name" in a /proc/cpuinfo-like file, or
// says it is unknown.
func cpuModel(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(key) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return "unknown CPU"
}

// loadAverage returns the first field of a /proc/loadavg-like file, or ""
// where there is none.
func loadAverage(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return ""
	}
	return fields[0]
}

// measured are the modules whose versions belong next to the numbers.
var measured = []string{
	"github.com/panjf2000/ants/v2", "github.com/alitto/pond/v2", "github.com/gammazero/workerpool",
	"github.com/sourcegraph/conc", "golang.org/x/sync", "github.com/bytedance/gopkg",
}

// modules lists the versions of the measured modules built in.
func modules() []string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	var out []string
	for _, d := range info.Deps {
		for _, path := range measured {
			if d.Path == path {
				out = append(out, d.Path+" "+d.Version)
			}
		}
	}
	return out
}

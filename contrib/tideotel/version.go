package tideotel

// Version returns the version of this module, which the meter carries as its
// instrumentation version. It is raised with every release (RELEASING.md).
func Version() string {
	return "0.1.0"
}

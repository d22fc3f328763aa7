// Package report turns measurements into what people read: Markdown tables,
// SVG charts, medians with their spread, and a description of the machine.
// It knows nothing about pools or workloads.
package report

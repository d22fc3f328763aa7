//go:build race

package tide

const raceEnabled = true

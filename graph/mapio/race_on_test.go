//go:build race

package mapio_test

// raceEnabled skips the 100k-node test under the race detector, which makes
// it ten times slower without checking anything more (graph is not
// concurrent); BenchmarkRead measures that size.
const raceEnabled = true

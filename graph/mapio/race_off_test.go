//go:build !race

package mapio_test

const raceEnabled = false
